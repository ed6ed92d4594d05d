package org.slime4j.jobs;

import ij.ImagePlus;
import java.io.IOException;
import java.nio.file.Path;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.Tiling;
import org.slime4j.imagej.ImageFiles;
import org.slime4j.imagej.Images;
import org.slime4j.imagej.Provenance;
import org.slime4j.imagej.Segmentation;

/**
 * SLiMe Segment as every front end runs it: an image or stack (every (z, t) plane, or the current one) into a
 * 16-bit label image, and with {@code confidence} a confidence map; with {@code output} both are also written as
 * TIFFs (the map beside the labels, first), atomically, never replacing a file unless {@code overwrite}. Parts
 * learned on other weights of the model's architecture are a warning, with {@code strict} an error.
 */
public record SegmentJob(ImagePlus image, Path learnedParts, Path model, Execution execution, boolean allSlices,
                         Tiling tiling, long seed, boolean confidence, Path output, boolean overwrite, boolean strict)
        implements Job<Segmentation.Result> {
    @Override
    public Segmentation.Result run(JobListener listener) throws IOException {
        Images.notPlot(image, "segment");
        LearnedParts parts = LearnedParts.load(learnedParts);
        if (output != null) {
            Outputs.file(output, overwrite, listener);
            if (confidence) {
                Outputs.file(ImageFiles.confidenceFor(output), overwrite, listener);
            }
        }
        MemoryCheck.segmentation(model, parts.options(), tiling, execution, listener);
        listener.status("SLiMe: loading " + model);
        Segmentation.Result r;
        try (Sessions.Lease lease = Sessions.open(model, execution, listener::log)) {
            Models.checkWeights(parts, lease.slime().identity(), strict, listener);
            listener.status("SLiMe: segmenting " + image.getTitle());
            r = Segmentation.segment(lease.slime(), parts, image, allSlices, tiling, seed, confidence);
        } catch (RuntimeException e) {
            throw MemoryCheck.explained(e, "segmenting " + image.getTitle(), "");
        }
        listener.log(Segmentation.describe(r.labels(), parts.options().patchThreshold()));
        Provenance made = provenance(learnedParts, tiling, seed, execution);
        made.stamp(r.labels());
        if (r.confidence() != null) {
            made.stamp(r.confidence());
        }
        if (output != null) {
            if (r.confidence() != null) {
                ImageFiles.writeAtomically(r.confidence(), ImageFiles.confidenceFor(output));
            }
            ImageFiles.writeAtomically(r.labels(), output);
        }
        return r;
    }

    /** What makes a segmentation's pixels: the learned-parts file and the tiling, seed and precision. */
    static Provenance provenance(Path learnedParts, Tiling tiling, long seed, Execution execution) throws IOException {
        return new Provenance(LearnedParts.sha256(learnedParts), learnedParts.getFileName().toString(), "tiling "
                + (tiling.tiled() ? "tiles scale " + tiling.scale() + " overlap " + tiling.overlap() : "squeeze")
                + ", seed " + seed + ", precision " + execution.precision().name().toLowerCase());
    }
}
