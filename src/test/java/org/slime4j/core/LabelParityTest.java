package org.slime4j.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The parity tests' label check tells a tie from a change: on reference scores of 3 parts over 4096 pixels, a
 * flipped pixel whose two best scores are far apart fails it, a flipped pixel whose two best scores differ by less
 * than the score tolerance passes, and more near-tie flips than 0.1% of the pixels fail.
 */
class LabelParityTest {
    private static final int N = 4096;
    private static final int K = 3;

    /** Scores [K, N] with a clear winner at every pixel but the first five, where parts 1 and 2 differ by 3e-6. */
    private static float[] scores() {
        float[] s = new float[K * N];
        for (int p = 0; p < N; p++) {
            int winner = p % K;
            for (int c = 0; c < K; c++) {
                s[c * N + p] = c == winner ? 0.9f : 0.1f * c;
            }
        }
        for (int p = 0; p < 5; p++) {
            s[p] = 0;
            s[N + p] = 0.5f;
            s[2 * N + p] = 0.5f + 3e-6f;
        }
        return s;
    }

    private static int[] argmax(float[] s) {
        int[] labels = new int[N];
        for (int p = 0; p < N; p++) {
            for (int c = 1; c < K; c++) {
                if (s[c * N + p] > s[labels[p] * N + p]) {
                    labels[p] = c;
                }
            }
        }
        return labels;
    }

    @Test
    void aClearFlipFailsANearTieFlipPasses() {
        float[] scores = scores();
        int[] reference = argmax(scores);
        assertTrue(reference[0] == 2 && reference[100] == 100 % K);
        Fixture.assertLabels("identical", reference.clone(), reference, scores, 1e-4);

        int[] nearTie = reference.clone();
        nearTie[0] = 1;                                                   // 3e-6 below the winner: a tie at 1e-4
        Fixture.assertLabels("near-tie flip", nearTie, reference, scores, 1e-4);

        int[] clear = reference.clone();
        clear[100] = (clear[100] + 1) % K;                                // 0.8 below the winner
        assertThrows(AssertionFailedError.class, () -> Fixture.assertLabels("clear flip", clear, reference, scores,
                1e-4));

        int[] manyTies = reference.clone();
        for (int p = 0; p < 5; p++) {
            manyTies[p] = 1;                                              // 5 > 0.1% of 4096
        }
        assertThrows(AssertionFailedError.class, () -> Fixture.assertLabels("many near-tie flips", manyTies,
                reference, scores, 1e-4));
    }
}
