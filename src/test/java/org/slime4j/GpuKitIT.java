package org.slime4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.model.TinyModel;

/**
 * The GPU proof kit as far as a CPU machine can take it: {@code scripts/gpu/prepare-kit.sh} builds the archive
 * (without DJL's JNI sources, which need a DJL clone), small enough to carry; unpacked elsewhere, its jlinked Java
 * runs {@code run-kit.sh --dry-run}: SLiMe on a copy of the CPU libtorch given as a folder, with the JNI placed in
 * a fresh DJL cache as the real run places the one it builds; info, the device check and the benchmark all run.
 */
class GpuKitIT {
    @TempDir
    Path tmp;

    @Test
    void theKitIsSmallAndItsStepsRunDryWithItsOwnJava() throws Exception {
        Path model = TinyModel.writeSdLayout(tmp.resolve("model"), 61);
        run(tmp, List.of("bash", Path.of("scripts/gpu/prepare-kit.sh").toAbsolutePath().toString(), "-",
                model.toString()), 600);
        Path archive = Path.of("target/gpu-kit.tar.gz");
        assertTrue(Files.size(archive) < 60L << 20, "the kit is " + (Files.size(archive) >> 20) + " MiB");
        run(tmp, List.of("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", tmp.toString()), 120);
        Path kit = tmp.resolve("gpu-kit");
        assertTrue(Files.isExecutable(kit.resolve("jre/bin/java")));
        try (Stream<Path> jars = Files.list(kit.resolve("lib"))) {
            assertEquals(List.of(), jars.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains("pytorch-native") || n.contains("pytorch-jni")).toList(),
                    "no libtorch or prebuilt JNI in the kit");
        }
        // the CPU libtorch DJL unpacked for the tests, copied as a folder, and its JNI as if just built
        ai.djl.engine.Engine.getInstance();
        Path bundled = Path.of(ai.djl.pytorch.jni.LibUtils.getLibtorchPath());
        Path torch = Files.createDirectories(tmp.resolve("torch-lib"));
        Path jni = null;
        try (Stream<Path> s = Files.list(bundled)) {
            for (Path f : s.toList()) {
                if (f.getFileName().toString().contains("djl_torch")) {
                    jni = f;
                } else {
                    Files.copy(f, torch.resolve(f.getFileName()));
                }
            }
        }
        Path out = tmp.resolve("out");
        ProcessBuilder pb = new ProcessBuilder("bash", kit.resolve("run-kit.sh").toString(), out.toString(),
                "--dry-run");
        pb.environment().put("TORCH_LIB", torch.toString());
        pb.environment().put("JNI_SO", String.valueOf(jni));
        pb.environment().put("KIT_HEAP", "2g");
        pb.environment().put("KIT_WORK", tmp.resolve("work").toString());
        pb.environment().remove("SLIME_PYTORCH");
        pb.environment().remove("PYTORCH_LIBRARY_PATH");
        run(pb, 600);
        String info = Files.readString(out.resolve("info.txt"));
        assertTrue(info.contains("pytorch    PyTorch 2.7.1 cpu (folder, " + tmp.resolve("work/torch/lib") + ")"), info);
        assertTrue(info.contains("loaded     " + torch.resolve("libtorch_cpu.so")), info);
        assertTrue(Files.isRegularFile(tmp.resolve("work/djl-cache/pytorch/2.7.1-cpu-linux-x86_64/0.36.0-"
                + System.mapLibraryName("djl_torch"))));
        String check = Files.readString(out.resolve("device-check.txt"));
        assertTrue(check.contains("device check: all 9 passed"), check);
        String bench = Files.readString(out.resolve("bench.txt"));
        assertTrue(bench.contains("RESULT training as users run it, S=64, 2 epochs with validation"), bench);
        assertTrue(bench.matches("(?s).*OPS training step: \\d+ engine calls from Java, \\d+ backward nodes.*"
                + "OPS segmentation: \\d+ engine calls from Java, 0 backward nodes.*"), "the operation counts: " + bench);
        assertTrue(Files.readString(out.resolve("kit.log")).contains("== "), "the steps are logged");
    }

    private static void run(Path dir, List<String> cmd, int seconds) throws Exception {
        run(new ProcessBuilder(cmd).directory(dir.toFile()), seconds);
    }

    private static void run(ProcessBuilder pb, int seconds) throws Exception {
        if (pb.directory() == null) {
            pb.directory(Path.of("").toAbsolutePath().toFile());
        }
        Path log = Files.createTempFile("kit", ".log");
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(done, pb.command() + " did not finish:\n" + output);
        assertEquals(0, p.exitValue(), pb.command() + ":\n" + output);
    }
}
