package org.slime4j.ij1;

import ij.IJ;
import java.nio.file.Path;
import java.util.Map;
import org.slime4j.jobs.FolderJob;
import org.slime4j.jobs.Models;

/** SLiMe Segment Folder in plain ImageJ: every matching image of a folder, resumable and shardable. */
public class SegmentFolderPlugin extends Ij1Command {
    @Override
    String label() {
        return "SLiMe Segment Folder";
    }

    @Override
    void execute() throws Exception {
        String learned = remembered("learned");
        Map<String, String> v = SegmentPlugin.ask(new Fields().folder("input_folder", "")
                .text("pattern", FolderJob.IMAGES).folder("output_folder", "").file("learned_parts", learned)
                .text("model", Models.proposedModel(Path.of(learned), rememberedModel())).text("shard", "1/1"),
                label());
        if (v == null) {
            return;
        }
        FolderJob.Summary s = new FolderJob(Path.of(v.get("input_folder")), v.get("pattern"),
                Path.of(v.get("output_folder")), Path.of(v.get("learned_parts")), Models.parse(v.get("model")),
                execution(v), FolderJob.Shard.parse(v.get("shard")), SegmentPlugin.tiling(v), Fields.whole(v, "seed"),
                false, false).run(new Lines());
        IJ.log(label() + ": " + s);
        s.failures().forEach(f -> IJ.log("SLiMe failed: " + f));
    }

    /** Each file's line in the Log as it is (a SLURM log greps them). */
    private static final class Lines implements org.slime4j.jobs.JobListener {
        @Override
        public void log(String line) {
            IJ.log(line);
        }

        @Override
        public boolean cancelled() {
            return IJ.escapePressed();
        }
    }
}
