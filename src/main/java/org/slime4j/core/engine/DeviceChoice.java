package org.slime4j.core.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;

/**
 * Where tensors live: {@code cpu}, {@code gpu} (the first CUDA device, or Apple's MPS on Apple silicon; an error when
 * there is none) or {@code auto} (that GPU when there is one, else the CPU). CUDA devices count only with a CUDA
 * build of PyTorch ({@link TorchBuild}): with the CPU build a visible NVIDIA GPU is not used, and the choice says so.
 */
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

    /** The DJL device. */
    public Device resolve() {
        Engines.init();
        TorchBuild build = Engines.build();
        int gpus = build.cuda() ? Engine.getInstance().getGpuCount() : 0;
        Device gpu = gpus > 0 ? Device.gpu(0) : appleGpu();
        return switch (this) {
            case CPU -> Device.cpu();
            case AUTO -> gpu != null ? gpu : Device.cpu();
            case GPU -> {
                if (gpu == null) {
                    throw new IllegalStateException("device 'gpu' was asked for, but there is no CUDA device for "
                            + build.describe() + (build.cuda() ? "" : ", a CPU build") + "; use 'cpu' or 'auto'"
                            + (build.hint() != null ? ". " + build.hint() : "."));
                }
                yield gpu;
            }
        };
    }

    /**
     * Apple's GPU through PyTorch's MPS backend on Apple silicon, when a small matrix product runs there; else null.
     * Not tried on a Mac by this project (none was available): {@code --device cpu} is the way around a failure.
     */
    static Device appleGpu() {
        if (!TorchBuild.Machine.thisClassifier().equals("osx-aarch64")) {
            return null;
        }
        try (NDManager m = NDManager.newBaseManager(Device.of("mps", -1))) {
            m.ones(new Shape(4, 4)).matMul(m.ones(new Shape(4, 4))).softmax(1).toFloatArray();
            return Device.of("mps", -1);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
