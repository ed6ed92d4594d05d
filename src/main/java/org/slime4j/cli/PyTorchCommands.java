package org.slime4j.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slime4j.core.config.Settings;
import org.slime4j.core.engine.TorchBuild;
import org.slime4j.core.engine.TorchDownload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slime pytorch [use X | download]}: the PyTorch build every front end uses. */
final class PyTorchCommands {
    private PyTorchCommands() {
    }

    /** Prints the setting in force and the build it names on this machine (without loading the engine). */
    static int show() throws Exception {
        Map<String, String> env = System.getenv();
        Settings settings = Settings.fromEnvironment(env);
        String setting = TorchBuild.setting(null, env, settings.get("pytorch"));
        TorchBuild build = TorchBuild.choose(setting, TorchBuild.Machine.current());
        System.out.println("setting    " + setting + "  (PYTORCH_LIBRARY_PATH, else SLIME_PYTORCH, else "
                + settings.file() + ", else auto)");
        System.out.println("build      " + build.describe());
        if (build.hint() != null) {
            System.out.println("note       " + build.hint());
        }
        return 0;
    }

    @Command(name = "use", mixinStandardHelpOptions = true, description = "Save the PyTorch build for Fiji, headless "
            + "runs and the CLI (checked first; takes effect at the next start).")
    static class Use implements Callable<Integer> {
        @Parameters(paramLabel = "BUILD", description = "auto, bundled, or a libtorch folder (e.g. the lib folder "
                + "of a pip-installed torch==" + TorchBuild.VERSION + ", CPU or cu128)")
        String build;

        @Override
        public Integer call() throws Exception {
            TorchBuild chosen = TorchBuild.choose(build, TorchBuild.Machine.current());
            String value = chosen.source().equals("folder") ? chosen.folder().toString() : build.trim().toLowerCase();
            Settings settings = Settings.fromEnvironment(System.getenv());
            settings.put("pytorch", value);
            System.out.println("saved pytorch=" + value + " in " + settings.file() + ": " + chosen.describe());
            return 0;
        }
    }

    @Command(name = "download", mixinStandardHelpOptions = true, description = "Download the PyTorch "
            + TorchBuild.VERSION + " build that fits this machine (cu128 with an NVIDIA GPU on Linux or Windows "
            + "x86-64) into DJL's cache; 'auto' uses it from then on, offline. Shows the size first.")
    static class Download implements Callable<Integer> {
        @Option(names = "--flavour", description = "cpu or cu128 instead of the one that fits this machine (e.g. "
                + "to prepare a GPU node's cache on a login node without a GPU)")
        String flavour;

        @Override
        public Integer call() throws Exception {
            TorchDownload download = TorchDownload.fromEnvironment(System.getenv());
            String f = flavour != null ? flavour.trim() : download.fittingFlavour();
            if (!f.equals("cpu") && !f.equals(TorchBuild.CUDA_FLAVOUR)) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--flavour '" + f
                        + "' is not cpu or " + TorchBuild.CUDA_FLAVOUR);
            }
            TorchDownload.Plan plan = download.plan(f);
            System.err.printf("PyTorch %s %s: %d files, %.0f MB to download into %s%n", TorchBuild.VERSION, f,
                    plan.files().size(), plan.bytes() / 1e6, plan.target());
            long[] last = {0};
            Path folder = download.fetch(plan, (file, done, total) -> {
                long now = System.nanoTime();
                if (now - last[0] > 2_000_000_000L || done == total) {
                    last[0] = now;
                    System.err.printf("%s: %.0f / %.0f MB%n", file, done / 1e6, total / 1e6);
                }
            }, () -> false);
            System.out.println(folder);
            if (f.equals("cpu")) {
                System.err.println("This is the CPU build; the bundled one is the same. 'auto' uses a CUDA build "
                        + "only where an NVIDIA GPU is visible.");
            }
            return 0;
        }
    }
}
