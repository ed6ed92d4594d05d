package org.slime4j.fiji;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.jobs.PyTorchOptions;

/**
 * Plugins › SLiMe › SLiMe Options: the PyTorch build (auto, bundled, or a libtorch folder such as a pip-installed
 * torch==2.7.1's lib folder), saved for every later run; "download" fetches the build that fits this machine (the
 * CUDA one with an NVIDIA GPU) into DJL's cache; the log then shows the build, the GPUs and the device auto picks.
 */
@Plugin(type = Command.class, menuPath = "Plugins>SLiMe>SLiMe Options", label = "SLiMe Options")
public class OptionsCommand extends SlimeCommand {
    @Parameter(label = "PyTorch build (auto, bundled or a libtorch folder)", persist = false)
    private String pytorch = PyTorchOptions.current();

    @Parameter(label = "Download the build that fits this machine", persist = false)
    private boolean download = false;

    @Override
    public void run() {
        try {
            PyTorchOptions.apply(pytorch, download, log::info, (file, done, total) -> status.showStatus(
                    (int) (done >> 20), (int) Math.max(1, total >> 20), "SLiMe download " + file + ": "
                            + (done >> 20) + " / " + (total >> 20) + " MB"), this::isCanceled, question -> true);
            status.clearStatus();
        } catch (Exception e) {
            fail(e);
        }
    }
}
