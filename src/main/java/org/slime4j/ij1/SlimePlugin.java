package org.slime4j.ij1;

import org.slime4j.imagej.ImageFiles;
import static org.slime4j.core.slime.SlimeOption.*;

import ij.IJ;
import ij.Macro;
import ij.Prefs;
import ij.ImagePlus;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trained;
import org.slime4j.core.slime.Trainer;
import org.slime4j.jobs.PyTorchOptions;
import org.slime4j.imagej.Workflows;
import org.slime4j.imagej.Annotations;
import org.slime4j.jobs.FolderJob;
import org.slime4j.jobs.Models;
import org.slime4j.imagej.RoiMasks;
import org.slime4j.imagej.Segmentation;
import org.slime4j.jobs.Sessions;
import org.slime4j.jobs.Training;

/**
 * SLiMe Train / Segment / Segment Folder for plain ImageJ 1.x and its macro language (registered by the jar's
 * {@code plugins.config}); the same keys as the SciJava commands, e.g.
 * {@code run("SLiMe Segment", "learned_parts=/data/cells.slime model=/models/sd21 all_slices=true tiling=squeeze");}.
 * A failing command stops the macro that ran it; in {@code java -jar ij.jar -batch} ImageJ then exits with status 1,
 * and headless the message also goes to stderr.
 */
public class SlimePlugin implements PlugIn {
    private static final String[] DEVICES = {"auto", "cpu", "gpu"};
    private static final String[] TILINGS = {"squeeze", "tiles"};
    /** Each command's label, as plugins.config names it. */
    private static final Map<String, String> LABELS = Map.of("train", "SLiMe Train", "segment", "SLiMe Segment",
            "folder", "SLiMe Segment Folder", "options", "SLiMe Options", "evaluate", "SLiMe Evaluate",
            "rois", "SLiMe Labels to ROIs");

    @Override
    public void run(String arg) {
        try {
            switch (arg) {
                case "train" -> train();
                case "segment" -> segment();
                case "folder" -> folder();
                case "options" -> options();
                case "evaluate" -> evaluate();
                case "rois" -> {
                    Map<String, String> v = new Fields().flag("all_slices", false).ask("SLiMe Labels to ROIs");
                    if (v != null) {
                        int n = org.slime4j.imagej.LabelsToRois.toRoiManager(IJ.getImage(),
                                Fields.flag(v, "all_slices"));
                        IJ.log("SLiMe Labels to ROIs: " + n + " ROIs, named after their parts");
                    }
                }
                default -> IJ.error("SLiMe", "unknown command '" + arg + "'");
            }
        } catch (Exception e) {
            String message = LABELS.getOrDefault(arg, "SLiMe") + ": " + e.getMessage();
            if (java.awt.GraphicsEnvironment.isHeadless()) {
                System.err.println(message);             // headless, IJ.log would print it to stdout
            } else {
                IJ.log(message);
            }
            if (!IJ.isMacro()) {
                IJ.error("SLiMe", e.getMessage());
            } else if (commandLineBatch()) {
                // java -jar ij.jar -batch: the run fails with the message and a failing exit status
                System.err.println(message);
                System.exit(1);
            } else {
                Interpreter.abort();                     // the macro stops here, from any thread that runs it,
                Macro.abort();                           // with no dialog that would wait for a click
            }
        } finally {
            IJ.showStatus("");
        }
    }

    private static final String PREFS = "slime.";

    /** The model of the last run, else the first one in the Hugging Face cache. */
    private static String rememberedModel() {
        String last = Prefs.get(PREFS + "model", "");
        return !last.isBlank() ? last : Models.cachedModels().stream().findFirst().orElse("");
    }

    private static void remember(String key, String value) {
        if (value != null && !value.isBlank()) {
            Prefs.set(PREFS + key, value.trim());
        }
    }

