package org.slime4j.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The choice of PyTorch build as a table, with the machine's facts injected; and the GPU detection's parsing. */
class TorchBuildTest {
    @TempDir
    Path tmp;

    /** A pip-style {@code torch/lib} folder: libtorch, the CUDA library for a CUDA build, and torch/version.py. */
    private Path pip(String name, String version, boolean cuda) throws IOException {
        Path lib = Files.createDirectories(tmp.resolve(name).resolve("torch/lib"));
        Files.writeString(lib.resolve(System.mapLibraryName("torch")), "");
        if (cuda) {
            Files.writeString(lib.resolve(System.mapLibraryName("torch_cuda")), "");
        }
        Files.writeString(lib.getParent().resolve("version.py"), "__version__ = '" + version + "'\n"
                + "git_version = 'abc'\n");
        return lib;
    }

    private TorchBuild.Machine machine(boolean gpu, boolean cachedCuda) throws IOException {
        Path cache = Files.createDirectories(tmp.resolve("cache-" + gpu + cachedCuda));
        if (cachedCuda) {
            Path dir = Files.createDirectories(cache.resolve("2.7.1-cu128-linux-x86_64"));
            Files.writeString(dir.resolve(System.mapLibraryName("torch")), "");
        }
        return new TorchBuild.Machine(gpu, "linux-x86_64", cache);
    }

    @Test
    void theChoiceFollowsTheTable() throws IOException {
        Path cpu = pip("cpu", "2.7.1+cpu", false);
        Path cu128 = pip("cu128", "2.7.1+cu128", true);
        record Row(String setting, boolean gpu, boolean cached, String source, String flavour, boolean hint) {
        }
        Row[] table = {
            new Row("auto", false, false, "bundled", "cpu", false),
            new Row("auto", false, true, "bundled", "cpu", false),     // a cached CUDA build is no use without GPU
            new Row("auto", true, false, "bundled", "cpu", true),      // GPU seen, CPU build only: say so
            new Row("auto", true, true, "cache", "cu128", false),
            new Row("bundled", true, true, "bundled", "cpu", false),
            new Row(cpu.toString(), true, false, "folder", "cpu", false),
            new Row(cu128.toString(), false, false, "folder", "cu128", false),
            new Row(cu128.toString(), true, false, "folder", "cu128", false),
        };
        for (Row r : table) {
            TorchBuild b = TorchBuild.choose(r.setting, machine(r.gpu, r.cached));
            String what = r.setting + " gpu=" + r.gpu + " cached=" + r.cached;
            assertEquals(r.source, b.source(), what);
            assertEquals(r.flavour, b.flavour(), what);
            assertEquals("2.7.1", b.version(), what);
            assertEquals(r.hint, b.hint() != null, what);
        }
        TorchBuild hinted = TorchBuild.choose("auto", machine(true, false));
        assertTrue(hinted.hint().contains("java -jar slime-cli.jar pytorch download") && hinted.hint().contains("SLIME_PYTORCH"),
                "the hint names both ways to a CUDA build: " + hinted.hint());
        assertEquals(machine(true, true).cache().resolve("2.7.1-cu128-linux-x86_64"),
                TorchBuild.choose("auto", machine(true, true)).folder());
    }

