package org.slime4j.core;

import org.slime4j.core.slime.Segmented;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The confidence map from part scores, against margins worked out by hand. */
class ConfidenceTest {
    @Test
    void theMarginBetweenTheBestAndTheSecondBestScoreClippedToZeroToOne() {
        // three parts, a 2×2 image; scores [K, H, W]
        float[] scores = {
            0.9f, 0.2f, 0.5f, 2.0f,        // background
            0.1f, 0.2f, 0.4f, -1.f,        // part 1
            0.3f, 0.1f, 0.45f, 0.5f,       // part 2
        };
        Segmented s = new Segmented(2, 2, new int[4], List.of("background", "a", "b"), scores);
        // pixel 0: 0.9-0.3; pixel 1: a tie at 0.2; pixel 2: 0.5-0.45; pixel 3: 2.0-0.5 clipped to 1
        assertArrayEquals(new float[] {0.9f - 0.3f, 0f, 0.5f - 0.45f, 1f}, s.confidence(), 1e-7f);
        assertEquals(IllegalStateException.class, assertThrows(IllegalStateException.class,
                () -> new Segmented(1, 1, new int[1], List.of("background", "a"), null).confidence())
                .getClass());
    }
}
