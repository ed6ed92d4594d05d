package org.slime4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.slime4j.core.engine.Engines;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.engine.ExecutionOption;
import org.slime4j.core.slime.Tiling;
import org.slime4j.imagej.ImageFiles;
import org.slime4j.imagej.Segmentation;
import org.slime4j.jobs.FolderJob;
import org.slime4j.jobs.JobListener;
import org.slime4j.jobs.SegmentJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slime segment}: one image, or a folder (resumable, shardable), into 16-bit label TIFFs. */
@Command(name = "segment", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Segment an image or every matching image of a folder into 16-bit label TIFFs.")
final class CliSegment implements Callable<Integer>, CliOptions.Takes {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    SlimeCli.Common common;

    @Option(names = "--slime", required = true, paramLabel = "FILE.slime", description = "learned parts")
    Path slime;

    @Parameters(paramLabel = "INPUT", description = "an image file or a folder")
    Path input;

    @Option(names = {"--output", "--out"}, required = true, paramLabel = "PATH",
            description = "label TIFF (for a file) or folder (for a folder; <name>_labels.tif inside)")
    Path output;

    @Option(names = "--pattern", defaultValue = FolderJob.IMAGES, paramLabel = "GLOB",
            description = "which files of a folder (default: ${DEFAULT-VALUE})")
    String pattern;

    @Option(names = "--shard", defaultValue = "1/1", converter = CliValues.Shard.class, paramLabel = "i/n",
            description = "this task's share of a folder; slurm: this SLURM array task's share (any "
                    + "--array=FIRST-LAST[:STEP]) (default: ${DEFAULT-VALUE})")
    FolderJob.Shard shard;

    @Option(names = "--tiles", converter = CliValues.Positive.class, paramLabel = "SCALE",
            description = "tile at this image scale instead of squeezing the image to S×S")
    Double tiles;

    @Option(names = "--overlap", defaultValue = "0.25", converter = CliValues.Fraction.class,
            description = "tile overlap, a fraction of the tile (default: ${DEFAULT-VALUE})")
    double overlap;

    @Option(names = "--seed", defaultValue = "0", description = "random seed of the noise (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--overwrite", description = "replace an existing output file")
    boolean overwrite;

    @Option(names = "--confidence", description = "also write a 32-bit map of how sure each pixel is (the margin "
            + "between the best and second-best part score, 0..1): <name>_confidence.tif beside the labels")
    boolean confidence;

    @Option(names = "--strict", description = "refuse learned parts from a model of the same architecture with other "
            + "weights (a fine-tune, another release) instead of warning")
    boolean strict;

    @Override
    public List<ExecutionOption> executionOptions() {
        return List.of(ExecutionOption.values());
    }

    @Override
    public Integer call() throws Exception {
        Tiling tiling = Tiling.parse(tiles == null ? "squeeze" : "tiles", tiles == null ? 1 : tiles, overlap);
        if (!Files.exists(input)) {
            throw new IOException("INPUT " + input + " does not exist: give an image file or a folder.");
        }
        Execution execution = common.execution(CliOptions.givenExecution(spec, executionOptions()));
        System.err.printf("slime: %s on %s, %d CPU threads%n", common.model, execution.device().name().toLowerCase(),
                Engines.cpuThreads());
        if (Files.isDirectory(input)) {
            FolderJob.Summary summary = new FolderJob(input, pattern, output, slime, common.model, execution, shard,
                    tiling, seed, confidence, strict).run(LOG);
            System.out.println(summary);
            summary.failures().forEach(f -> System.out.println("failed: " + f));
            return summary.failures().isEmpty() ? 0 : 1;
        }
        Segmentation.Result r = new SegmentJob(CliIo.open(input, "INPUT"), slime, common.model, execution, true,
                tiling, seed, confidence, output, overwrite, strict).run(LOG);
        if (confidence) {
            System.out.println("wrote " + ImageFiles.confidenceFor(output));
        }
        System.out.println("wrote " + output + " (" + r.labels().getProp("SLiMe.parts") + ")");
        return 0;
    }

    /** A job's lines on stderr. */
    private static final JobListener LOG = new StderrListener();
}
