package org.slime4j.ij1;

import ij.IJ;
import ij.ImagePlus;
import java.nio.file.Path;
import java.util.Map;
import org.slime4j.core.engine.ExecutionOption;
import org.slime4j.core.slime.Tiling;
import org.slime4j.imagej.Segmentation;
import org.slime4j.jobs.Models;
import org.slime4j.jobs.SegmentJob;

/** SLiMe Segment in plain ImageJ: the current image or stack into a label image, the active image afterwards. */
public class SegmentPlugin extends Ij1Command {
    @Override
    String label() {
        return "SLiMe Segment";
    }

    @Override
    void execute() throws Exception {
        ImagePlus imp = IJ.getImage();
        String learned = remembered("learned");
        Map<String, String> v = ask(new Fields().file("learned_parts", learned)
                .text("model", Models.proposedModel(Path.of(learned), rememberedModel())).flag("all_slices", true)
                .flag("confidence", false).file("output", "").flag("overwrite", false), label());
        if (v == null) {
            return;
        }
        Segmentation.Result r = new SegmentJob(imp, Path.of(v.get("learned_parts")), Models.parse(v.get("model")),
                execution(v), Fields.flag(v, "all_slices"), tiling(v), Fields.whole(v, "seed"),
                Fields.flag(v, "confidence"), Fields.path(v, "output"), Fields.flag(v, "overwrite"), false)
                .run(listener(null));
        if (r.confidence() != null) {
            r.confidence().show();
        }
        r.labels().show();                                 // the active image: a macro's next saveAs saves it
        IJ.log(label() + ": " + r.labels().getTitle() + " (" + r.labels().getProp("SLiMe.parts") + ")"
                + (Fields.path(v, "output") == null ? "" : ", saved " + v.get("output")));
    }

    /**
     * Asks for {@code fields}, then the tiling, seed and execution fields of the segmenting commands; remembers the
     * model and parts given. Null when cancelled.
     */
    static Map<String, String> ask(Fields fields, String label) {
        Map<String, String> v = tiling(fields).option(ExecutionOption.DEVICE).option(ExecutionOption.PRECISION)
                .option(ExecutionOption.CROPS_PER_PASS).option(ExecutionOption.MEMORY_CHECK).ask(label);
        if (v != null) {
            remember("model", v.get("model"));
            remember("learned", v.get("learned_parts"));
        }
        return v;
    }

    /** The tiling and seed fields of the segmenting commands. */
    static Fields tiling(Fields fields) {
        return fields.choice("tiling", "squeeze", "squeeze", "tiles").number("tile_scale", 1.0)
                .number("tile_overlap", 0.25).number("seed", 0);
    }

    static Tiling tiling(Map<String, String> v) {
        return Tiling.parse(v.get("tiling"), Fields.decimal(v, "tile_scale"), Fields.decimal(v, "tile_overlap"));
    }
}
