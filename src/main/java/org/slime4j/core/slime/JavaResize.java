package org.slime4j.core.slime;

/** PyTorch's {@code upsample_bilinear2d} (align_corners=False, no antialias) on one plane, in Java floats. */
final class JavaResize {
    private JavaResize() {
    }

    static float[] bilinear(float[] in, int h, int w, int outH, int outW) {
        float[] out = new float[outH * outW];
        float sh = (float) h / outH;
        float sw = (float) w / outW;
        for (int y = 0; y < outH; y++) {
            float ry = Math.max(sh * (y + 0.5f) - 0.5f, 0f);
            int y0 = (int) ry;
            int yp = y0 < h - 1 ? 1 : 0;
            float ly1 = ry - y0;
            float ly0 = 1f - ly1;
            for (int x = 0; x < outW; x++) {
                float rx = Math.max(sw * (x + 0.5f) - 0.5f, 0f);
                int x0 = (int) rx;
                int xp = x0 < w - 1 ? 1 : 0;
                float lx1 = rx - x0;
                float lx0 = 1f - lx1;
                out[y * outW + x] = ly0 * (lx0 * in[y0 * w + x0] + lx1 * in[y0 * w + x0 + xp])
                        + ly1 * (lx0 * in[(y0 + yp) * w + x0] + lx1 * in[(y0 + yp) * w + x0 + xp]);
            }
        }
        return out;
    }
}
