package org.slime4j.core.model;

/**
 * Start-up settings for DJL's PyTorch engine, applied once before first use: offline (no telemetry or download
 * probes), and the thread count from {@code SLIME_THREADS} when set.
 */
public final class Engines {
    private Engines() {
    }

    public static synchronized void init() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        String threads = System.getenv("SLIME_THREADS");
        if (threads != null && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", threads);
        }
    }
}
