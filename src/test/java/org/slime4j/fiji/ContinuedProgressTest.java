package org.slime4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.app.event.StatusEvent;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.imagej.Annotations;
import org.slime4j.jobs.JobListener;
import org.slime4j.jobs.Checkpoints;
import org.slime4j.jobs.TrainJob;

/**
 * A continued training reports the steps of its own run (done 1..M of M, not counted on from the parent's steps)
 * and its epochs counted on from the parent's (N+1..N+M), in the job every front end runs and in Fiji's status bar.
 */
class ContinuedProgressTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path parent;

    @BeforeAll
    static void trainTwoEpochs() throws Exception {
        model = TinyModel.writeSdLayout(tmp.resolve("model"), 37);
        parent = tmp.resolve("parent.slime");
        job(2, null, parent).run(JobListener.NONE);
    }

    private static TrainJob job(int epochs, Path from, Path out) {
        SlimeOptions o = SlimeOptions.defaults().with(SlimeOption.WORKING_SIZE, 64).with(SlimeOption.EPOCHS, epochs)
                .with(SlimeOption.AUGMENT, false);
        return new TrainJob(List.of(new Annotations.Annotated(FijiTest.annotated("t"), FijiTest.annotated("t")
                .getOverlay().toArray(), null)), "", model, Execution.on(DeviceChoice.CPU), o,
                java.util.Set.of(SlimeOption.values()), true, 0, from, out, true, Checkpoints.Policy.OFF);
    }

    @Test
    void theJobCountsThisRunsStepsAndEpochsOnFromTheParent() throws Exception {
        List<JobListener.Progress> steps = new ArrayList<>();
        List<JobListener.Epoch> epochs = new ArrayList<>();
        job(3, parent, tmp.resolve("job.slime")).run(new JobListener() {
            @Override
            public void progress(Progress p) {
                steps.add(p);
            }

            @Override
            public void epoch(Epoch e) {
                epochs.add(e);
            }
        });
        assertEquals(List.of(1, 2, 3), steps.stream().map(JobListener.Progress::done).toList());
        assertTrue(steps.stream().allMatch(p -> p.total() == 3), steps.toString());
        assertEquals(0.0, steps.get(2).secondsLeft(), "nothing left after the last step");
        assertEquals(List.of(3, 4, 5), epochs.stream().map(JobListener.Epoch::epoch).toList());
        assertTrue(epochs.stream().allMatch(e -> e.lastEpoch() == 5), epochs.toString());
    }

    @Test
    void fijisStatusBarShowsTheStepsOfThisRun() throws Exception {
        List<int[]> bars = new CopyOnWriteArrayList<>();
        try (Context ctx = new Context()) {
            Object subscriber = new Object() {
                @EventHandler
                void on(StatusEvent e) {
                    if (e.getProgressMaximum() > 0) {
                        bars.add(new int[] {e.getProgressValue(), e.getProgressMaximum()});
                    }
                }
            };
            ctx.service(EventService.class).subscribe(subscriber);
            CommandModule train = ctx.service(CommandService.class).run(TrainCommand.class, true, "image",
                    FijiTest.annotated("t"), "annotation", "Overlay", "model", model.toString(), "output",
                    tmp.resolve("fiji.slime").toFile(), "epochs", 3, "working_size", 64, "augment", false,
                    "device", "cpu", "continue_from", parent.toFile()).get();
            assertFalse(train.isCanceled(), train.getCancelReason());
        }
        assertEquals(3, bars.size(), "one status per step");
        for (int i = 0; i < 3; i++) {
            assertEquals(i + 1, bars.get(i)[0]);
            assertEquals(3, bars.get(i)[1], "the total is this run's steps, not the parent's and this run's");
        }
    }
}
