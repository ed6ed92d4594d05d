package org.slime4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slime4j.core.engine.Engines;
import org.slime4j.core.engine.Precision;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.slime.Tiling;
import org.slime4j.imagej.ImageFiles;
import org.slime4j.imagej.Segmentation;
import org.slime4j.jobs.FolderJob;
import org.slime4j.jobs.Sessions;

/** {@code slime segment}: one image, or a folder (resumable, shardable), into 16-bit label TIFFs. */
@Command(name = "segment", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Segment an image or every matching image of a folder into 16-bit label TIFFs.")
final class CliSegment implements Callable<Integer> {
    @CommandLine.Mixin
    SlimeCli.Common common;

    @Option(names = "--slime", required = true, paramLabel = "FILE.slime", description = "learned parts")
    Path slime;

    @Parameters(paramLabel = "INPUT", description = "an image file or a folder")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "PATH",
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

    @Option(names = "--crops-per-pass", defaultValue = "1", converter = CliValues.AtLeast1.class,
            description = "speed option: crops or tiles per VAE and UNet pass (a GPU with memory to spare; "
                    + "default: ${DEFAULT-VALUE})")
    int cropsPerPass;

    @Option(names = "--overwrite", description = "replace an existing output file")
    boolean overwrite;

    @Option(names = "--confidence", description = "also write a 32-bit map of how sure each pixel is (the margin "
            + "between the best and second-best part score, 0..1): <name>_confidence.tif beside the labels")
    boolean confidence;

    @Option(names = "--precision", defaultValue = "fp32", converter = CliValues.HalfOrFull.class,
            description = "fp32 (default) or fp16: half the UNet memory, for GPUs")
    Precision precision;

    @Override
    public Integer call() throws Exception {
        LearnedParts parts = LearnedParts.load(slime);
        Tiling tiling = Tiling.parse(tiles == null ? "squeeze" : "tiles", tiles == null ? 1 : tiles, overlap);
        if (!Files.exists(input)) {
            throw new IOException("INPUT " + input + " does not exist: give an image file or a folder.");
        }
        try (Sessions.Lease lease = Sessions.open(common.model, common.execution().withPrecision(precision)
                .withCropsPerPass(cropsPerPass), System.err::println)) {
            return segment(lease.slime(), parts, tiling);
        }
    }

    private int segment(Slime model, LearnedParts parts, Tiling tiling) throws IOException {
        System.err.printf("slime: %s on %s, %d CPU threads%n", common.model, model.model().manager().getDevice(),
                Engines.cpuThreads());
        if (Files.isDirectory(input)) {
            FolderJob.Summary summary = FolderJob.run(model, parts, input, pattern, output, shard, tiling, seed,
                    confidence, System.err::println, () -> false);
            System.out.println(summary);
            summary.failures().forEach(f -> System.out.println("failed: " + f));
            return summary.failures().isEmpty() ? 0 : 1;
        }
        if (Files.exists(output) && !overwrite) {
            throw new IOException("Output " + output + " exists already; give --overwrite to replace it.");
        }
        Segmentation.Result r = Segmentation.segment(model, parts, CliIo.open(input, "INPUT"), true, tiling, seed,
                confidence);
        if (overwrite) {
            Files.deleteIfExists(output);
        }
        if (confidence) {
            Path map = ImageFiles.confidenceFor(output);
            if (overwrite) {
                Files.deleteIfExists(map);
            }
            ImageFiles.writeAtomically(r.confidence(), map);
            System.out.println("wrote " + map);
        }
        ImageFiles.writeAtomically(r.labels(), output);
        System.out.println("wrote " + output + " (" + parts.partNames() + ")");
        return 0;
    }
}
