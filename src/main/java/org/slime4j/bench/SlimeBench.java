package org.slime4j.bench;

import static org.slime4j.core.slime.SlimeOption.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slime4j.core.model.StableDiffusion;
import org.slime4j.core.config.ClipTextConfig;
import org.slime4j.core.config.SchedulerConfig;
import org.slime4j.core.config.UNetConfig;
import org.slime4j.core.config.VaeConfig;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.engine.Precision;
import org.slime4j.core.slime.Adam;
import org.slime4j.core.slime.Rows;
import org.slime4j.core.slime.Segmenter;
import org.slime4j.core.slime.Randomness;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.TextContext;
import org.slime4j.core.slime.Trace;
import org.slime4j.core.slime.TrainStep;
import org.slime4j.core.slime.Trainer;

/**
 * Seconds per training step, per segmentation and per training step with a segmentation, each with its peak RSS,
 * for the tiny fixture or a random-weight model of the real SD-2.1-base size (built in memory). Not a test: run it in
 * its own JVM.
 *
 * <pre>
 * mvn -q compile exec:java -Dexec.mainClass=org.slime4j.bench.SlimeBench \
 *     -Dexec.args="tiny ../shared/fixtures/tiny-sd1 [key=value ...]"
 * mvn -q compile exec:java -Dexec.mainClass=org.slime4j.bench.SlimeBench \
 *     -Dexec.args="sd21 ../shared/fixtures/tiny-sd1/tokenizer [key=value ...]"
 * </pre>
 * Keys (defaults): {@code steps=3 segmentations=3 device=cpu slice=0} (attention slice rows), {@code size=512} (S,
 * sd21 only), {@code crops=1} (n: segment n×n crops of side 3S/4), {@code batch=1} (crops per pass),
 * {@code precision=fp32} (fp16: the UNet in half precision, segmentation only: give {@code steps=0}),
 * {@code epochs=0} (then training as users run it: that many epochs, each a step and the reference's per-epoch
 * validation, seconds per epoch; {@code steps=0 segmentations=0} to run only that), {@code ops=0} (1: then one
 * more training step and segmentation under libtorch's profiler: the engine calls of each and the host time per
 * call, {@link OpCount}).
 */
