package org.slime4j.jobs;

import org.slime4j.core.engine.DjlContext;
import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slime4j.core.config.Settings;
import org.slime4j.core.engine.EngineInfo;
import org.slime4j.core.engine.Engines;
import org.slime4j.core.engine.TorchBuild;
import org.slime4j.core.engine.TorchDownload;

/**
 * SLiMe Options (the SciJava command and the ImageJ 1.x plugin alike): saves the PyTorch build for Fiji, headless
 * runs and the CLI, downloads the build that fits this machine when asked (size first, then progress), and reports
 * what the engine uses. A changed build takes effect at the next start once the engine has loaded.
 */
public final class PyTorchOptions {
    private PyTorchOptions() {
    }

    /** The setting in force now, to propose in the dialog. */
    public static String current() {
        Map<String, String> env = System.getenv();
        try {
            return TorchBuild.setting(null, env, Settings.fromEnvironment(env).get("pytorch"));
        } catch (IOException e) {
            return "auto";
        }
    }

    /**
     * @param setting  auto, bundled or a libtorch folder; checked before it is saved
     * @param download fetch the fitting build first ({@code confirm} sees the size and may decline)
     */
    public static void apply(String setting, boolean download, Consumer<String> log, TorchDownload.Progress progress,
                             BooleanSupplier cancelled, Predicate<String> confirm) throws IOException {
        Map<String, String> env = System.getenv();
        if (download) {
            TorchDownload d = TorchDownload.fromEnvironment(env);
            TorchDownload.Plan plan = d.plan(d.fittingFlavour());
            String what = String.format("PyTorch %s %s: %.0f MB into %s", TorchBuild.VERSION, plan.flavour(),
                    plan.bytes() / 1e6, plan.target());
            log.accept("SLiMe Options: " + what);
            if (confirm.test("Download " + what + "?")) {
                log.accept("SLiMe Options: downloaded " + d.fetch(plan, progress, cancelled));
            }
        }
        TorchBuild chosen = TorchBuild.choose(setting, TorchBuild.Machine.current());
        String value = chosen.source().equals("folder") ? chosen.folder().toString() : setting.trim().toLowerCase();
        Settings settings = Settings.fromEnvironment(env);
        settings.put("pytorch", value);
        log.accept("SLiMe Options: pytorch=" + value + " saved in " + settings.file() + " (" + chosen.describe() + ")");
        TorchBuild running = Engines.build();
        if (running != null && !running.equals(TorchBuild.choose(TorchBuild.setting(null, env, settings.get("pytorch")),
                TorchBuild.Machine.current()))) {
            log.accept("SLiMe Options: the engine already runs " + running.describe() + "; restart Fiji to switch.");
        }
        DjlContext.prepare();
        EngineInfo.lines(env).forEach(line -> log.accept("SLiMe " + line));
    }
}
