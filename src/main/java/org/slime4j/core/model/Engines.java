package org.slime4j.core.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Start-up settings for DJL's PyTorch engine, applied once before first use: offline (no telemetry or download
 * probes), the thread count from {@code SLIME_THREADS}, else from SLURM's {@code SLURM_CPUS_PER_TASK} (a cluster
 * task uses the CPUs it was given, not every core of the node), and on Linux transparent huge pages for libtorch's
 * large CPU buffers ({@code THP_MEM_ALLOC_ENABLE=1}, unless the user set it): measured here, a training step at
 * SD-2.1 size takes 36 s with it and 110 s without, most of the difference being page faults on the
 * hundreds-of-megabytes attention tensors. The variable is put into the process environment through libc before
 * libtorch is loaded, since libtorch reads it with getenv.
 */
public final class Engines {
    private static boolean done;

    private Engines() {
    }

    /** libc's setenv and malloc_trim. */
    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);

        int malloc_trim(long pad);
    }

    private static LibC libc;

    /**
     * Returns freed heap memory to the system (glibc's {@code malloc_trim}); called between training steps and
     * segmentations, so that what one step freed is not still counted when the next one peaks. A no-op elsewhere.
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

    /** The CPU threads libtorch computes with; the engine must be loaded. */
    public static int cpuThreads() {
        return ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }

    public static synchronized void init() {
        if (done) {
            return;
        }
        done = true;
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        String threads = threads(System.getenv());
        if (threads != null && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", threads);
        }
        if (Platform.isLinux()) {
            try {
                libc = Native.load("c", LibC.class);
                if (System.getenv("THP_MEM_ALLOC_ENABLE") == null) {
                    libc.setenv("THP_MEM_ALLOC_ENABLE", "1", 0);
                }
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                // no libc through JNA: libtorch runs without huge pages, only slower
            }
        }
    }
}