    /** The part names of the image's ROIs (ROI Manager, else overlay), to propose. */
    private static String roiNames(ImagePlus imp) {
        try {
            return Workflows.roiPartNames(imp);
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** {@code <image name>.slime} beside the image's file, when it has one. */
    private static String proposedOutput(ImagePlus imp) {
        ij.io.FileInfo fi = imp.getOriginalFileInfo();
        if (fi == null || fi.directory == null || fi.directory.isBlank()) {
            return "";
        }
        String name = imp.getTitle().replaceFirst("\\.[A-Za-z0-9]+$", "");
        return Path.of(fi.directory, name + ".slime").toString();
    }

    /** Whether ImageJ runs a macro from its command line ({@code -batch}: no window, exits when done). */
    static boolean commandLineBatch() {
        try {
            java.lang.reflect.Field f = ij.ImageJ.class.getDeclaredField("batchMode");
            f.setAccessible(true);
            return IJ.getInstance() == null && f.getBoolean(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private void train() throws Exception {
        ImagePlus imp = IJ.getImage();
        Map<String, String> v = new Fields().text("parts", roiNames(imp))
                .choice("annotation", Annotations.Source.ROI_MANAGER.label, Annotations.Source.labels())
                .file("annotation_file", "").text("model", rememberedModel()).file("output", proposedOutput(imp))
                .number("epochs", 200).number("learning_rate", 0.1).number("seed", 42)
                .choice("device", "auto", DEVICES).number("working_size", 512)
                .flag("augment", true).flag("validate", true).number("preview_every", 0).flag("overwrite", false)
                .file("continue_from", "")
                .ask("SLiMe Train");
        if (v == null) {
            return;
        }
        Workflows.Annotated given = Workflows.annotation(imp, Annotations.Source.parse(v.get("annotation")),
                v.get("annotation_file"));
        List<String> names = RoiMasks.partNames(v.get("parts"), given.rois());
        InputMapping mapping = Training.mapping(imp);
        List<Trainer.Pair> pairs = Training.pairs(imp, given.rois(), given.labels(), names, mapping);
        int epochs = Fields.integer(v, "epochs");
        SlimeOptions o = SlimeOptions.defaults().with(EPOCHS, epochs)
                .with(WORKING_SIZE, Fields.integer(v, "working_size"))
                .with(LEARNING_RATE, Fields.decimal(v, "learning_rate"))
                .with(SEED, Fields.whole(v, "seed"))
                .with(AUGMENT, Fields.flag(v, "augment"));
        Slime.TrainingRequest request = new Slime.TrainingRequest(names, null, pairs, Fields.flag(v, "validate"),
                mapping, Fields.integer(v, "preview_every"), Fields.path(v, "continue_from"));
        remember("model", v.get("model"));
        Trained t = Training.train(Models.parse(v.get("model")),
                Sessions.execution(DeviceChoice.parse(v.get("device"))), request, o, Fields.path(v, "output"),
                Fields.flag(v, "overwrite"), progress(imp, epochs * pairs.size(), names.size()), IJ::escapePressed,
                IJ::showStatus);
        if (!v.get("output").isBlank() && t.outcome().epochsRun() > 0) {
            remember("learned", v.get("output"));
        }
        IJ.log("SLiMe Train: " + names + ", " + t.summary() + (v.get("output").isBlank()
                || t.outcome().epochsRun() == 0 ? "" : ", saved " + v.get("output")));
        IJ.showStatus("");
        IJ.showProgress(1.0);
    }

    /** Progress bar and status per step, the live preview on {@code imp}. */
    private static Trainer.Listener progress(ImagePlus imp, int total, int parts) {
        return new Trainer.Listener() {
            @Override
            public void step(Trainer.StepReport r) {
                IJ.showProgress(r.step(), total);
                IJ.showStatus(String.format("SLiMe epoch %d, loss %.4f", r.epoch(), r.result().loss()));
            }

            @Override
            public void preview(int epoch, org.slime4j.core.slime.LabelImage labels) {
                Workflows.showPreview(imp, labels, parts);
                imp.updateAndDraw();
            }
        };
    }

    private void segment() throws Exception {
        ImagePlus imp = IJ.getImage();
        String learned = Prefs.get(PREFS + "learned", "");
        Map<String, String> v = new Fields().file("learned_parts", learned)
                .text("model", Models.proposedModel(Path.of(learned), rememberedModel())).flag("all_slices", true)
                .flag("confidence", false).file("output", "").flag("overwrite", false)
                .choice("tiling", "squeeze", TILINGS).number("tile_scale", 1.0)
                .number("tile_overlap", 0.25).number("seed", 0).choice("device", "auto", DEVICES)
                .ask("SLiMe Segment");
        if (v == null) {
            return;
        }
        LearnedParts parts = LearnedParts.load(Path.of(v.get("learned_parts")));
        Path output = Fields.path(v, "output");
        if (output != null && !Fields.flag(v, "overwrite") && Files.exists(output)) {
            throw new IOException("Output " + output + " exists already; choose another name or allow "
                    + "overwriting (overwrite=true).");
        }
        remember("model", v.get("model"));
        remember("learned", v.get("learned_parts"));
        Segmentation.Result r;
        try (Sessions.Lease lease = Sessions.open(Models.parse(v.get("model")),
                Sessions.execution(DeviceChoice.parse(v.get("device"))), IJ::log)) {
            r = Segmentation.segment(lease.slime(), parts, imp, Fields.flag(v, "all_slices"), tiling(v),
                    Fields.whole(v, "seed"), Fields.flag(v, "confidence"));
        }
        if (output != null) {
            if (r.confidence() != null) {
                ImageFiles.writeAtomically(r.confidence(), ImageFiles.confidenceFor(output));
            }
            ImageFiles.writeAtomically(r.labels(), output);
        }
        if (r.confidence() != null) {
            r.confidence().show();
        }
        r.labels().show();                                 // the active image: a macro's next saveAs saves it
        IJ.log("SLiMe Segment: " + r.labels().getTitle() + " (" + parts.partNames() + ")"
                + (output == null ? "" : ", saved " + output));
    }

    private void folder() throws Exception {
        Map<String, String> v = new Fields().folder("input_folder", "").text("pattern", FolderJob.IMAGES)
                .folder("output_folder", "").file("learned_parts", Prefs.get(PREFS + "learned", ""))
                .text("model", Models.proposedModel(Path.of(Prefs.get(PREFS + "learned", "")), rememberedModel()))
                .text("shard", "1/1")
                .choice("tiling", "squeeze", TILINGS).number("tile_scale", 1.0).number("tile_overlap", 0.25)
                .number("seed", 0).choice("device", "auto", DEVICES).ask("SLiMe Segment Folder");
        if (v == null) {
            return;
        }
        LearnedParts parts = LearnedParts.load(Path.of(v.get("learned_parts")));
        remember("model", v.get("model"));
        remember("learned", v.get("learned_parts"));
        FolderJob.Summary s;
        try (Sessions.Lease lease = Sessions.open(Models.parse(v.get("model")),
                Sessions.execution(DeviceChoice.parse(v.get("device"))), IJ::log)) {
            s = FolderJob.run(lease.slime(), parts, Path.of(v.get("input_folder")), v.get("pattern"),
                    Path.of(v.get("output_folder")), FolderJob.Shard.parse(v.get("shard")), tiling(v),
                    Fields.whole(v, "seed"), IJ::log, IJ::escapePressed);
        }
        IJ.log("SLiMe Segment Folder: " + s);
        s.failures().forEach(f -> IJ.log("SLiMe failed: " + f));
    }

    private void evaluate() throws Exception {
        Map<String, String> v = new Fields().file("labels", "").file("ground_truth", "").file("csv", "")
                .ask("SLiMe Evaluate");
        if (v == null) {
            return;
        }
        Map<String, org.slime4j.core.slime.Evaluation> results = org.slime4j.imagej.Evaluate.run(
                Path.of(v.get("labels")), Path.of(v.get("ground_truth")));
        org.slime4j.imagej.EvaluationTable.show(results);
        if (!v.get("csv").isBlank()) {
            org.slime4j.imagej.Evaluate.writeCsv(results, Path.of(v.get("csv")));
        }
        var all = results.get("all");
        IJ.log(String.format("SLiMe Evaluate: mean IoU %.3f (all background would score %.3f)", all.meanIou(),
                all.backgroundMeanIou()));
    }

    private void options() throws Exception {
        Map<String, String> v = new Fields().text("pytorch", PyTorchOptions.current()).flag("download", false)
                .ask("SLiMe Options");
        if (v == null) {
            return;
        }
        PyTorchOptions.apply(v.get("pytorch"), Fields.flag(v, "download"), IJ::log,
                (file, done, total) -> {
                    IJ.showProgress((double) done / Math.max(1, total));
                    IJ.showStatus("SLiMe download " + file + ": " + (done >> 20) + " / " + (total >> 20) + " MB");
                }, IJ::escapePressed, question -> IJ.isMacro() || IJ.showMessageWithCancel("SLiMe Options", question));
        IJ.showStatus("");
    }

    private static Tiling tiling(Map<String, String> v) {
        return Tiling.parse(v.get("tiling"), Fields.decimal(v, "tile_scale"), Fields.decimal(v, "tile_overlap"));
    }
}