public final class SlimeBench {
    private SlimeBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || (args.length < 2 && !args[0].equals("flops"))) {
            System.err.println("usage: SlimeBench tiny FIXTURE_DIR | sd21 TOKENIZER_DIR [key=value ...] | flops -");
            System.exit(2);
        }
        if (args[0].equals("flops")) {
            flops();
            return;
        }
        java.util.Map<String, String> kv = new java.util.HashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("expected key=value, got " + args[i]);
            }
            kv.put(pair[0], pair[1]);
        }
        int steps = Integer.parseInt(kv.getOrDefault("steps", "3"));
        int segmentations = Integer.parseInt(kv.getOrDefault("segmentations", "3"));
        Execution execution = new Execution(DeviceChoice.parse(kv.getOrDefault("device", "cpu")),
                Precision.parse(kv.getOrDefault("precision", "fp32")), Integer.parseInt(kv.getOrDefault("slice", "0")),
                Integer.parseInt(kv.getOrDefault("batch", "1")), false);
        long t0 = System.nanoTime();
        StableDiffusion sd;
        int s;
        if (args[0].equals("tiny")) {
            sd = StableDiffusion.load(Path.of(args[1]), execution);
            s = 64;
        } else {
            sd = sd21(Path.of(args[1]), execution);
            s = Integer.parseInt(kv.getOrDefault("size", "512"));
        }
        System.out.printf("%s: model ready in %.1f s, S = %d, device %s%n", args[0], (System.nanoTime() - t0) / 1e9, s,
                sd.manager().getDevice());
        try (sd) {
            run(sd, s, steps, segmentations, Integer.parseInt(kv.getOrDefault("crops", "1")),
                    kv.getOrDefault("ops", "0").equals("1"));
            int epochs = Integer.parseInt(kv.getOrDefault("epochs", "0"));
            if (epochs > 0) {
                fullTraining(sd, s, epochs);
            }
        }
    }

    static UNetConfig sd21Unet() {
        int[] ch = {320, 640, 1280, 1280};
        return new UNetConfig(4, 4, ch,
                List.of("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
                List.of("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"), 2,
                new int[] {5, 10, 20, 20}, 1024, 32, 1e-5, true, true, true, 0, 1, 1.0, 1);
    }

    static VaeConfig sd21Vae() {
        return new VaeConfig(3, 4, new int[] {128, 256, 512, 512}, 2, 32, 0.18215);
    }

    /**
     * The FLOP count of a training step (VAE, the unconditional and the text UNet pass, and the backward pass to
     * the context, which costs about one more forward pass since no weight gradients are formed) and of a
     * segmentation (VAE and one text pass) at SD-2.1 size, S = 512, and this machine's fp32 rates: the bound.
     */
    static void flops() {
        double unet = FlopCount.unet(sd21Unet(), 64, 64, 77);
        double vae = FlopCount.vaeEncoder(sd21Vae(), 512, 512);
        double train = vae + 3 * unet;
        double segment = vae + unet;
        System.out.printf("SD-2.1 size, S = 512: UNet forward %.0f GFLOP, VAE encoder %.0f GFLOP%n", unet / 1e9,
                vae / 1e9);
        System.out.printf("training step %.2f TFLOP, segmentation %.2f TFLOP%n", train / 1e12, segment / 1e12);
        double matmul;
        double conv;
        try (NDManager m = NDManager.newBaseManager(DeviceChoice.CPU.resolve())) {
            NDArray a = m.randomNormal(new Shape(2048, 2048));
            NDArray x = m.randomNormal(new Shape(1, 320, 64, 64));
            NDArray w = m.randomNormal(new Shape(320, 320, 3, 3));
            NDArray b = m.zeros(new Shape(320));
            matmul = rate(() -> a.matMul(a).close(), 2.0 * 2048 * 2048 * 2048);
            conv = rate(() -> ai.djl.nn.convolutional.Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(1, 1))
                    .close(), FlopCount.conv(320, 320, 3, 64, 64));
        }
        System.out.printf("this machine, fp32: matmul 2048² %.0f GFLOP/s, conv 3×3 320->320 at 64² %.0f GFLOP/s%n",
                matmul / 1e9, conv / 1e9);
        System.out.printf("bound: training step %.1f-%.1f s, segmentation %.1f-%.1f s%n", train / conv, train / matmul,
                segment / conv, segment / matmul);
    }

    private static double rate(Runnable op, double flop) {
        op.run();
        long t = System.nanoTime();
        int n = 5;
        for (int i = 0; i < n; i++) {
            op.run();
        }
        return flop * n / ((System.nanoTime() - t) / 1e9);
    }

    /**
     * Training as users run it: a one-shot training of {@code epochs} epochs, each a training step and the
     * validation segmentation of the training image (as SLiMe Train and the reference run them), with the seconds of
     * each epoch, of the first and the mean of the others (the first also encodes what later epochs keep).
     */
    static void fullTraining(StableDiffusion sd, int s, int epochs) {
        SlimeOptions o = SlimeOptions.defaults().with(WORKING_SIZE, s).with(EPOCHS, epochs);   // augmented, as default
        TextContext text = TextContext.encode(sd, 3, null);
        sd.releaseTextEncoder();                                                 // as Slime.train does
        List<Trainer.Pair> pairs = List.of(DeviceCheck.sample(s, s));
        long t = System.nanoTime();
        double[] seconds = new double[epochs];
        long[] last = {t};
        Trainer.Outcome outcome = Trainer.train(new Trainer.Setup(sd, text, o, pairs, pairs,
                new Trainer.Settings(false, 0)), Randomness.seeded(2), null, new Trainer.Listener() {
                    @Override
                    public void epoch(int epoch, double loss, double iou, boolean best) {
                        long now = System.nanoTime();
                        seconds[epoch - 1] = (now - last[0]) / 1e9;
                        last[0] = now;
                        System.out.printf("epoch %d: %.1f s%n", epoch, seconds[epoch - 1]);
                    }
                }, () -> false);
        double later = epochs < 2 ? Double.NaN : java.util.Arrays.stream(seconds, 1, epochs).average().orElseThrow();
        System.out.printf("RESULT training as users run it, S=%d, %d epochs with validation: %.1f s in all, first "
                + "epoch %.1f s, later epochs %.1f s each (best epoch %d), peak RSS %.2f GB%n", s, epochs,
                (System.nanoTime() - t) / 1e9, seconds[0], later, outcome.bestEpoch(), peakGb());
    }

    static StableDiffusion sd21(Path tokenizer, Execution execution) {
        UNetConfig unet = sd21Unet();
        VaeConfig vae = sd21Vae();
        ClipTextConfig text = new ClipTextConfig(49408, 1024, 4096, 23, 16, 77, 1e-5, "gelu");
        return StableDiffusion.random(text, unet, vae, new SchedulerConfig(1000, 0.00085, 0.012, "scaled_linear"),
                tokenizer, execution);
    }

    /**
     * Training steps, segmentations, then training steps each followed by a segmentation of the training image (the
     * reference logs one per step: like for like). Each phase starts with one warm-up (not counted) and reports its
     * own peak RSS (the high-water mark is reset between phases).
     */
    static void run(StableDiffusion sd, int s, int steps, int segmentations, int crops, boolean ops) {
        int k = 3;
        int l = s / 8;
        SlimeOptions o = SlimeOptions.defaults().with(WORKING_SIZE, s).with(AUGMENT, false);
        TextContext text = TextContext.encode(sd, k, null);
        sd.releaseTextEncoder();                                                 // as Slime.train does
        Randomness random = Randomness.seeded(1);
        int[] mask = new int[l * l];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (i % l) * k / l;
        }
        try (NDManager m = sd.manager().newSubManager()) {
            NDArray image = m.randomUniform(0, 1, new Shape(1, 3, s, s));
            NDArray[] vectors = {Rows.toDevice(m, text.initialVectors())};          // on the device, as Trainer keeps them
            Adam adam = new Adam(m, o.learningRate(), k - 1, text.width());
            Runnable step = () -> {
                try (NDManager sm = sd.manager().newSubManager()) {
                    TrainStep.OnDevice r = TrainStep.run(sd, text, o, image, mask, random.timestep(5, 100),
                            random.normal(sm, new Shape(1, 4, l, l)), random.normal(sm, new Shape(1, 4, l, l)),
                            vectors[0], Trace.NONE);
                    NDArray next = adam.step(vectors[0], r.gradients());
                    r.gradients().close();
                    vectors[0].close();
                    vectors[0] = next;
                }
            };
            SlimeOptions cropped = crops == 1 ? o : o.with(PATCHES_PER_SIDE, crops).with(PATCH_SIZE, s * 3 / 4);
            Runnable segment = () -> new Segmenter(sd, text, vectors[0], cropped).segment(image, s, random, Trace.NONE);
            double train = phase("train step", steps, step);
            double seg = phase("segmentation", segmentations, segment);
            double both = phase("train step + segmentation", steps, () -> {
                step.run();
                segment.run();
            });
            System.out.printf("RESULT S=%d, attention slice %d, %d×%d crops, %d per pass: %.3f s per training step, "
                    + "%.3f s per segmentation, %.3f s per training step with a segmentation (means after one "
                    + "warm-up)%n", s, sd.execution().attentionSlice(), crops, crops, sd.execution().cropsPerPass(), train, seg,
                    both);
            if (ops) {
                System.out.println(OpCount.of(step).describe("training step", train));
                System.out.println(OpCount.of(segment).describe("segmentation", seg));
            }
        }
    }

    /** Runs {@code op} once to warm up, then {@code n} times; prints each time and the phase's peak RSS. */
    private static double phase(String name, int n, Runnable op) {
        if (n <= 0) {
            return Double.NaN;
        }
        resetPeak();
        double sum = 0;
        for (int i = 0; i <= n; i++) {
            long a = System.nanoTime();
            op.run();
            double sec = (System.nanoTime() - a) / 1e9;
            System.out.printf("%s %d: %.3f s, peak RSS %.2f GB, RSS after %.2f GB (Java heap %.2f GB)%n", name, i,
                    sec, peakGb(), rssGb("VmRSS:"), Runtime.getRuntime().totalMemory() / 1e9);
            if (i > 0) {
                sum += sec;
            }
        }
        System.out.printf("PHASE %s: %.3f s (mean of %d), peak RSS %.2f GB%n", name, sum / n, n, peakGb());
        return sum / n;
    }

    /** Resets this process's RSS high-water mark (Linux: "5" to /proc/self/clear_refs); ignored elsewhere. */
    static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (Exception e) {
            System.out.println("(peak RSS cannot be reset here: figures are the process's peak so far)");
        }
    }

    /** VmHWM of this process, in GB (Linux); NaN elsewhere. */
    static double peakGb() {
        return rssGb("VmHWM:");
    }

    private static double rssGb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1e6;
                }
            }
        } catch (Exception e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
