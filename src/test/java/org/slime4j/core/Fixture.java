package org.slime4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.slime4j.core.weights.SafeTensors;
import org.slime4j.core.weights.TensorInfo;

/**
 * The golden fixture of the parity tests: the folder named by {@code SLIME_FIXTURE} (default
 * {@code ../shared/fixtures/tiny-sd1}). Absent, the tests skip, except under {@code CI}, where they fail.
 * Every size, prompt and tensor name is taken from the folder's own files.
 */
public final class Fixture {
    private Fixture() {
    }

    public static Path dir() {
        String env = System.getenv("SLIME_FIXTURE");
        return Path.of(env != null && !env.isBlank() ? env : "../shared/fixtures/tiny-sd1").toAbsolutePath().normalize();
    }

    /** The fixture folder, or skips the test (fails it under CI) when there is none. */
    public static Path require() {
        Path dir = dir();
        if (Files.isRegularFile(dir.resolve("golden.safetensors"))) {
            return dir;
        }
        String message = "golden fixture not found at " + dir + " (set SLIME_FIXTURE)";
        if (System.getenv("CI") != null && !System.getenv("CI").isBlank()) {
            fail(message + "; under CI the parity tests must run");
        }
        Assumptions.abort(message);
        return dir;
    }

    public static SafeTensors golden() throws IOException {
        return SafeTensors.open(require().resolve("golden.safetensors"));
    }

    /** The golden tensor {@code name} as an fp32 array with its shape. */
    public static NDArray array(NDManager m, SafeTensors golden, String name) throws IOException {
        TensorInfo t = golden.info(name);
        if (t.dtype().isFloat()) {
            return m.create(golden.readFloats(name), new Shape(t.shape()));
        }
        return m.create(golden.readLongs(name), new Shape(t.shape()));
    }

    /** The prompts of golden.md's "Prompts" list, Python string escapes decoded. */
    public static List<String> prompts() throws IOException {
        String md = Files.readString(require().resolve("golden.md"), StandardCharsets.UTF_8);
        String section = md.substring(md.indexOf("## Prompts"));
        section = section.substring(0, section.indexOf("\n## ", 5) < 0 ? section.length() : section.indexOf("\n## ", 5));
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\d+\\. `\"(.*)\"`\\s*$").matcher(section);
        while (m.find()) {
            out.add(unescape(m.group(1)));
        }
        return out;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(switch (n) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Asserts max|a-b| / max|b| ≤ tol and prints the figure, the per-tensor report the parity tests promise. */
    public static double assertClose(String name, float[] actual, float[] expected, double tol) {
        assertEquals(expected.length, actual.length, name + ": element count");
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!Float.isFinite(actual[i])) {
                fail(name + ": non-finite value " + actual[i] + " at " + i);
            }
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        double rel = maxRef == 0 ? maxDiff : maxDiff / maxRef;
        System.out.printf("parity %s max|a-b|/max|b| = %.3e%n", name, rel);
        if (rel > tol) {
            fail(String.format("%s: max|a-b|/max|b| = %.3e exceeds %.1e", name, rel, tol));
        }
        return rel;
    }

    /**
     * Labels against the reference's where its decision is clear: at every pixel whose two best reference scores
     * ({@code scores} [K, pixels]) differ by more than {@code tol} × their largest magnitude (the score maps'
     * tolerance), the labels must be equal; at near-ties they may differ (a reordered sum decides them), in at most
     * 0.1% of the pixels. Prints how many near-ties there are and how many differ.
     */
    public static void assertLabels(String name, int[] actual, int[] reference, float[] scores, double tol) {
        assertEquals(reference.length, actual.length, name + ": pixel count");
        int n = reference.length;
        int k = scores.length / n;
        assertEquals(k * n, scores.length, name + ": scores are [K, pixels]");
        double maxRef = 0;
        for (float v : scores) {
            maxRef = Math.max(maxRef, Math.abs(v));
        }
        double clear = tol * maxRef;
        int ties = 0;
        int tiesDiffer = 0;
        for (int p = 0; p < n; p++) {
            double best = Double.NEGATIVE_INFINITY;
            double second = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double v = scores[c * n + p];
                if (v > best) {
                    second = best;
                    best = v;
                } else if (v > second) {
                    second = v;
                }
            }
            boolean tie = best - second <= clear;
            if (tie) {
                ties++;
                tiesDiffer += actual[p] != reference[p] ? 1 : 0;
            } else if (actual[p] != reference[p]) {
                fail(String.format("%s: pixel %d is %d, the reference's %d, where its two best scores differ by %.3e "
                        + "(> %.3e: a clear decision)", name, p, actual[p], reference[p], best - second, clear));
            }
        }
        System.out.printf("parity %s: equal at every clear pixel; %d near-tie pixel(s) (margin <= %.1e), %d differ%n",
                name, ties, clear, tiesDiffer);
        if (tiesDiffer > 0.001 * n) {
            fail(name + ": " + tiesDiffer + " near-tie pixels differ, more than 0.1% of " + n);
        }
    }

    public static double assertClose(String name, NDArray actual, NDArray expected, double tol) {
        assertEquals(expected.getShape(), actual.getShape(), name + ": shape");
        return assertClose(name, actual.toFloatArray(), expected.toFloatArray(), tol);
    }
}
