package org.slime4j.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.engine.MemoryLimits;
import org.slime4j.core.engine.Precision;
import org.slime4j.core.model.ModelFolder;
import org.slime4j.core.slime.MemoryEstimate;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;

/**
 * Refuses a training or segmentation whose estimated peak ({@link MemoryEstimate}) exceeds what the process may
 * still take ({@link MemoryLimits}; on a GPU, its free memory), before anything is allocated, with both figures and
 * the fixes that would fit; off with the {@code memory_check} setting. Weights already held by the session's open
 * model are not counted again. Also turns an out-of-memory error during a run into the same kind of message.
 */
final class MemoryCheck {
    /** What a refused run names: the job, its working size, and the setting's name in the front end. */
    static final class NotEnoughMemory extends IllegalStateException {
        NotEnoughMemory(String message) {
            super(message);
        }
    }

    private MemoryCheck() {
    }

    /** Checks a training at working size {@code s}. */
    static void training(Path model, int s, Execution execution, JobListener listener) throws IOException {
        if (execution.memoryCheck()) {
            String no = trainingRefusal(MemoryEstimate.Shape.read(ModelFolder.resolve(model)), s, execution,
                    gpu(execution), Sessions.isOpen(model, execution), available(execution), listener);
            if (no != null) {
                throw new NotEnoughMemory(no);
            }
        }
    }

    /** Checks a segmentation with these learned parts' working size and crops, tiled or not. */
    static void segmentation(Path model, SlimeOptions parts, Tiling tiling, Execution execution,
                             JobListener listener) throws IOException {
        if (execution.memoryCheck()) {
            int crops = tiling.tiled() ? execution.cropsPerPass()
                    : Math.min(execution.cropsPerPass(), parts.patchesPerSide() * parts.patchesPerSide());
            String no = segmentationRefusal(MemoryEstimate.Shape.read(ModelFolder.resolve(model)),
                    parts.workingSize(), crops, execution, gpu(execution), Sessions.isOpen(model, execution),
                    available(execution), listener);
            if (no != null) {
                throw new NotEnoughMemory(no);
            }
        }
    }

    /** Null when a training fits {@code available}, else the message that refuses it. */
    static String trainingRefusal(MemoryEstimate.Shape shape, int s, Execution execution, boolean gpu, boolean open,
                                  MemoryLimits.Available available, JobListener listener) {
        return refusal("training at working size " + s, size -> MemoryEstimate.training(shape, size, execution), s,
                open, gpu, available, List.of(), listener);
    }

    /** Null when a segmentation with {@code crops} crops per pass fits {@code available}, else the message. */
    static String segmentationRefusal(MemoryEstimate.Shape shape, int s, int crops, Execution execution, boolean gpu,
                                      boolean open, MemoryLimits.Available available, JobListener listener) {
        List<String> more = new ArrayList<>();
        if (crops > 1 && fits(MemoryEstimate.segmentation(shape, s, execution, 1), open, available)) {
            more.add(listener.option("crops_per_pass") + "=1");
        }
        if (gpu && execution.precision() == Precision.FP32 && fits(MemoryEstimate.segmentation(shape, s,
                execution.withPrecision(Precision.FP16), crops), open, available)) {
            more.add(listener.option("precision") + "=fp16");
        }
        return refusal("segmentation at working size " + s + (crops > 1 ? ", " + crops + " crops per pass" : ""),
                size -> MemoryEstimate.segmentation(shape, size, execution, crops), s, open, gpu, available, more,
                listener);
    }

    private static String refusal(String what, IntFunction<MemoryEstimate> estimate, int s, boolean open,
                                  boolean gpu, MemoryLimits.Available available, List<String> more,
                                  JobListener listener) {
        MemoryEstimate need = estimate.apply(s);
        if (fits(need, open, available)) {
            return null;
        }
        List<String> fixes = new ArrayList<>(more);
        for (int smaller = s - 64; smaller >= 128; smaller -= 64) {
            if (fits(estimate.apply(smaller), open, available)) {
                fixes.add("a smaller " + listener.option("working_size") + " (" + smaller + ": about "
                        + MemoryLimits.gb(needed(estimate.apply(smaller), open)) + "; tiles keep the detail of a "
                        + "large image)");
                break;
            }
        }
        if (gpu) {
            fixes.add("a GPU with more free memory (close other programs using it), or the CPU");
        } else if (available.limitedBy().contains("SLURM") || available.limitedBy().contains("cgroup")) {
            fixes.add("more memory for the job (sbatch --mem=" + (long) Math.ceil(needed(need, open) * 1.15 / 1e9 + 1)
                    + "G, or the container's limit)");
        } else if (available.limitedBy().contains("ulimit")) {
            fixes.add("a higher address-space limit (ulimit -v), or none");
        } else {
            fixes.add("closing other programs, or a machine with more memory");
        }
        fixes.add("going ahead anyway with " + listener.option("memory_check") + "=off (the run may be killed)");
        return what.substring(0, 1).toUpperCase() + what.substring(1) + " needs about " + MemoryLimits.gb(needed(need, open)) + " of " + (gpu ? "GPU " : "")
                + "memory" + (open ? " beyond the model already loaded" : "") + ", but this process may use "
                + available + ". Fixes: " + String.join("; ", fixes) + ".";
    }

    private static boolean fits(MemoryEstimate need, boolean open, MemoryLimits.Available available) {
        return needed(need, open) <= available.bytes();
    }

    private static long needed(MemoryEstimate need, boolean open) {
        return open ? need.bytes() - need.weights() : need.bytes();
    }

    /** Whether the run is on a GPU (the CPU asked for needs no engine to say no). */
    private static boolean gpu(Execution execution) {
        return execution.device() != DeviceChoice.CPU && execution.device().resolve().isGpu();
    }

    /** What the run may take: on a GPU its free memory, else what {@link MemoryLimits} finds. */
    private static MemoryLimits.Available available(Execution execution) {
        ai.djl.Device device = gpu(execution) ? execution.device().resolve() : ai.djl.Device.cpu();
        if (device.isGpu()) {
            java.lang.management.MemoryUsage gpu = ai.djl.util.cuda.CudaUtils.getGpuMemory(device);
            return new MemoryLimits.Available(gpu.getMax() - gpu.getCommitted(), "free on " + device + " of "
                    + MemoryLimits.gb(gpu.getMax()));
        }
        return MemoryLimits.available();
    }

    /**
     * {@code e} as a message of the same kind when it is an out-of-memory error of the engine (CUDA's, or a failed
     * CPU allocation), saying what the run kept; else {@code e} itself.
     */
    static RuntimeException explained(RuntimeException e, String what, String kept) {
        String m = String.valueOf(e.getMessage());
        if (!m.contains("out of memory") && !m.contains("can't allocate memory")) {
            return e;
        }
        return new NotEnoughMemory(what.substring(0, 1).toUpperCase() + what.substring(1) + " ran out of " + (m.contains("CUDA") ? "GPU " : "")
                + "memory: " + m.lines().findFirst().orElse(m) + ". " + kept + "Try a smaller working size, fewer "
                + "crops per pass, fp16 for segmentation on a GPU, or a machine with more memory.");
    }
}
