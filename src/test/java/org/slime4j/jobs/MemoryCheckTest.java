package org.slime4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.engine.MemoryLimits;
import org.slime4j.core.slime.MemoryEstimate;

/**
 * The memory check as a table: SD-2.1-base trainings and segmentations against injected free RAM and GPU memory;
 * what fits passes, what does not is refused with both figures and the fixes that fit (a smaller working size, one
 * crop per pass, fp16 on a GPU, more memory for a SLURM job), never a fix that would not fit; weights already
 * loaded are not counted twice.
 */
class MemoryCheckTest {
    private static final MemoryEstimate.Shape SD21 = MemoryEstimate.Shape.SD21_BASE;
    private static final Execution CPU = Execution.on(DeviceChoice.CPU);
    private static final Execution GPU = Execution.on(DeviceChoice.GPU);
    private static final long GB = 1_000_000_000L;

    private static MemoryLimits.Available ram(double gb) {
        return new MemoryLimits.Available((long) (gb * GB), "the RAM still available");
    }

    private static String gb(MemoryEstimate e) {
        return MemoryLimits.gb(e.bytes());
    }

    @Test
    void theEstimatesAreTheMeasuredPeaksAtSd21Size() {
        // peaks measured above the JVM (bench.MemoryBench, README): loading 4.92 GB (the text encoder is held until
        // the prompts are encoded), then training 8.90 GB at S = 512 and 4.45 at 256, segmentation 4.69 at 512;
        // the estimate adds libtorch's 0.12 GB
        assertEquals(8.90 + 0.12, MemoryEstimate.training(SD21, 512, CPU).bytes() / 1e9, 0.1);
        assertEquals(4.92 + 0.12, MemoryEstimate.training(SD21, 256, CPU).bytes() / 1e9, 0.1, "loading is the peak");
        assertEquals(4.92 + 0.12, MemoryEstimate.segmentation(SD21, 512, CPU, 1).bytes() / 1e9, 0.1, "loading too");
        MemoryEstimate four = MemoryEstimate.segmentation(SD21, 512, CPU, 4);
        assertEquals(4.69 + 0.12 + 3 * (4.69 - 3.59), four.bytes() / 1e9, 0.15, "each crop in a pass adds its "
                + "activations");
    }

    @Test
    void aTrainingThatFitsPassesAndOneThatDoesNotIsRefusedWithTheSizeThatFits() {
        assertNull(MemoryCheck.trainingRefusal(SD21, 512, CPU, false, false, ram(16), JobListener.NONE));
        String no = MemoryCheck.trainingRefusal(SD21, 512, CPU, false, false, ram(8), JobListener.NONE);
        assertEquals("Training at working size 512 needs about " + gb(MemoryEstimate.training(SD21, 512, CPU))
                + " of memory, but this process may use 8.0 GB (the RAM still available). Fixes: a smaller "
                + "working_size (448: about " + gb(MemoryEstimate.training(SD21, 448, CPU)) + "; tiles keep the "
                + "detail of a large image); closing other programs, or a machine with more memory; going ahead "
                + "anyway with memory_check=off (the run may be killed).", no);
        assertTrue(MemoryEstimate.training(SD21, 448, CPU).bytes() <= 8 * GB);
    }

    @Test
    void aSlurmJobIsToldTheMemoryToAskFor() {
        MemoryLimits.Available slurm = new MemoryLimits.Available(4 * GB, "the SLURM job's memory (--mem 4.3 GB)");
        String no = MemoryCheck.trainingRefusal(SD21, 512, CPU, false, false, slurm, JobListener.NONE);
        assertTrue(no.contains("more memory for the job (sbatch --mem=12G, or the container's limit)"), no);
        assertFalse(no.contains("smaller working_size"), "no size fits 4 GB: the weights alone need 3.6: " + no);
    }

