package org.slime4j.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.Menus;
import ij.ImagePlus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.EpochRecord;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Trainer;
import org.slime4j.imagej.Annotations;
import org.slime4j.jobs.Checkpoints;
import org.slime4j.jobs.JobListener;
import org.slime4j.jobs.TrainJob;

/**
 * An unfinished training (the process died after some epochs: its checkpoint is beside the output) goes on from
 * its checkpoint when Fiji's SLiMe Train or the ImageJ 1.x macro command runs it again, and ends with the file an
 * uninterrupted run writes; Fiji's dialog fills in the unfinished training's settings when its output is chosen.
 */
class ResumeTest {
    static final int EPOCHS = 6;
    static final SlimeOptions OPTIONS = SlimeOptions.defaults().with(SlimeOption.WORKING_SIZE, 64)
            .with(SlimeOption.EPOCHS, EPOCHS).with(SlimeOption.SEED, 11L);
    @TempDir
    static Path tmp;
    static Path model;
    static Path imageFile;
    static LearnedParts uninterrupted;
    static Path crashed;

    @BeforeAll
    static void trainAndCrash() throws Exception {
        System.setProperty("java.awt.headless", "true");
        model = TinyModel.writeSdLayout(tmp.resolve("model"), 43);
        imageFile = FijiTest.save(FijiTest.annotated("cell.tif"), tmp.resolve("cell.tif"));
        Path whole = tmp.resolve("whole.slime");
        job(whole, Checkpoints.Policy.OFF).run(JobListener.NONE);
        uninterrupted = LearnedParts.load(whole);

        Path out = tmp.resolve("crash/cell.slime");
        Files.createDirectories(out.getParent());
        assertThrows(IllegalStateException.class, () -> job(out, new Checkpoints.Policy(1, 0, true))
                .run(new JobListener() {
                    @Override
                    public void epoch(Epoch e) {
                        if (e.epoch() == 4) {                 // epoch 4 is checkpointed before it is reported
                            throw new IllegalStateException("the process dies here");
                        }
                    }
                }));
        assertFalse(Files.exists(out));
        crashed = Files.copy(out.resolveSibling("cell.slime.checkpoint"), tmp.resolve("crashed.checkpoint"));
        assertEquals(4, LearnedParts.load(crashed).continuation().state().epochs());
    }

    private static TrainJob job(Path out, Checkpoints.Policy policy) {
        ImagePlus imp = IJ.openImage(imageFile.toString());
        return new TrainJob(List.of(new Annotations.Annotated(imp, imp.getOverlay().toArray(), null)), "disk square",
                model, Execution.on(DeviceChoice.CPU), OPTIONS, Set.of(), true, 0, null, out, false, policy);
    }

    /** A fresh folder holding the crashed training's checkpoint beside {@code cell.slime}, which it writes. */
    private static Path crashedTraining(String folder) throws Exception {
        Path out = Files.createDirectories(tmp.resolve(folder)).resolve("cell.slime");
        Files.copy(crashed, out.resolveSibling("cell.slime.checkpoint"));
        return out;
    }

    @Test
    void fijisTrainCommandGoesOnFromTheCheckpoint() throws Exception {
        Path out = crashedTraining("fiji");
        try (Context ctx = new Context()) {
            CommandModule train = ctx.service(CommandService.class).run(TrainCommand.class, true, "image",
                    IJ.openImage(imageFile.toString()), "parts", "disk square", "annotation", "Overlay", "model",
                    model.toString(), "output", out.toFile(), "epochs", EPOCHS, "working_size", 64, "seed", 11L,
                    "learning_rate", OPTIONS.learningRate(), "augment", true, "validate", true, "checkpoint_every", 1,
                    "resume", true, "device", "cpu").get();
            assertFalse(train.isCanceled(), train.getCancelReason());
        }
        assertResumedAndEqual(out);
    }

