package org.slime4j.fiji;

import java.io.File;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.jobs.FolderJob;
import org.slime4j.jobs.Models;

/** Plugins › SLiMe › SLiMe Segment Folder: every matching image of a folder, resumable and shardable. */
@Plugin(type = Command.class, menuPath = "Plugins>SLiMe>SLiMe Segment Folder", label = "SLiMe Segment Folder")
public class SegmentFolderCommand extends SegmentingCommand {
    @Parameter(style = "directory")
    private File input_folder;

    @Parameter(label = "File pattern (glob)")
    private String pattern = FolderJob.IMAGES;

    @Parameter(style = "directory")
    private File output_folder;

    @Parameter(label = "Learned parts (.slime)", style = "open", callback = "proposeBaseModel")
    private File learned_parts;

    /** Proposes the base model the chosen parts were learned on, when the Hugging Face cache has it. */
    protected void proposeBaseModel() {
        if (learned_parts != null) {
            model = Models.proposedModel(learned_parts.toPath(), model);
        }
    }

    @Parameter(label = "Shard i/n (cluster array jobs)", persist = false)
    private String shard = "1/1";

    @Parameter(type = ItemIO.OUTPUT)
    private String summary;

    @Override
    public void run() {
        try {
            FolderJob.Summary s = new FolderJob(path(input_folder), pattern, path(output_folder), path(learned_parts),
                    modelPath(), execution(), FolderJob.Shard.parse(shard), tilingChoice(), seed, false, false)
                    .run(listener(null));
            summary = s.toString();
            s.failures().forEach(f -> log.warn("SLiMe failed: " + f));
            log.info(label() + ": " + summary);
            status.clearStatus();
        } catch (Exception e) {
            fail(e);
        }
    }
}
