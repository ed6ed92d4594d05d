package org.slime4j.fiji;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slime4j.core.Slime;
import org.slime4j.core.model.DeviceChoice;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.LabelImage;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trainer;

/**
 * The Fiji operations with plain parameters, shared by the SciJava commands, the ImageJ 1.x plugin and the CLI:
 * annotations to training pairs, training, and what training reports. Thin over {@link Slime}.
 */
public final class Workflows {
    /** Where the training mask comes from. */
    public enum Annotation {
        ROI_MANAGER("ROI Manager"), OVERLAY("Overlay"), LABEL_IMAGE("Label image");

        public final String label;

        Annotation(String label) {
            this.label = label;
        }

        public static Annotation parse(String s) {
            for (Annotation a : values()) {
                if (a.label.equalsIgnoreCase(s.trim()) || a.name().equalsIgnoreCase(s.trim().replace(' ', '_'))) {
                    return a;
                }
            }
            throw new IllegalArgumentException("annotation '" + s + "' is not one of: ROI Manager, Overlay, Label image");
        }
    }

    private Workflows() {
    }

    /** The ROIs of the chosen source; the ROI Manager falls back to the overlay when there is none (headless). */
    public static Roi[] rois(ImagePlus imp, Annotation source) {
        if (source == Annotation.ROI_MANAGER && !GraphicsEnvironment.isHeadless()) {
            RoiManager rm = RoiManager.getInstance();
            if (rm != null && rm.getCount() > 0) {
                return rm.getRoisAsArray();
            }
        }
        Overlay overlay = imp.getOverlay();
        return overlay == null ? new Roi[0] : overlay.toArray();
    }

    /**
     * Training pairs: one per annotated plane. ROIs with a stack position annotate that plane (few-shot from a
     * stack); ROIs without one annotate the current plane. A label image gives one pair per plane it shares with
     * the image.
     */
    public static List<Trainer.Pair> pairs(ImagePlus imp, Roi[] rois, ImagePlus labelImage, List<String> parts,
                                           InputMapping mapping) {
        List<Trainer.Pair> out = new ArrayList<>();
        if (labelImage != null) {
            if (labelImage.getWidth() != imp.getWidth() || labelImage.getHeight() != imp.getHeight()) {
                throw new IllegalArgumentException("label image '" + labelImage.getTitle() + "' is "
                        + labelImage.getWidth() + "×" + labelImage.getHeight() + " but the image is " + imp.getWidth()
                        + "×" + imp.getHeight());
            }
            int planes = Math.min(labelImage.getStackSize(), imp.getNSlices());
            for (int z = 1; z <= planes; z++) {
                LabelImage mask = RoiMasks.fromLabelPixels(labelImage.getStack().getProcessor(z), parts.size());
                out.add(new Trainer.Pair(Images.rgb(imp, planes == 1 ? imp.getZ() : z, imp.getT(), mapping), mask));
            }
            return out;
        }
        Map<Integer, List<Roi>> byPlane = new LinkedHashMap<>();
        for (Roi roi : rois) {
            int z = imp.getStackSize() > 1 && roi.getZPosition() > 0 ? roi.getZPosition()
                    : imp.getStackSize() > 1 && roi.getPosition() > 0 ? imp.convertIndexToPosition(roi.getPosition())[1]
                    : imp.getZ();
            byPlane.computeIfAbsent(z, k -> new ArrayList<>()).add(roi);
        }
        if (byPlane.isEmpty()) {
            RoiMasks.rasterize(rois, imp.getWidth(), imp.getHeight(), parts);          // says what is missing
        }
        for (Map.Entry<Integer, List<Roi>> e : byPlane.entrySet()) {
            LabelImage mask = RoiMasks.rasterize(e.getValue().toArray(new Roi[0]), imp.getWidth(), imp.getHeight(),
                    parts);
            out.add(new Trainer.Pair(Images.rgb(imp, e.getKey(), imp.getT(), mapping), mask));
        }
        return out;
    }

    /** The result of {@link #train}: the learned parts (saved unless cancelled) and what the training kept. */
    public record Trained(LearnedParts parts, Trainer.Outcome outcome) {
        /** One line for the log: the kept epoch, its IoU beside the all-background baseline, or the cancel. */
        public String summary() {
            Trainer.Outcome o = outcome;
            String kept = Double.isNaN(o.bestIou()) ? "kept epoch " + o.bestEpoch()
                    : String.format("kept epoch %d: mean IoU %.3f on the training images at full size (all "
                    + "background would score %.3f)", o.bestEpoch(), o.bestIou(), o.backgroundIou());
            return (o.cancelled() ? "cancelled after " : "") + o.epochsRun() + " epoch(s), " + kept;
        }
    }

