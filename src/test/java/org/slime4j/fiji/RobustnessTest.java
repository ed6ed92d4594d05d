package org.slime4j.fiji;

import static org.slime4j.core.slime.SlimeOption.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.Samples;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.RgbImage;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trainer;
import org.slime4j.core.weights.DType;

/** Long runs and interruptions: flat memory, kill-and-resume of a CLI folder run, two threads on one model. */
class RobustnessTest {
    @TempDir
    Path tmp;

    static SlimeOptions options(int epochs) {
        return SlimeOptions.defaults().with(WORKING_SIZE, 64).with(EPOCHS, epochs).with(AUGMENT, false)
                .with(CROSS_LAYERS, List.of("up_blocks.1.attentions.0.transformer_blocks.0.attn2"))
                .with(SELF_LAYERS, List.of("up_blocks.1.attentions.0.transformer_blocks.0.attn1"));
    }

    static LearnedParts train(Slime s, int epochs) {
        return s.train(new Slime.TrainingRequest(List.of("background", "disk", "square"), null,
                List.of(Samples.sample(64, 64)), false, InputMapping.REFERENCE, 0), options(epochs),
                new Trainer.Listener() {
                }, () -> false).parts();
    }

    static long rssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    @Test
    void memoryStaysFlatOverManyCallsAndClosingFreesTheModel() throws Exception {
        Path model = TinyModel.write(tmp.resolve("m"), false, DType.F32, 5);
        try (Slime slime = Slime.open(model, DeviceChoice.CPU)) {
            LearnedParts parts = train(slime, 2);
            RgbImage image = Samples.sample(64, 64).image();
            for (int i = 0; i < 10; i++) {
                slime.segment(parts, image, Tiling.squeeze(), i, false);
            }
            long before = rssMb();
            for (int i = 0; i < 100; i++) {
                slime.segment(parts, image, Tiling.squeeze(), i, false);
            }
            long afterSegment = rssMb();
            for (int i = 0; i < 20; i++) {
                train(slime, 2);
            }
            long afterTrain = rssMb();
            System.out.printf("memory: RSS %d MB before, %d MB after 100 segmentations, %d MB after 20 trainings%n",
                    before, afterSegment, afterTrain);
            assertTrue(afterSegment - before <= 64, "100 segmentations grew RSS by " + (afterSegment - before) + " MB");
            assertTrue(afterTrain - afterSegment <= 64, "20 trainings grew RSS by " + (afterTrain - afterSegment) + " MB");
        }
        long base = rssMb();
        for (int i = 0; i < 10; i++) {
            Slime.open(model, DeviceChoice.CPU).close();
        }
        long opened = rssMb();
        System.out.printf("memory: RSS %d MB before, %d MB after 10 open/close cycles%n", base, opened);
        assertTrue(opened - base <= 96, "10 open/close cycles grew RSS by " + (opened - base) + " MB");
    }

    @Test
    void twoThreadsOnOneModelEqualSequentialRuns() throws Exception {
        try (Slime slime = Slime.open(TinyModel.write(tmp.resolve("m"), false, DType.F32, 6), DeviceChoice.CPU)) {
            LearnedParts parts = train(slime, 2);
            List<RgbImage> images = List.of(Samples.sample(64, 64).image(), Samples.sample(80, 48).image(),
                    Samples.sample(50, 70).image(), Samples.sample(64, 64).image());
            List<int[]> sequential = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                sequential.add(slime.segment(parts, images.get(i), Tiling.squeeze(), i, false).labels());
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<int[]>> futures = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < images.size(); i++) {
                        int index = i;
                        futures.add(pool.submit(() -> slime.segment(parts, images.get(index), Tiling.squeeze(), index,
                                false).labels()));
                    }
                }
                for (int f = 0; f < futures.size(); f++) {
                    assertArrayEquals(sequential.get(f % images.size()), futures.get(f).get(60, TimeUnit.SECONDS),
                            "concurrent result " + f);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void killedFolderRunLeavesOnlyCompleteOutputsAndResumesToTheSameResult() throws Exception {
        Path model = TinyModel.writeSdLayout(tmp.resolve("model"), 7);
        Path slime = tmp.resolve("kill.slime");
        try (Slime s = Slime.open(model, DeviceChoice.CPU)) {
            s.train(new Slime.TrainingRequest(List.of("background", "disk", "square"), null,
                    List.of(Samples.sample(64, 64)), false, InputMapping.REFERENCE, 0),
                    SlimeOptions.defaults().with(WORKING_SIZE, 64).with(EPOCHS, 1).with(AUGMENT, false),
                    new Trainer.Listener() {
                    }, () -> false).parts().save(slime, false);
        }
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (int i = 0; i < 12; i++) {
            FijiTest.save(FijiTest.annotated("i" + i), in.resolve(String.format("img%02d.tif", i)));
        }
        Path killed = tmp.resolve("killed");
        Process p = cli(model, slime, in, killed).redirectErrorStream(true).start();
        int done = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.contains(" -> ") && ++done == 3) {
                    p.destroyForcibly();                                         // SIGKILL, mid-run
                    break;
                }
            }
        }
        p.waitFor(30, TimeUnit.SECONDS);
        List<Path> after = outputs(killed);
        assertTrue(after.size() >= 3 && after.size() < 12, "outputs after the kill: " + after.size());
        for (Path f : after) {
            ImagePlus imp = IJ.openImage(f.toString());
            assertNotNull(imp, "complete output " + f);
            assertEquals(64 * 64, imp.getWidth() * imp.getHeight());
        }
        assertEquals(0, cli(model, slime, in, killed).redirectErrorStream(true).redirectOutput(
                ProcessBuilder.Redirect.DISCARD).start().waitFor(), "the rerun finishes");
        Path clean = tmp.resolve("clean");
        assertEquals(0, cli(model, slime, in, clean).redirectErrorStream(true).redirectOutput(
                ProcessBuilder.Redirect.DISCARD).start().waitFor(), "an uninterrupted run");
        List<Path> resumed = outputs(killed);
        assertEquals(12, resumed.size());
        for (Path f : resumed) {
            short[] a = (short[]) IJ.openImage(f.toString()).getProcessor().getPixels();
            short[] b = (short[]) IJ.openImage(clean.resolve(f.getFileName()).toString()).getProcessor().getPixels();
            assertArrayEquals(b, a, "resumed equals uninterrupted: " + f.getFileName());
        }
    }

    private static ProcessBuilder cli(Path model, Path slime, Path in, Path out) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-cp",
                System.getProperty("java.class.path"), "org.slime4j.cli.SlimeCli", "segment", "--model",
                model.toString(), "--slime", slime.toString(), in.toString(), "--output", out.toString(),
                "--device", "cpu");
    }

    private static List<Path> outputs(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(f -> f.getFileName().toString().endsWith("_labels.tif")).sorted().toList();
        }
    }
}
