package org.slime4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;

/** The JVM's kept model: reused while the request is the same, never closed under a user still holding it. */
class SessionsTest {
    @TempDir
    Path tmp;

    @AfterEach
    void closeKept() {
        Sessions.close();
    }

    @Test
    void aRetiredModelStaysOpenUntilItsLastLeaseIsReturned() throws Exception {
        Path model = TinyModel.writeSdLayout(tmp.resolve("m"), 5);
        Execution cpu = Execution.on(DeviceChoice.CPU);
        StringBuilder notices = new StringBuilder();
        Sessions.Lease first = Sessions.open(model, cpu, notices::append);
        try (Sessions.Lease again = Sessions.open(model, cpu, notices::append)) {
            assertSame(first.slime(), again.slime(), "the same model and execution: no reload");
        }
        // another thread (a folder job, say) asks for the model with slicing: the first user keeps working
        Sessions.Lease sliced = Sessions.open(model, cpu.withAttentionSlice(16), notices::append);
        assertNotSame(first.slime(), sliced.slime());
        assertEquals(16, sliced.slime().model().execution().attentionSlice(), "the execution is fixed at open");
        assertTrue(first.slime().model().manager().isOpen(), "a retired model in use is not closed");
        first.slime().model().unet();                                         // still usable
        first.close();
        assertFalse(first.slime().model().manager().isOpen(), "closed when its last lease came back");
        first.close();                                                        // returning twice changes nothing
        assertTrue(sliced.slime().model().manager().isOpen());
        sliced.close();
        assertTrue(sliced.slime().model().manager().isOpen(), "the kept model stays open for the next call");
        Sessions.close();
        assertFalse(sliced.slime().model().manager().isOpen(), "closing the session frees an unused model");
        assertEquals("", notices.toString(), "no engine notice on a CPU build");
    }
}
