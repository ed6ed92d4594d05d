// Segment every slice of the current stack with learned parts; the result is a 16-bit label stack.
model = "/path/to/stable-diffusion-2-1-base";
learned = "/path/to/cell.slime";
run("SLiMe Segment", "learned_parts=[" + learned + "] model=[" + model + "] all_slices tiling=squeeze " +
    "tile_scale=1 tile_overlap=0.25 seed=0 device=auto");
