package org.slime4j.fiji;

import org.scijava.plugin.Parameter;
import org.slime4j.core.engine.ExecutionOption;
import org.slime4j.core.slime.Tiling;

/** What the segmenting commands share: tiling, seed, and the precision and crops per pass they run with. */
abstract class SegmentingCommand extends ModelCommand {
    @Parameter(choices = {"squeeze", "tiles"})
    protected String tiling = "squeeze";

    @Parameter(label = "Tile scale (image pixels to working pixels)")
    protected double tile_scale = 1.0;

    @Parameter
    protected double tile_overlap = 0.25;

    @Parameter
    protected long seed = 0;

    @Parameter(label = "Precision (fp16: GPUs, half the memory)", choices = {"fp32", "fp16"})
    protected String precision = ExecutionOption.PRECISION.initial();

    @Parameter(label = "Crops per pass (GPUs with memory to spare)")
    protected int crops_per_pass = Integer.parseInt(ExecutionOption.CROPS_PER_PASS.initial());

    protected Tiling tilingChoice() {
        return Tiling.parse(tiling, tile_scale, tile_overlap);
    }
}
