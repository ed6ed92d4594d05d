package org.slime4j.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Where tensors live: {@code cpu}, {@code gpu} (the first CUDA device, an error when none) or {@code auto}. */
public enum DeviceChoice {
    CPU, GPU, AUTO;

    /** Parses {@code cpu|gpu|auto}, case-insensitive, naming the bad value otherwise. */
    public static DeviceChoice parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("device '" + s + "' is not one of cpu, gpu, auto");
        }
    }

    /** The DJL device: {@code auto} takes GPU 0 when DJL's engine finds a CUDA device, else the CPU. */
    public Device resolve() {
        Engines.init();
        int gpus = Engine.getInstance().getGpuCount();
        return switch (this) {
            case CPU -> Device.cpu();
            case AUTO -> gpus > 0 ? Device.gpu(0) : Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new IllegalStateException("device 'gpu' was asked for, but PyTorch finds no CUDA device "
                            + "(engine " + Engine.getInstance().getVersion() + "); use 'cpu' or 'auto'.");
                }
                yield Device.gpu(0);
            }
        };
    }
}
