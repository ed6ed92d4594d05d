package org.slime4j.core.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The libtorch build DJL loads, decided once, before the engine starts ({@link Engines#init}), from one setting read
 * alike by the CLI ({@code --pytorch}), Fiji and headless runs ({@code SLIME_PYTORCH}, else the SLiMe Options
 * setting, else {@code auto}):
 * <ul>
 *   <li>{@code bundled}: the CPU build that ships with the plugin (a {@code pytorch-native-cpu} jar);</li>
 *   <li>a folder: a libtorch 2.7.1 such as the {@code lib} folder of a pip-installed {@code torch==2.7.1}, CPU or
 *       cu128; its version and flavour are read from the files beside it, and another version is refused unless a
 *       JNI built for it sits in DJL's cache (the GPU kit's case);</li>
 *   <li>{@code auto}: a CUDA build (in DJL's cache, where {@code slime pytorch download} puts it) when an NVIDIA GPU
 *       is visible, else the bundled build; with a GPU but no CUDA build, {@link #hint} says how to get one.</li>
 * </ul>
 * DJL's own {@code PYTORCH_LIBRARY_PATH}, when set, is a folder setting that wins over every other.
 *
 * @param source   {@code bundled}, {@code folder} or {@code cache}
 * @param folder   the libtorch folder; null for the bundled build (DJL unpacks it into its cache)
 * @param version  libtorch's version, e.g. 2.7.1
 * @param flavour  {@code cpu} or {@code cu128} (DJL's name)
 * @param hint     one line for the user when a GPU is visible but only the CPU build is there; null otherwise
 */
public record TorchBuild(String source, Path folder, String version, String flavour, String hint) {
    /** The libtorch version DJL 0.36's bundled JNI was built for. */
    public static final String VERSION = "2.7.1";
    /** The DJL version, part of the JNI's file name in DJL's cache. */
    public static final String DJL_VERSION = "0.36.0";
    /** The CUDA flavour of libtorch 2.7.1 that DJL's pytorch-jni has a JNI for (Linux and Windows x86-64). */
    public static final String CUDA_FLAVOUR = "cu128";

    private static final Pattern PIP_VERSION = Pattern.compile("__version__\\s*=\\s*'([0-9.]+)(?:\\+([a-z0-9]+))?'");
    private static final Pattern PLAIN_VERSION = Pattern.compile("([0-9]+\\.[0-9]+\\.[0-9]+)(?:\\+([a-z0-9]+))?");

    public boolean cuda() {
        return flavour.startsWith("cu");
    }

    /** What a user reads in {@code slime info}. */
    public String describe() {
        return "PyTorch " + version + " " + flavour + " (" + source + (folder == null ? "" : ", " + folder) + ")";
    }

    /**
     * What this machine offers: whether an NVIDIA GPU with a CUDA-12-capable driver is visible, DJL's platform
     * classifier (e.g. linux-x86_64) and the folder DJL keeps its PyTorch builds in.
     */
    public record Machine(boolean cudaGpu, String classifier, Path cache) {
        /** This machine, seen without loading libtorch: the NVIDIA driver's files, DJL's cache folder. */
        public static Machine current() {
            return new Machine(Gpus.visible(), thisClassifier(), ai.djl.util.Utils.getEngineCacheDir("pytorch"));
        }

        /** The cache folder DJL unpacks or downloads {@code version}-{@code flavour} into. */
        Path cached(String version, String flavour) {
            return cache.resolve(version + "-" + flavour + "-" + classifier);
        }

        /** Whether a JNI built for {@code version}-{@code flavour} is in the cache (DJL looks for it there first). */
        boolean hasJni(String version, String flavour) {
            return Files.isRegularFile(cached(version, flavour).resolve(DJL_VERSION + "-"
                    + System.mapLibraryName("djl_torch")));
        }

        static String thisClassifier() {
            String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch");
            String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("arm64") ? "aarch64" : arch;
            return (os.startsWith("win") ? "win" : os.startsWith("mac") ? "osx" : "linux") + "-" + a;
        }
    }

    /** The setting in force: {@code PYTORCH_LIBRARY_PATH}, the CLI's flag, {@code SLIME_PYTORCH}, the saved one. */
    public static String setting(String flag, Map<String, String> env, Optional<String> saved) {
        String djl = env.get("PYTORCH_LIBRARY_PATH");
        if (djl != null && !djl.isBlank()) {
            return djl.trim();
        }
        if (flag != null && !flag.isBlank()) {
            return flag.trim();
        }
        String variable = env.get("SLIME_PYTORCH");
        if (variable != null && !variable.isBlank()) {
            return variable.trim();
        }
        return saved.filter(s -> !s.isBlank()).map(String::trim).orElse("auto");
    }

    /** The build {@code setting} names on {@code machine}; a folder that does not fit is refused with a message. */
    public static TorchBuild choose(String setting, Machine machine) throws IOException {
        String s = setting.trim();
        if (s.equalsIgnoreCase("bundled")) {
            return bundled(null);
        }
        if (s.equalsIgnoreCase("auto")) {
            if (!machine.cudaGpu()) {
                return bundled(null);
            }
            Path cached = machine.cached(VERSION, CUDA_FLAVOUR);
            if (Files.isRegularFile(cached.resolve(System.mapLibraryName("torch")))) {
                return new TorchBuild("cache", cached, VERSION, CUDA_FLAVOUR, null);
            }
            return bundled("An NVIDIA GPU is visible, but only the CPU build of PyTorch is here, so SLiMe runs on the "
                    + "CPU: run 'java -jar slime-cli.jar pytorch download' (Fiji or ImageJ: SLiMe Options with "
                    + "download), or set SLIME_PYTORCH to the lib folder of a pip-installed torch==2.7.1+cu128.");
        }
        if (s.equalsIgnoreCase("download")) {
            throw new IllegalArgumentException("'download' is an action, not a setting: run 'java -jar slime-cli.jar "
                    + "pytorch download' (Fiji or ImageJ: SLiMe Options with download); afterwards 'auto' uses the "
                    + "downloaded build.");
        }
        return folder(Path.of(s), machine);
    }

    private static TorchBuild bundled(String hint) {
        return new TorchBuild("bundled", null, VERSION, "cpu", hint);
    }

    /** A libtorch folder: its version and flavour from the files beside it, checked against what DJL can load. */
    static TorchBuild folder(Path folder, Machine machine) throws IOException {
        Path dir = Files.isRegularFile(folder) ? folder.getParent() : folder;
        String torch = System.mapLibraryName("torch");
        if (!Files.isDirectory(dir)) {
            throw new IOException("PyTorch folder " + folder + " does not exist; give the folder that holds " + torch
                    + " (or bundled / auto).");
        }
        if (!Files.isRegularFile(dir.resolve(torch))) {
            throw new IOException("PyTorch folder " + dir + " holds no " + torch + "; give a libtorch 'lib' folder "
                    + "(e.g. .../site-packages/torch/lib of torch==" + VERSION + ").");
        }
        String[] found = versionOf(dir);
        if (found == null) {
            throw new IOException("Cannot tell which PyTorch version " + dir + " holds: there is no torch/version.py "
                    + "or libtorch build-version beside it. Use the lib folder of a pip-installed torch==" + VERSION
                    + " or an unpacked libtorch " + VERSION + " archive.");
        }
        String version = found[0];
        boolean cuda = Files.isRegularFile(dir.resolve(System.mapLibraryName("torch_cuda")));
        String flavour = cuda ? (found[1] != null && found[1].startsWith("cu") ? found[1] : CUDA_FLAVOUR) : "cpu";
        boolean ownJni = machine.hasJni(version, flavour);
        if (!version.equals(VERSION) && !ownJni) {
            throw new IOException("PyTorch folder " + dir + " holds version " + version + ", but this plugin needs "
                    + VERSION + " (the version DJL " + DJL_VERSION + "'s JNI was built for): install torch=="
                    + VERSION + " (CPU or cu128).");
        }
        if (!ownJni && !flavour.equals("cpu") && !flavour.equals(CUDA_FLAVOUR)) {
            throw new IOException("PyTorch folder " + dir + " holds the " + flavour + " build, but DJL " + DJL_VERSION
                    + " has a JNI for cpu and " + CUDA_FLAVOUR + " only: install torch==" + VERSION + "+"
                    + CUDA_FLAVOUR + " (or +cpu).");
        }
        return new TorchBuild("folder", dir.toAbsolutePath().normalize(), version, flavour, null);
    }

    /** {version, local tag or null} from a pip torch's version.py, a libtorch build-version or DJL's folder name. */
    static String[] versionOf(Path lib) throws IOException {
        Path parent = lib.toAbsolutePath().normalize().getParent();
        if (parent != null && Files.isRegularFile(parent.resolve("version.py"))) {
            Matcher m = PIP_VERSION.matcher(Files.readString(parent.resolve("version.py")));
            if (m.find()) {
                return new String[] {m.group(1), m.group(2)};
            }
        }
        if (parent != null && Files.isRegularFile(parent.resolve("build-version"))) {
            Matcher m = PLAIN_VERSION.matcher(Files.readString(parent.resolve("build-version")).trim());
            if (m.matches()) {
                return new String[] {m.group(1), m.group(2)};
            }
        }
        Matcher m = Pattern.compile("([0-9]+\\.[0-9]+\\.[0-9]+)-([a-z0-9]+)(?:-precxx11)?-[a-z]+-[a-z0-9_]+")
                .matcher(lib.getFileName().toString());
        return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
    }
}