    @Test
    void weightsAlreadyLoadedAreNotCountedAgain() {
        MemoryEstimate e = MemoryEstimate.training(SD21, 512, CPU);
        MemoryLimits.Available justTheActivations = new MemoryLimits.Available(e.bytes() - e.weights(), "test");
        assertNull(MemoryCheck.trainingRefusal(SD21, 512, CPU, false, true, justTheActivations, JobListener.NONE));
        String no = MemoryCheck.trainingRefusal(SD21, 512, CPU, false, false, justTheActivations, JobListener.NONE);
        assertTrue(no.startsWith("Training at working size 512 needs about " + gb(e) + " of memory, but"), no);
    }

    @Test
    void anOutOfMemoryErrorDuringARunBecomesAMessageOfTheSameKind() {
        RuntimeException cuda = new ai.djl.engine.EngineException("CUDA out of memory. Tried to allocate 2.00 GiB "
                + "(GPU 0; 23.65 GiB total capacity)\nException raised from malloc at c10/cuda/CUDACachingAllocator.cpp");
        assertEquals("The training ran out of GPU memory: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 23.65 "
                + "GiB total capacity). Its checkpoint cell.slime.checkpoint is kept: the same command goes on from "
                + "there. Try a smaller working size, fewer crops per pass, fp16 for segmentation on a GPU, or a "
                + "machine with more memory.", MemoryCheck.explained(cuda, "the training", "Its checkpoint "
                + "cell.slime.checkpoint is kept: the same command goes on from there. ").getMessage());
        RuntimeException cpu = new ai.djl.engine.EngineException("[enforce fail at alloc_cpu.cpp:117] data. "
                + "DefaultCPUAllocator: can't allocate memory: you tried to allocate 9437184000 bytes.");
        assertTrue(MemoryCheck.explained(cpu, "segmenting a.tif", "").getMessage().startsWith("Segmenting a.tif ran "
                + "out of memory: [enforce fail"));
        RuntimeException other = new IllegalStateException("something else");
        assertEquals(other, MemoryCheck.explained(other, "the training", ""), "other errors pass unchanged");
    }

    @Test
    void onAGpuFp16AndOneCropPerPassAreOfferedWhenTheyFit() {
        MemoryLimits.Available free = new MemoryLimits.Available((long) (4.5 * GB), "free on gpu(0) of 24.0 GB");
        assertTrue(MemoryEstimate.segmentation(SD21, 512, GPU, 1).bytes() > free.bytes());
        String no = MemoryCheck.segmentationRefusal(SD21, 512, 1, GPU, true, false, free, JobListener.NONE);
        // fp32 weights with the text encoder (5.1 GB while loading) fit at no working size; fp16 does
        assertEquals("Segmentation at working size 512 needs about " + gb(MemoryEstimate.segmentation(SD21, 512, GPU,
                1)) + " of GPU memory, but this process may use 4.5 GB (free on gpu(0) of 24.0 GB). Fixes: "
                + "precision=fp16; a GPU with more free memory (close other programs using it), or the CPU; going "
                + "ahead anyway with memory_check=off (the run may be killed).", no);

        MemoryLimits.Available six = new MemoryLimits.Available(6 * GB, "free on gpu(0) of 8.0 GB");
        assertNull(MemoryCheck.segmentationRefusal(SD21, 512, 1, GPU, true, false, six, JobListener.NONE));
        String four = MemoryCheck.segmentationRefusal(SD21, 512, 4, GPU, true, false, six, JobListener.NONE);
        assertTrue(four.startsWith("Segmentation at working size 512, 4 crops per pass needs about"), four);
        assertTrue(four.contains("Fixes: crops_per_pass=1; precision=fp16;"), four);

        MemoryLimits.Available one = new MemoryLimits.Available(GB, "free on gpu(0) of 8.0 GB");
        String none = MemoryCheck.segmentationRefusal(SD21, 512, 1, GPU, true, false, one, JobListener.NONE);
        assertFalse(none.contains("fp16") || none.contains("working_size"), "nothing but more memory fits: " + none);
    }
}
