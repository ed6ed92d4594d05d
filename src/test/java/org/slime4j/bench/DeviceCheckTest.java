package org.slime4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.engine.DeviceChoice;

/** The GPU check's dry run: the CPU against itself gives every check, each exactly equal; a difference fails. */
class DeviceCheckTest {
    @TempDir
    Path tmp;

    @Test
    void theCpuAgainstItselfPassesEveryCheckExactly() throws Exception {
        List<DeviceCheck.Check> checks = DeviceCheck.run(TinyModel.writeSdLayout(tmp.resolve("model"), 91),
                DeviceChoice.CPU);
        assertEquals(9, checks.size(), checks.toString());          // 3 steps × (loss, gradients), vectors, labels, scores
        for (DeviceCheck.Check c : checks) {
            assertTrue(c.passed(), c.toString());
            assertEquals(0.0, c.error(), c.toString());
        }
    }

    @Test
    void aRelativeErrorAboveTheBoundFails() {
        assertTrue(DeviceCheck.relative("x", new float[] {1000f, 1f}, new float[] {1000.5f, 1f}).passed());
        DeviceCheck.Check bad = DeviceCheck.relative("x", new float[] {1000f, 1f}, new float[] {1002f, 1f});
        assertFalse(bad.passed());
        assertEquals(2e-3, bad.error(), 1e-9);
    }
}
