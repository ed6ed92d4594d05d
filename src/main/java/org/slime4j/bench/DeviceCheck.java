package org.slime4j.bench;

import static org.slime4j.core.slime.SlimeOption.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.slime.LabelImage;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.RgbImage;
import org.slime4j.core.slime.Segmented;
import org.slime4j.core.slime.Rows;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trainer;

/**
 * The GPU path against the CPU on a small model (the tiny fixture): the same seeded training on both devices (every
 * step's losses and gradients, the final vectors), then the CPU's learned parts segmenting one image on both
 * (labels, scores). Prints one line per check with its relative error, max|a-b|/max|a|, and exits 1 when one fails
 * (bound 1e-3; labels must be equal). A maintainer runs it on a CUDA machine:
 *
 * <pre>
 * java -cp target/slime-cli.jar org.slime4j.bench.DeviceCheck ../shared/fixtures/tiny-sd1 gpu
 * </pre>
 * With {@code cpu} as the device it compares the CPU with itself (all errors 0): the dry run the tests do.
 */
public final class DeviceCheck {
    static final double BOUND = 1e-3;

    private DeviceCheck() {
    }

    /** One comparison: its name, the relative error, and whether it passed. */
    public record Check(String name, double error, boolean passed) {
        @Override
        public String toString() {
            return String.format("check %-28s %.2e %s", name, error, passed ? "PASS" : "FAIL");
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DeviceCheck MODEL_FOLDER [gpu|cpu|auto]");
            System.exit(2);
        }
        List<Check> checks;
        try {
            checks = run(Path.of(args[0]), DeviceChoice.parse(args.length > 1 ? args[1] : "gpu"));
        } catch (IllegalStateException e) {
            System.out.println("device check: " + e.getMessage());
            System.exit(2);
            return;
        }
        checks.forEach(System.out::println);
        long failed = checks.stream().filter(c -> !c.passed()).count();
        System.out.println(failed == 0 ? "device check: all " + checks.size() + " passed"
                : "device check: " + failed + " of " + checks.size() + " FAILED");
        System.exit(failed == 0 ? 0 : 1);
    }

    public static List<Check> run(Path model, DeviceChoice device) throws Exception {
        SlimeOptions o = SlimeOptions.defaults().with(WORKING_SIZE, 64).with(EPOCHS, 3).with(AUGMENT, false)
                .with(PATCH_THRESHOLD, 0.0).with(SEED, 11);
        Trainer.Pair pair = sample(64, 64);
        List<String> parts = List.of("background", "disk", "square");
        Run cpu = train(model, DeviceChoice.CPU, o, pair, parts);
        Run other = train(model, device, o, pair, parts);
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < cpu.losses.size(); i++) {
            checks.add(relative("step " + (i + 1) + " loss", cpu.losses.get(i), other.losses.get(i)));
            checks.add(relative("step " + (i + 1) + " gradients", cpu.gradients.get(i), other.gradients.get(i)));
        }
        checks.add(relative("vectors after training", Rows.flat(cpu.parts.vectors()), Rows.flat(other.parts.vectors())));
        RgbImage image = sample(80, 72).image();
        Segmented a;
        Segmented b;
        try (Slime s = Slime.open(model, DeviceChoice.CPU)) {
            a = s.segment(cpu.parts, image, Tiling.squeeze(), 3, true);
        }
        try (Slime s = Slime.open(model, device)) {
            b = s.segment(cpu.parts, image, Tiling.squeeze(), 3, true);
        }
        int differing = 0;
        for (int i = 0; i < a.labels().length; i++) {
            differing += a.labels()[i] == b.labels()[i] ? 0 : 1;
        }
        checks.add(new Check("segmentation labels", differing / (double) a.labels().length, differing == 0));
        checks.add(relative("segmentation scores", a.scores(), b.scores()));
        return checks;
    }

    private record Run(LearnedParts parts, List<float[]> losses, List<float[]> gradients) {
    }

    private static Run train(Path model, DeviceChoice device, SlimeOptions o, Trainer.Pair pair,
                                 List<String> parts) throws Exception {
        List<float[]> losses = new ArrayList<>();
        List<float[]> gradients = new ArrayList<>();
        try (Slime s = Slime.open(model, device)) {
            LearnedParts learned = s.train(new Slime.TrainingRequest(parts, null, List.of(pair), false,
                    InputMapping.REFERENCE, 0), o, new Trainer.Listener() {
                        @Override
                        public boolean wantsStepDetails() {
                            return true;
                        }

                        @Override
                        public void step(Trainer.StepReport r) {
                            losses.add(new float[] {r.result().loss1(), r.result().loss2(), r.result().sdLoss(),
                                r.result().loss()});
                            gradients.add(Rows.flat(r.result().gradients()));
                        }
                    }, () -> false).parts();
            return new Run(learned, losses, gradients);
        }
    }

    static Check relative(String name, float[] expected, float[] actual) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        double error = diff / Math.max(scale, 1e-12);
        return new Check(name, error, expected.length == actual.length && error <= BOUND);
    }

    /** A disk (label 1) and a square (label 2) on a dark background, w×h: the tests' sample too. */
    public static Trainer.Pair sample(int w, int h) {
        float[] rgb = new float[3 * w * h];
        int[] labels = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int label = Math.hypot(x - w * 0.3, y - h * 0.35) < Math.min(w, h) * 0.18 ? 1
                        : x > w * 0.55 && x < w * 0.85 && y > h * 0.5 && y < h * 0.85 ? 2 : 0;
                labels[y * w + x] = label;
                float[] colour = label == 1 ? new float[] {0.9f, 0.3f, 0.2f}
                        : label == 2 ? new float[] {0.2f, 0.4f, 0.9f} : new float[] {0.1f, 0.1f, 0.1f};
                for (int c = 0; c < 3; c++) {
                    rgb[(c * h + y) * w + x] = colour[c] + 0.02f * (float) Math.sin(x * 0.7 + y * 1.3 + c);
                }
            }
        }
        return new Trainer.Pair(new RgbImage(w, h, rgb), new LabelImage(w, h, labels));
    }
}
