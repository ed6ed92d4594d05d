package org.slime4j.ij1;

import ij.IJ;
import ij.ImagePlus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slime4j.core.engine.ExecutionOption;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Trained;
import org.slime4j.imagej.Annotations;
import org.slime4j.imagej.Preview;
import org.slime4j.jobs.Checkpoints;
import org.slime4j.jobs.Models;
import org.slime4j.jobs.TrainJob;

/** SLiMe Train in plain ImageJ: the current image, its ROIs (or an ROI set, or a label image), the table's options. */
public class TrainPlugin extends Ij1Command {
    @Override
    String label() {
        return "SLiMe Train";
    }

    @Override
    void execute() throws Exception {
        ImagePlus imp = IJ.getImage();
        String proposed = proposedOutput(imp);
        Checkpoints.Unfinished u = proposed.isEmpty() || ij.Macro.getOptions() != null ? null
                : Checkpoints.unfinished(Path.of(proposed));
        Fields fields = new Fields().text("parts", roiNames(imp))
                .choice("annotation", Annotations.Source.ROI_MANAGER.label, Annotations.Source.labels())
                .file("annotation_file", "").text("model", rememberedModel()).file("output", proposed);
        if (u != null) {
            fields.note("SLiMe: " + u + ": its settings are filled in; with resume ticked, OK goes on from it.");
        }
        SlimeOption.offered().forEach(o -> fields.option(o, u == null ? SlimeOptions.defaults() : u.options()));
        Map<String, String> v = fields.option(ExecutionOption.DEVICE).option(ExecutionOption.MEMORY_CHECK)
                .flag("validate", true).number("preview_every", 0).flag("overwrite", false).file("continue_from", "")
                .number("checkpoint_every", Checkpoints.Policy.DEFAULT.everyEpochs())
                .flag("resume", Checkpoints.Policy.DEFAULT.resume()).ask(label());
        if (v == null) {
            return;
        }
        remember("model", v.get("model"));
        Annotations.Annotated annotated = Annotations.of(imp, Annotations.Source.parse(v.get("annotation")),
                v.get("annotation_file"));
        Trained t;
        try {
            t = new TrainJob(List.of(annotated), v.get("parts"), Models.parse(v.get("model")), execution(v),
                    Fields.slimeOptions(v), Fields.given(v), Fields.flag(v, "validate"),
                    Fields.integer(v, "preview_every"), Fields.path(v, "continue_from"), Fields.path(v, "output"),
                    Fields.flag(v, "overwrite"), new Checkpoints.Policy(Fields.integer(v, "checkpoint_every"),
                    Checkpoints.Policy.DEFAULT.minSeconds(), Fields.flag(v, "resume"))).run(listener(imp));
        } finally {
            Preview.remove(imp);                           // the preview served while training; the image is theirs
        }
        boolean saved = Fields.path(v, "output") != null && t.outcome().epochsRun() > 0;
        if (saved) {
            remember("learned", v.get("output"));
        }
        IJ.log(label() + ": " + t.parts().partNames() + ", " + t.summary() + (saved ? ", saved " + v.get("output")
                : ""));
        IJ.showProgress(1.0);
    }

    /** The part names of the image's ROIs (ROI Manager, else overlay), to propose. */
    private static String roiNames(ImagePlus imp) {
        try {
            return Annotations.roiPartNames(imp);
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
}