    @Test
    void foldersThatDoNotFitAreRefusedWithWhatWasFoundAndWhatIsNeeded() throws IOException {
        TorchBuild.Machine m = machine(false, false);
        assertEquals("PyTorch folder " + pip("old", "2.6.0+cpu", false) + " holds version 2.6.0, but this plugin "
                + "needs 2.7.1 (the version DJL 0.36.0's JNI was built for): install torch==2.7.1 (CPU or cu128).",
                message(() -> TorchBuild.choose(tmp.resolve("old/torch/lib").toString(), m)));
        assertTrue(message(() -> TorchBuild.choose(pip("cu126", "2.7.1+cu126", true).toString(), m))
                .contains("holds the cu126 build, but DJL 0.36.0 has a JNI for cpu and cu128 only"));
        assertTrue(message(() -> TorchBuild.choose(tmp.resolve("nowhere").toString(), m)).contains("does not exist"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(message(() -> TorchBuild.choose(empty.toString(), m)).contains("holds no "
                + System.mapLibraryName("torch")));
        Path bare = Files.createDirectories(tmp.resolve("bare/lib"));
        Files.writeString(bare.resolve(System.mapLibraryName("torch")), "");
        assertTrue(message(() -> TorchBuild.choose(bare.toString(), m)).contains("Cannot tell which PyTorch version"));
        assertTrue(message(() -> TorchBuild.choose("download", m)).contains("java -jar slime-cli.jar pytorch download"));
    }

    @Test
    void anotherVersionIsTakenWhenAJniBuiltForItIsInTheCache() throws IOException {
        Path lib = pip("kit", "2.11.0+cu130", true);
        TorchBuild.Machine m = machine(true, false);
        Path jni = Files.createDirectories(m.cache().resolve("2.11.0-cu130-linux-x86_64"));
        Files.writeString(jni.resolve("0.36.0-" + System.mapLibraryName("djl_torch")), "");
        TorchBuild b = TorchBuild.choose(lib.toString(), m);
        assertEquals("2.11.0", b.version());
        assertEquals("cu130", b.flavour());
    }

    @Test
    void libtorchArchivesAndDjlCacheFoldersTellTheirVersionToo() throws IOException {
        Path libtorch = Files.createDirectories(tmp.resolve("libtorch/lib"));
        Files.writeString(libtorch.getParent().resolve("build-version"), "2.7.1+cu128\n");
        assertEquals("2.7.1/cu128", String.join("/", TorchBuild.versionOf(libtorch)));
        Path cached = Files.createDirectories(tmp.resolve("2.7.1-cu128-linux-x86_64"));
        assertEquals("2.7.1/cu128", String.join("/", TorchBuild.versionOf(cached)));
    }

    @Test
    void theSettingInForceFollowsItsPrecedence() {
        Optional<String> saved = Optional.of("bundled");
        assertEquals("/djl", TorchBuild.setting("/flag", Map.of("PYTORCH_LIBRARY_PATH", "/djl",
                "SLIME_PYTORCH", "/env"), saved));
        assertEquals("/flag", TorchBuild.setting("/flag", Map.of("SLIME_PYTORCH", "/env"), saved));
        assertEquals("/env", TorchBuild.setting(null, Map.of("SLIME_PYTORCH", "/env"), saved));
        assertEquals("bundled", TorchBuild.setting(null, Map.of(), saved));
        assertEquals("auto", TorchBuild.setting(null, Map.of(), Optional.empty()));
    }

    @Test
    void theDriverDecidesWhetherAGpuCounts() throws IOException {
        Path proc = Files.createDirectories(tmp.resolve("nvidia"));
        assertEquals(false, Gpus.visible(proc), "no driver files");
        Path gpu = Files.createDirectories(proc.resolve("gpus/0000:3b:00.0"));
        Files.writeString(gpu.resolve("information"), "Model: \t\t NVIDIA H200\nIRQ:   123\n");
        Files.writeString(proc.resolve("version"), "NVRM version: NVIDIA UNIX x86_64 Kernel Module  570.86.10  "
                + "Thu Jan 30 2025\nGCC version:  gcc version 12.2.0\n");
        assertEquals(java.util.List.of("NVIDIA H200"), Gpus.names(proc));
        assertEquals(570, Gpus.driverRelease(proc));
        assertTrue(Gpus.visible(proc));
        Files.writeString(proc.resolve("version"), "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  "
                + "470.42.01  Release Build\n");
        assertEquals(470, Gpus.driverRelease(proc));
        assertEquals(false, Gpus.visible(proc), "a driver too old for CUDA 12 builds");
        assertNull(Gpus.driverRelease(tmp.resolve("nothing")));
    }

    interface Call {
        void run() throws Exception;
    }

    private static String message(Call c) {
        try {
            c.run();
        } catch (Exception e) {
            return e.getMessage();
        }
        return fail("no error");
    }
}
