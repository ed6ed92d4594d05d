package org.slime4j.fiji;

import org.scijava.plugin.Parameter;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.slime.Tiling;
import org.slime4j.jobs.Sessions;

/** What the segmenting commands share: tiling, seed, device. */
abstract class SegmentingCommand extends ModelCommand {
    @Parameter(choices = {"squeeze", "tiles"})
    protected String tiling = "squeeze";

    @Parameter(label = "Tile scale (image pixels to working pixels)")
    protected double tile_scale = 1.0;

    @Parameter
    protected double tile_overlap = 0.25;

    @Parameter
    protected long seed = 0;

    @Parameter(choices = {"auto", "cpu", "gpu"})
    protected String device = "auto";

    /** The chosen device, with the memory and speed options of the environment. */
    protected Execution execution() {
        return Sessions.execution(DeviceChoice.parse(device));
    }

    protected Tiling tilingChoice() {
        return Tiling.parse(tiling, tile_scale, tile_overlap);
    }
}
