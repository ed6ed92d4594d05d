package org.slime4j.core.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code slime info} and SLiMe Options show of the engine: the PyTorch build in use (version, flavour, folder,
 * and on Linux the libtorch file the process really mapped), the GPUs (name, memory, compute capability), the CPU
 * threads and the device {@code auto} picks. Loads the engine.
 */
public final class EngineInfo {
    private EngineInfo() {
    }

    /** One "key  value" line each. */
    public static List<String> lines(Map<String, String> env) {
        Engines.start();                                                         // loads libtorch
        TorchBuild build = Engines.build();
        List<String> out = new ArrayList<>();
        out.add(String.format("pytorch    %s", build.describe()));
        String loaded = loadedLibtorch();
        if (loaded != null) {
            out.add(String.format("loaded     %s", loaded));
        }
        int gpus = build.cuda() ? Engine.getInstance().getGpuCount() : 0;
        List<String> names = Gpus.names();
        if (gpus == 0) {
            out.add("gpus       " + (names.isEmpty() ? "none" : String.join(", ", names) + " (not used: "
                    + (build.cuda() ? "PyTorch finds no CUDA device" : "this is a CPU build of PyTorch") + ")"));
        }
        for (int i = 0; i < gpus; i++) {
            MemoryUsage memory = CudaUtils.getGpuMemory(Device.gpu(i));
            out.add(String.format("gpu %d      %s, %.1f GiB, compute capability %s", i,
                    i < names.size() ? names.get(i) : "CUDA device", memory.getMax() / 1073741824.0,
                    CudaUtils.getComputeCapability(i)));
        }
        String threads = Engines.threads(env);
        out.add(String.format("threads    %d CPU threads (%s)", Engines.cpuThreads(), threads == null
                ? "every core; SLIME_THREADS sets them" : env.get("SLIME_THREADS") != null ? "SLIME_THREADS"
                : "SLURM_CPUS_PER_TASK"));
        out.add(String.format("auto       %s", DeviceChoice.AUTO.resolve()));
        if (build.hint() != null) {
            out.add("note       " + build.hint());
        }
        return out;
    }

    /** The libtorch library this process mapped (Linux, from /proc/self/maps); null elsewhere. */
    static String loadedLibtorch() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(maps)) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.endsWith("/libtorch_cpu.so")) {
                    return line.substring(slash);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