    /**
     * Trains on {@code pairs} and saves to {@code output} (never replacing an existing file unless
     * {@code overwrite}), also after a cancel (the kept epoch); reports what the training kept.
     */
    /**
     * Trains on {@code pairs} (from scratch, or going on from the {@code .slime} file {@code continueFrom}) and saves to
     * {@code output} (never replacing an existing file unless {@code overwrite}), also after a cancel (the kept
     * epoch); reports what the training kept.
     */
    public static Trained train(Path model, DeviceChoice device, List<String> parts, List<Trainer.Pair> pairs,
                                String mapping, SlimeOptions options, boolean validate, int previewEvery, Path output,
                                boolean overwrite, Path continueFrom, Trainer.Listener listener,
                                BooleanSupplier cancelled, Consumer<String> status)
            throws IOException {
        if (output != null && !overwrite && output.toFile().exists()) {
            throw new IOException("Output " + output + " exists already; choose another name or allow overwriting.");
        }
        status.accept("SLiMe: loading " + model + " (the first run also unpacks PyTorch, ~450 MB)");
        Slime slime = Sessions.open(model, device);
        status.accept("SLiMe: training " + parts + " on " + pairs.size() + " image(s)");
        Trainer.Outcome[] outcome = {null};
        LearnedParts learned = slime.train(new Slime.TrainingRequest(parts, null, pairs, validate, mapping, previewEvery,
                        continueFrom),
                options, new Trainer.Listener() {
                    @Override
                    public void step(Trainer.StepReport report) {
                        listener.step(report);
                    }

                    @Override
                    public void epoch(int epoch, double loss, double iou, boolean best) {
                        listener.epoch(epoch, loss, iou, best);
                    }

                    @Override
                    public void preview(int epoch, LabelImage labels) {
                        listener.preview(epoch, labels);
                    }

                    @Override
                    public void finished(Trainer.Outcome o) {
                        outcome[0] = o;
                        listener.finished(o);
                    }
                }, cancelled);
        if (output != null && outcome[0].epochsRun() > 0) {
            learned.save(output, overwrite);
        }
        return new Trained(learned, outcome[0]);
    }

    /** Shows a label image over {@code imp} as a translucent overlay named "SLiMe preview" (replacing the last). */
    public static void showPreview(ImagePlus imp, LabelImage labels, int parts) {
        ij.process.ShortProcessor sp = new ij.process.ShortProcessor(labels.width(), labels.height());
        for (int i = 0; i < labels.labels().length; i++) {
            sp.set(i, labels.labels()[i]);
        }
        sp.setLut(Images.lut(parts));
        sp.setMinAndMax(0, 255);
        ij.gui.ImageRoi roi = new ij.gui.ImageRoi(0, 0, sp.convertToRGB());
        roi.setOpacity(0.4);
        roi.setZeroTransparent(true);
        roi.setName("SLiMe preview");
        Overlay overlay = imp.getOverlay() == null ? new Overlay() : imp.getOverlay();
        int old = overlay.getIndex("SLiMe preview");
        if (old >= 0) {
            overlay.remove(old);
        }
        overlay.add(roi);
        imp.setOverlay(overlay);
    }

    /** A model field's value as a path: a folder, or an {@code org/name[@rev]} the cache resolves. */
    public static Path modelPath(String field) {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("no base model given: choose a model folder or type org/name of a "
                    + "model in the Hugging Face cache (Plugins › SLiMe › Download Model fetches one)");
        }
        return Path.of(field.trim());
    }

    /**
     * The base model a {@code .slime} file was learned on, when it names one in the Hugging Face cache
     * ({@code org/name@commit}); else {@code fallback}. What the segmenting dialogs propose.
     */
    public static String proposedModel(Path slime, String fallback) {
        try {
            String name = LearnedParts.load(slime).baseModel().name();
            if (name.contains("/") && org.slime4j.core.hub.HubCache.fromEnvironment(System.getenv())
                    .snapshot(org.slime4j.core.hub.HubCache.RepoId.parse(name)) != null) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // no readable file, or a model not in the cache: keep the fallback
        }
        return fallback;
    }

    /** The {@code org/name} of every Stable Diffusion model in the environment's Hugging Face cache, sorted. */
    public static List<String> cachedModels() {
        return cachedModels(org.slime4j.core.hub.HubCache.fromEnvironment(System.getenv()));
    }

    /** The {@code org/name} of every Stable Diffusion model with a complete snapshot in {@code cache}, sorted. */
    public static List<String> cachedModels(org.slime4j.core.hub.HubCache cache) {
        Path root = cache.root();
        if (!java.nio.file.Files.isDirectory(root)) {
            return List.of();
        }
        try (var s = java.nio.file.Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("models--"))
                    .map(n -> n.substring("models--".length()).replace("--", "/"))
                    .filter(repo -> {
                        try {
                            return new org.slime4j.core.hub.HubCache(root).snapshot(
                                    org.slime4j.core.hub.HubCache.RepoId.parse(repo)) != null;
                        } catch (IOException e) {
                            return false;
                        }
                    }).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The mapping rule of a training image, as stored in the learned-parts file. */
    public static String mappingName(ImagePlus imp) {
        return InputMapping.AUTO.describe(imp.getBitDepth());
    }
}