    @Test
    void theImageJ1MacroCommandGoesOnFromTheCheckpoint() throws Exception {
        Path out = crashedTraining("ij1");
        if (Menus.getCommands() == null) {
            try {
                IJ.run("Close All");                         // makes ImageJ build its command table
            } catch (java.awt.HeadlessException expected) {
                // the table is filled before ImageJ tries to build AWT menus
            }
        }
        @SuppressWarnings("unchecked")
        Hashtable<String, String> commands = Menus.getCommands();
        commands.put("SLiMe Train", org.slime4j.ij1.TrainPlugin.class.getName());
        IJ.redirectErrorMessages(true);
        IJ.runMacro(String.join("\n", "setBatchMode(true);", "open('" + imageFile + "');",
                "run('SLiMe Train', 'parts=[disk square] annotation=Overlay model=[" + model + "] output=[" + out
                        + "] epochs=" + EPOCHS + " working_size=64 seed=11 device=cpu');"));
        assertResumedAndEqual(out);
    }

    @Test
    void fijisDialogFillsInTheUnfinishedTrainingsSettingsWhenItsOutputIsChosen() throws Exception {
        Path out = crashedTraining("dialog");
        try (Context ctx = new Context()) {
            CommandInfo info = ctx.service(CommandService.class).getCommand(TrainCommand.class);
            CommandModule module = (CommandModule) ctx.service(ModuleService.class).createModule(info);
            module.setInput("resume", false);
            module.setInput("output", out.toFile());
            ModuleItem<?> output = info.getInput("output");
            output.callback(module);
            assertEquals(EPOCHS, module.getInput("epochs"));
            assertEquals(64, module.getInput("working_size"));
            assertEquals(11L, module.getInput("seed"));
            assertEquals(true, module.getInput("resume"), "resume is ticked again");

            Path fresh = tmp.resolve("dialog/other.slime");
            module.setInput("epochs", 2);
            module.setInput("output", fresh.toFile());
            output.callback(module);
            assertEquals(2, module.getInput("epochs"), "no checkpoint: nothing changes");
        }
    }

    /** The output equals the uninterrupted run's (to 1e-6); its first epochs are the checkpoint's, not redone. */
    private static void assertResumedAndEqual(Path out) throws Exception {
        assertTrue(Files.exists(out), "the training wrote " + out);
        assertFalse(Files.exists(out.resolveSibling("cell.slime.checkpoint")), "the checkpoint is removed");
        LearnedParts resumed = LearnedParts.load(out);
        Trainer.State a = uninterrupted.continuation().state();
        Trainer.State b = resumed.continuation().state();
        assertEquals(EPOCHS, b.epochs());
        assertEquals(a.bestEpoch(), b.bestEpoch());
        for (int i = 0; i < a.vectors().length; i++) {
            assertArrayEquals(a.vectors()[i], b.vectors()[i], 1e-6f, "last vectors, row " + i);
            assertArrayEquals(a.adamV()[i], b.adamV()[i], 1e-6f, "Adam's second moments, row " + i);
            assertArrayEquals(uninterrupted.vectors()[i], resumed.vectors()[i], 1e-6f, "kept vectors, row " + i);
        }
        assertEquals(uninterrupted.continuation().lineage(), resumed.continuation().lineage());
        List<EpochRecord> before = LearnedParts.load(crashed).continuation().history();
        List<EpochRecord> history = resumed.continuation().history();
        assertEquals(EPOCHS, history.size());
        for (int e = 0; e < 4; e++) {
            assertEquals(before.get(e).seconds(), history.get(e).seconds(), "epoch " + (e + 1) + " is the "
                    + "checkpoint's, not redone");
        }
        assertNotNull(Files.readAllLines(out.resolveSibling("cell-training.csv")));
        assertEquals(EPOCHS + 1, Files.readAllLines(out.resolveSibling("cell-training.csv")).size());
    }
}
