// Segment a folder, resumable and shardable: rerunning skips finished images; shard=i/n splits the folder.
// Headless: ImageJ --headless -macro segment_folder.ijm "in=/data/in out=/data/out shard=1/1"
args = getArgument();
input = "/path/to/images"; output = "/path/to/labels"; shard = "1/1";
if (args != "") {
    input = call("ij.Macro.getValue", args, "in", input);
    output = call("ij.Macro.getValue", args, "out", output);
    shard = call("ij.Macro.getValue", args, "shard", shard);
}
model = "/path/to/stable-diffusion-2-1-base";
learned = "/path/to/cell.slime";
run("SLiMe Segment Folder", "input_folder=[" + input + "] pattern=*.tif output_folder=[" + output +
    "] learned_parts=[" + learned + "] model=[" + model + "] shard=" + shard +
    " tiling=squeeze tile_scale=1 tile_overlap=0.25 seed=0 device=auto");
