package org.slime4j.core.slime;

/**
 * How an image of any size is brought to the working size S.
 *
 * <ul>
 *   <li>{@code squeeze} (the reference): the whole image is resized to S×S, whatever its shape;</li>
 *   <li>{@code tiles}: the image is scaled by {@code scale} (1: one image pixel per working pixel), padded to at least
 *       S×S by repeating its border, and cut into S×S tiles overlapping by {@code overlap} (a fraction of S); each
 *       tile's part scores are blended with weights falling linearly towards the tile border, so small structures
 *       keep their pixels and non-square images are not distorted.</li>
 * </ul>
 *
 * @param tiled   false: squeeze
 * @param scale   image scale before tiling, in (0, 16]
 * @param overlap fraction of S shared by neighbouring tiles, in [0, 0.9]
 */
public record Tiling(boolean tiled, double scale, double overlap) {
    public Tiling {
        if (!(scale > 0 && scale <= 16)) {
            throw new IllegalArgumentException("tile scale must be in (0, 16], got " + scale);
        }
        if (!(overlap >= 0 && overlap <= 0.9)) {
            throw new IllegalArgumentException("tile overlap must be in [0, 0.9], got " + overlap);
        }
    }

    public static Tiling squeeze() {
        return new Tiling(false, 1, 0);
    }

    public static Tiling tiles(double scale, double overlap) {
        return new Tiling(true, scale, overlap);
    }

    /**
     * The one parser of a tiling, shared by every front end: {@code mode} "squeeze" or "tiles" (any case), with the
     * scale and overlap used by tiles. Anything else is an error naming the value.
     */
    public static Tiling parse(String mode, double scale, double overlap) {
        String m = mode == null ? "" : mode.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (m) {
            case "squeeze" -> squeeze();
            case "tiles" -> tiles(scale, overlap);
            default -> throw new IllegalArgumentException("tiling '" + mode + "' is not squeeze or tiles");
        };
    }

    /** Tile origins along one axis of length {@code n ≥ s}: evenly spaced, the last flush with the end. */
    static int[] origins(int n, int s, double overlap) {
        if (n <= s) {
            return new int[] {0};
        }
        int stride = Math.max(1, (int) Math.round(s * (1 - overlap)));
        int count = (int) Math.ceil((n - s) / (double) stride) + 1;
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = (int) Math.round(i * (n - s) / (double) (count - 1));
        }
        return out;
    }
}
