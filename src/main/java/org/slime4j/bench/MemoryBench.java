package org.slime4j.bench;

import static org.slime4j.core.slime.SlimeOption.*;

import java.nio.file.Path;
import java.util.List;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Engines;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.engine.Precision;
import org.slime4j.core.model.StableDiffusion;
import org.slime4j.core.slime.MemoryEstimate;
import org.slime4j.core.slime.Randomness;
import org.slime4j.core.slime.Segmenter;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.TextContext;
import org.slime4j.core.slime.Trace;
import org.slime4j.core.slime.Trainer;

/**
 * The memory a segmentation and a training need at SD-2.1-base size (random weights built in memory), measured as
 * the process's peak RSS above what it held before the model, beside {@link MemoryEstimate}'s figure: the data the
 * estimate is fitted to and checked against. One size per JVM (peaks do not mix):
 *
 * <pre>
 * for s in 256 320 384 448 512; do
 *   java -cp CLASSPATH org.slime4j.bench.MemoryBench ../shared/fixtures/tiny-sd1/tokenizer size=$s [slice=N] [batch=N]
 * done
 * </pre>
 * It segments once (with {@code batch} crops per pass of 2×2 crops when {@code batch} > 1), then trains two epochs
 * with per-epoch validation, as SLiMe Train runs them.
 */
public final class MemoryBench {
    private MemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> kv = new java.util.HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            kv.put(pair[0], pair[1]);
        }
        int s = Integer.parseInt(kv.getOrDefault("size", "512"));
        int batch = Integer.parseInt(kv.getOrDefault("batch", "1"));
        Execution execution = new Execution(DeviceChoice.CPU, Precision.FP32,
                Integer.parseInt(kv.getOrDefault("slice", "0")), batch, false);
        Engines.start();
        double before = rss();
        MemoryEstimate.Shape shape = MemoryEstimate.Shape.SD21_BASE;
        SlimeOptions o = SlimeOptions.defaults().with(WORKING_SIZE, s).with(EPOCHS, 2).with(AUGMENT, false);
        SlimeOptions cropped = batch == 1 ? o : o.with(PATCHES_PER_SIDE, 2).with(PATCH_SIZE, s * 3 / 4);
        SlimeBench.resetPeak();
        try (StableDiffusion sd = SlimeBench.sd21(Path.of(args[0]), execution)) {
            TextContext text = TextContext.encode(sd, 3, null);
            sd.releaseTextEncoder();
            double loaded = SlimeBench.peakGb() - before;
            double weights = rss() - before;
            SlimeBench.resetPeak();
            Randomness random = Randomness.seeded(1);
            try (var m = sd.manager().newSubManager()) {
                var image = m.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(1, 3, s, s));
                var vectors = org.slime4j.core.slime.Rows.toDevice(m, text.initialVectors());
                new Segmenter(sd, text, vectors, cropped).segment(image, s, random, Trace.NONE);
            }
            double segment = SlimeBench.peakGb() - before;
            SlimeBench.resetPeak();
            List<Trainer.Pair> pairs = List.of(DeviceCheck.sample(s, s));
            Trainer.train(new Trainer.Setup(sd, text, o, pairs, pairs, new Trainer.Settings(false, 0)),
                    Randomness.seeded(2), null, new Trainer.Listener() {
                    }, () -> false);
            double train = SlimeBench.peakGb() - before;
            MemoryEstimate es = MemoryEstimate.segmentation(shape, s, execution, batch);
            MemoryEstimate et = MemoryEstimate.training(shape, s, execution);
            System.out.printf(java.util.Locale.ROOT, "MEMORY S=%d slice=%d batch=%d: before model %.2f GB; loading "
                    + "peak %.2f, weights resident %.2f; segmentation peak %.2f GB (estimate %.2f); training peak "
                    + "%.2f GB (estimate %.2f)%n", s, execution.attentionSlice(), batch, before, loaded, weights,
                    segment, es.bytes() / 1e9, train, et.bytes() / 1e9);
        }
    }

    private static double rss() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1e6;
                }
            }
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
