package org.slime4j.core.engine;

import com.sun.jna.Library;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.slime4j.core.config.Settings;

/**
 * Start-up settings for DJL's PyTorch engine, applied once before first use: the {@link TorchBuild PyTorch build},
 * offline (no telemetry or download probes), quiet (DJL's slf4j and libtorch's own log at warnings and errors
 * only; {@code -Dslime.verbose=true}, the CLI's {@code --verbose}: all), TF32 matrix products on CUDA builds ({@code SLIME_TF32=0}: off), the
 * thread count from {@code SLIME_THREADS}, else from SLURM's {@code SLURM_CPUS_PER_TASK} (a cluster
 * task uses the CPUs it was given, not every core of the node), and on Linux transparent huge pages for libtorch's
 * large CPU buffers ({@code THP_MEM_ALLOC_ENABLE=1}, unless the user set it): measured here, a training step at
 * SD-2.1 size takes 36 s with it and 110 s without, most of the difference being page faults on the
 * hundreds-of-megabytes attention tensors. The variable is put into the process environment through libc before
 * libtorch is loaded, since libtorch reads it with getenv.
 */
public final class Engines {
    private static boolean done;
    private static TorchBuild build;
    private static String notice;

    private Engines() {
    }

    /** libc's setenv and malloc_trim. */
    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);

        int malloc_trim(long pad);
    }

    private static LibC libc;

    /**
     * Returns freed heap memory to the system (glibc's {@code malloc_trim}); a no-op elsewhere. Called when a job
     * gives its model lease back (every front end's train, segment and folder job), NOT between steps: the next step
     * reuses the blocks glibc keeps, while returning them made every step fault its memory in again (measured on 2
     * cores: an epoch at S = 512 40.1 s with a trim per step and validation, 34.5 s without; peak RSS 9.05 and
     * 9.18 GB).
     */
    public static void trim() {
        LibC c = libc;
        if (c != null) {
            c.malloc_trim(0);
        }
    }

    /** The CPU thread count asked for through the environment, or null (libtorch's default: every core). */
    static String threads(java.util.Map<String, String> env) {
        String threads = env.get("SLIME_THREADS");
        return threads != null && !threads.isBlank() ? threads.trim() : env.get("SLURM_CPUS_PER_TASK");
    }

    private static boolean started;

    /**
     * The engine, loaded on first use after {@link #init}, with libtorch's own log as quiet as {@code
     * TORCH_CPP_LOG_LEVEL} says (ERROR unless the user set it or {@code slime.verbose}): libtorch reads that variable
     * only in {@code c10::initLogging()}, which DJL's JNI never calls, so on CPUs NNPACK does not support every
     * convolution printed "Could not initialize NNPACK!". Called by whatever touches the engine first.
     */
    public static synchronized ai.djl.engine.Engine start() {
        init();
        ai.djl.engine.Engine engine = ai.djl.engine.Engine.getInstance();
        if (!started) {
            started = true;
            if (libc != null) {
                try {
                    NativeLibrary.getInstance(Path.of(LibUtils.getLibtorchPath(), "libc10.so").toString())
                            .getFunction("_ZN3c1011initLoggingEv").invokeVoid(new Object[0]);
                } catch (RuntimeException | UnsatisfiedLinkError e) {
                    // a libtorch without that symbol: its warnings stay on stderr, nothing else changes
                }
            }
        }
        return engine;
    }

    /** The CPU threads libtorch computes with; the engine must be loaded. */
    public static int cpuThreads() {
        start();
        return ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }

    /**
     * Chooses the PyTorch build ({@link TorchBuild}) and applies every start-up setting; once, before the engine
     * loads. {@code pytorch} is the CLI's {@code --pytorch} (null elsewhere). A build that does not fit throws with
     * a message and leaves the engine unloaded, so a corrected setting can be tried in the same session.
     */
    public static synchronized void init(String pytorch) {
        if (done) {
            return;
        }
        // where slf4j-simple is the binding (the CLI, plain ImageJ): DJL's warnings only, on stderr, without its CUDA
        // probe's (info and the device choice say what there is); set before DJL's first logger; a user's own wins
        boolean verbose = Boolean.getBoolean("slime.verbose");
        setIfUnset("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn", verbose);
        setIfUnset("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", verbose ? "info" : "error", verbose);
        Map<String, String> env = System.getenv();
        try {
            build = TorchBuild.choose(TorchBuild.setting(pytorch, env, Settings.fromEnvironment(env).get("pytorch")),
                    TorchBuild.Machine.current());
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        done = true;
        notice = build.hint();
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        String threads = threads(env);
        if (threads != null && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", threads);
        }
        if (build.folder() != null) {
            // DJL looks for libtorch in PYTORCH_LIBRARY_PATH (the variable, else the property) and names its JNI by
            // the version and flavour it is told (it cannot read them from the folder)
            System.setProperty("PYTORCH_LIBRARY_PATH", build.folder().toString());
            System.setProperty("PYTORCH_VERSION", build.version());
            System.setProperty("PYTORCH_FLAVOR", build.flavour());
        }
        if (Platform.isLinux()) {
            linuxEnvironment(env);
        }
    }

    /**
     * Puts libtorch's settings into the process environment through libc, before libtorch reads them: huge pages
     * for its large buffers, its own log at ERROR, TF32 products on a CUDA build; a user's own values win.
     */
    private static void linuxEnvironment(Map<String, String> env) {
        try {
            libc = Native.load("c", LibC.class);
            if (env.get("THP_MEM_ALLOC_ENABLE") == null) {
                libc.setenv("THP_MEM_ALLOC_ENABLE", "1", 0);
            }
            if (!Boolean.getBoolean("slime.verbose")) {
                // libtorch's own log (c10's LOG) at ERROR: no "Could not initialize NNPACK" per convolution on CPUs
                // NNPACK does not support (read by c10::initLogging(), which start() calls)
                libc.setenv("TORCH_CPP_LOG_LEVEL", "ERROR", 0);
            }
            if (build.cuda() && !"0".equals(env.get("SLIME_TF32"))) {
                // TF32 matrix products on GPUs that have them (PyTorch's allow_tf32 for cuBLAS; cuDNN's is on)
                libc.setenv("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE", "1", 0);
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // no libc through JNA: libtorch runs without huge pages, only slower
        }
    }

    public static void init() {
        init(null);
    }

    private static void setIfUnset(String property, String value, boolean force) {
        if (force || System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** The build chosen by {@link #init}; null before. */
    public static synchronized TorchBuild build() {
        return build;
    }

    /** The one-line notice of the choice (a GPU without a CUDA build), once; null when there is none left. */
    public static synchronized String takeNotice() {
        String n = notice;
        notice = null;
        return n;
    }
}
