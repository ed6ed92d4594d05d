package org.slime4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.model.TinyModel;

/**
 * A training whose estimated peak does not fit what the process may use is refused before the model is loaded,
 * naming both figures and the bound (SLURM's memory, the address-space limit, a memory cgroup), in its own JVM as
 * a user or a cluster runs it; {@code --memory-check off} (or {@code SLIME_MEMORY_CHECK=off}) goes ahead, and in a
 * cgroup too small for the run the kernel then kills it, which is what the check prevents.
 */
class MemoryRefusalTest {
    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void model() throws Exception {
        model = TinyModel.writeSdLayout(tmp.resolve("model"), 53);
    }

    record Run(int exit, String log) {
    }

    /** The CLI's training of the sample image at working size {@code size}, started by {@code prefix} (a shell). */
    static Run train(String out, int size, Map<String, String> env, List<String> prefix, String... more)
            throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:ReservedCodeCacheSize=32m", "-XX:CompressedClassSpaceSize=64m", "-Dai.djl.offline=true",
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), "org.slime4j.cli.SlimeCli",
                "train", "--model", model.toString(), "--image", Path.of("sample-data/cell.png").toAbsolutePath()
                        .toString(), "--rois", Path.of("sample-data/cell-rois.zip").toAbsolutePath().toString(),
                "--out", tmp.resolve(out).toString(), "--epochs", "1", "--size", String.valueOf(size), "--device",
                "cpu"));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), log);
    }

    private static void assertRefused(Run r, String out, String bound) {
        assertEquals(1, r.exit(), r.log());
        assertTrue(r.log().matches("(?s).*Training at working size \\d+ needs about [0-9.]+ GB of memory, but this "
                + "process may use [0-9.]+ GB \\(" + java.util.regex.Pattern.quote(bound) + ".*\\)\\. Fixes: .*going "
                + "ahead anyway with --memory-check=off \\(the run may be killed\\)\\..*"), r.log());
        assertFalse(r.log().contains("loading"), "refused before the model is loaded: " + r.log());
        assertFalse(Files.exists(tmp.resolve(out)));
    }

    @Test
    void aSlurmJobWithTooLittleMemoryIsRefusedAndTheCheckCanBeTurnedOff() throws Exception {
        Map<String, String> slurm = Map.of("SLURM_MEM_PER_NODE", "300", "SLURM_JOB_ID", "1");
        Run r = train("slurm.slime", 64, slurm, List.of());
        assertRefused(r, "slurm.slime", "the SLURM job's memory (--mem 0.3 GB)");
        assertTrue(r.log().contains("more memory for the job (sbatch --mem=2G, or the container's limit)"), r.log());

        assertEquals(0, train("slurm.slime", 64, slurm, List.of(), "--memory-check", "off").exit());
        Map<String, String> off = new java.util.HashMap<>(slurm);
        off.put("SLIME_MEMORY_CHECK", "off");
        assertEquals(0, train("slurm.slime", 64, off, List.of(), "--overwrite").exit(), "the variable too");
    }

    @Test
    void anAddressSpaceLimitIsRefused() throws Exception {
        Run r = train("ulimit.slime", 64, Map.of(), List.of("bash", "-c", "ulimit -v 1600000 && exec \"$@\"", "-"));
        assertRefused(r, "ulimit.slime", "the address-space limit (ulimit -v 1.6 GB)");
        assertTrue(r.log().contains("a higher address-space limit (ulimit -v), or none"), r.log());
    }

    @Test
    void aMemoryCgroupTooSmallIsRefusedWhereTheKernelWouldKillTheRun() throws Exception {
        Path group = memoryCgroup();
        try {
            Files.writeString(group.resolve("memory.limit_in_bytes"), "1000000000");
            if (Files.exists(group.resolve("memory.memsw.limit_in_bytes"))) {
                Files.writeString(group.resolve("memory.memsw.limit_in_bytes"), "1000000000");     // no swap either
            }
            List<String> inGroup = List.of("sh", "-c", "echo $$ > " + group.resolve("cgroup.procs") + " && exec \"$@\"",
                    "-");
            Run r = train("cgroup.slime", 512, Map.of(), inGroup);
            assertRefused(r, "cgroup.slime", "the cgroup's memory limit (1.0 GB");

            Run killed = train("cgroup.slime", 512, Map.of(), inGroup, "--memory-check", "off");
            assertNotEquals(0, killed.exit(), "unchecked, the run outgrows the group: " + killed.log());
            assertFalse(Files.exists(tmp.resolve("cgroup.slime")));
        } finally {
            Files.deleteIfExists(group);
        }
    }

    /** A fresh memory cgroup (v1) below this process's, or the test is skipped where none can be made. */
    private static Path memoryCgroup() throws Exception {
        String self = Files.readString(Path.of("/proc/self/cgroup"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\d+:memory:(.*)$").matcher(self);
        Assumptions.assumeTrue(m.find(), "no cgroup v1 memory controller here");
        Path root = Path.of("/sys/fs/cgroup/memory");
        Path mine = root.resolve(m.group(1).substring(1));
        Path group = (Files.isDirectory(mine) ? mine : root).resolve("slime-test-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(group);
        } catch (java.io.IOException e) {
            Assumptions.abort("cannot make a memory cgroup here (" + e + ")");
        }
        return group;
    }
}
