package org.slime4j.jobs;

import org.slime4j.imagej.ImageFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards (also from SLURM's array variables), the folder listing and the clean-up of killed runs; no model. */
class FolderJobTest {
    @TempDir
    Path tmp;

    @Test
    void slurmArraysOfAnyBaseAndStepPartitionTheFolder() throws IOException {
        for (int i = 0; i < 7; i++) {
            Files.writeString(tmp.resolve("f" + i + ".tif"), "x");
        }
        // --array=0-2, 1-3, 4-8:2 (tasks 4, 6, 8) and 0-2%1 all give shards 1/3, 2/3, 3/3
        for (int[] range : new int[][] {{0, 2, 1}, {1, 3, 1}, {4, 8, 2}}) {
            List<Path> seen = new ArrayList<>();
            for (int task = range[0]; task <= range[1]; task += range[2]) {
                FolderJob.Shard shard = FolderJob.Shard.parse("slurm", env(task, range[0], range[1], range[2], 3));
                assertEquals(new FolderJob.Shard((task - range[0]) / range[2] + 1, 3), shard);
                seen.addAll(FolderJob.files(tmp, "*.tif", shard));
            }
            assertEquals(7, seen.size());
            assertEquals(7, seen.stream().distinct().count(), "each file in one shard only");
        }
    }

    @Test
    void slurmOutsideAnArrayIsTheWholeFolderAndIrregularArraysAreRefused() {
        assertEquals(new FolderJob.Shard(1, 1), FolderJob.Shard.parse("slurm", Map.of("SLURM_JOB_ID", "7")));
        // --array=1,2,7: no range to number the tasks by
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FolderJob.Shard.parse("slurm", env(7, 1, 7, 1, 3)));
        assertTrue(e.getMessage().contains("--array=FIRST-LAST"), e.getMessage());
        Map<String, String> broken = new HashMap<>(env(1, 0, 2, 1, 3));
        broken.put("SLURM_ARRAY_TASK_MIN", "x");
        e = assertThrows(IllegalArgumentException.class, () -> FolderJob.Shard.parse("slurm", broken));
        assertTrue(e.getMessage().contains("SLURM_ARRAY_TASK_MIN") && e.getMessage().contains("'x'"));
    }

    @Test
    void shardsOutsideTheirRangeSayWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FolderJob.Shard.parse("5/4", Map.of()));
        assertEquals("shard 5/4 is outside 1..4: give i/n with 1 <= i <= n, e.g. 2/8", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FolderJob.Shard.parse("two", Map.of()));
        assertTrue(e.getMessage().contains("not of the form i/n"), e.getMessage());
    }

    @Test
    void aPatternThatMatchesNothingListsWhatTheFolderHolds() throws IOException {
        Files.writeString(tmp.resolve("a.png"), "x");
        Files.writeString(tmp.resolve("b.PNG"), "x");
        IOException e = assertThrows(IOException.class,
                () -> FolderJob.files(tmp, "*.tif", new FolderJob.Shard(1, 1)));
        assertTrue(e.getMessage().contains("No file in " + tmp + " matches the pattern '*.tif'"), e.getMessage());
        assertTrue(e.getMessage().contains("2 files (a.png, b.PNG)"), e.getMessage());
    }

    @Test
    void temporariesLeftByAKilledRunAreRemovedBeforeTheirTargetIsDone() throws IOException {
        Path target = tmp.resolve("img_labels.tif");
        Path stale = Files.writeString(tmp.resolve(".img_labels.tif.4242.tmp"), "half");
        Path other = Files.writeString(tmp.resolve(".other_labels.tif.4242.tmp"), "another shard's");
        ImageFiles.deleteStaleTemporaries(target);
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(other), "only the target's own temporaries");
    }

    @Test
    void slurmCpusPerTaskSetsTheThreadsUnlessSlimeThreadsDoes() {
        assertEquals("3", org.slime4j.core.engine.EnginesAccess.threads(Map.of("SLURM_CPUS_PER_TASK", "3")));
        assertEquals("2", org.slime4j.core.engine.EnginesAccess.threads(
                Map.of("SLURM_CPUS_PER_TASK", "3", "SLIME_THREADS", "2")));
        assertEquals(null, org.slime4j.core.engine.EnginesAccess.threads(Map.of()));
    }

    private static Map<String, String> env(int task, int min, int max, int step, int count) {
        return Map.of("SLURM_ARRAY_JOB_ID", "12", "SLURM_JOB_ID", "13", "SLURM_ARRAY_TASK_ID", "" + task,
                "SLURM_ARRAY_TASK_MIN", "" + min, "SLURM_ARRAY_TASK_MAX", "" + max,
                "SLURM_ARRAY_TASK_STEP", "" + step, "SLURM_ARRAY_TASK_COUNT", "" + count);
    }
}
