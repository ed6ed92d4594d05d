package org.slime4j.bench;

import org.slime4j.core.config.UNetConfig;
import org.slime4j.core.config.VaeConfig;

/**
 * Floating-point operations of one UNet forward pass and one VAE encoding, counted from the configs as SLiMe runs
 * them: convolutions {@code 2·Cin·Cout·k²·Hout·Wout}, linear layers {@code 2·in·out·tokens}, attention
 * {@code 4·Q·K·C} (q·kᵀ and the weighted sum of v). A multiply-add is two operations; norms, activations, softmax
 * and additions (a few percent) are left out, so this is a lower bound of the work.
 */
public final class FlopCount {
    private FlopCount() {
    }

    static double conv(int in, int out, int k, long h, long w) {
        return 2.0 * in * out * k * k * h * w;
    }

    static double linear(int in, int out, long tokens) {
        return 2.0 * in * out * tokens;
    }

    static double attention(long q, long k, int c) {
        return 4.0 * q * k * c;
    }

    static double resnet(int in, int out, long h, long w) {
        return conv(in, out, 3, h, w) + conv(out, out, 3, h, w) + (in != out ? conv(in, out, 1, h, w) : 0);
    }

    static double transformer(int c, int cross, int context, long h, long w) {
        long t = h * w;
        double proj = 2 * linear(c, c, t);
        double self = 4 * linear(c, c, t) + attention(t, t, c);
        double crossAttn = 2 * linear(c, c, t) + 2 * linear(cross, c, context) + attention(t, context, c);
        double ff = linear(c, 8 * c, t) + linear(4 * c, c, t);
        return proj + self + crossAttn + ff;
    }

    /** One UNet forward pass of one item at latent size h × w with a context of {@code context} tokens. */
    public static double unet(UNetConfig c, long h, long w, int context) {
        int[] ch = c.blockOutChannels();
        int n = ch.length;
        int layers = c.layersPerBlock();
        double f = conv(c.inChannels(), ch[0], 3, h, w);
        long[] hs = new long[n];
        long[] ws = new long[n];
        long rh = h;
        long rw = w;
        int out = ch[0];
        for (int i = 0; i < n; i++) {
            hs[i] = rh;
            ws[i] = rw;
            int in = out;
            out = ch[i];
            for (int j = 0; j < layers; j++) {
                f += resnet(j == 0 ? in : out, out, rh, rw);
                if (c.downBlockTypes().get(i).startsWith("CrossAttn")) {
                    f += transformer(out, c.crossAttentionDim(), context, rh, rw);
                }
            }
            if (i < n - 1) {
                rh = (rh + 1) / 2;
                rw = (rw + 1) / 2;
                f += conv(out, out, 3, rh, rw);
            }
        }
        f += 2 * resnet(ch[n - 1], ch[n - 1], rh, rw) + transformer(ch[n - 1], c.crossAttentionDim(), context, rh, rw);
        out = ch[n - 1];
        for (int i = 0; i < n; i++) {
            int prev = out;
            out = ch[n - 1 - i];
            int in = ch[Math.max(n - 2 - i, 0)];
            long bh = hs[n - 1 - i];
            long bw = ws[n - 1 - i];
            for (int j = 0; j <= layers; j++) {
                f += resnet((j == 0 ? prev : out) + (j == layers ? in : out), out, bh, bw);
                if (c.upBlockTypes().get(i).startsWith("CrossAttn")) {
                    f += transformer(out, c.crossAttentionDim(), context, bh, bw);
                }
            }
            if (i < n - 1) {
                f += conv(out, out, 3, hs[n - 2 - i], ws[n - 2 - i]);
            }
        }
        return f + conv(ch[0], c.outChannels(), 3, h, w);
    }

    /** One VAE encoding of an image h × w. */
    public static double vaeEncoder(VaeConfig c, long h, long w) {
        int[] ch = c.blockOutChannels();
        double f = conv(c.inChannels(), ch[0], 3, h, w);
        long rh = h;
        long rw = w;
        int out = ch[0];
        for (int i = 0; i < ch.length; i++) {
            int in = out;
            out = ch[i];
            for (int j = 0; j < c.layersPerBlock(); j++) {
                f += resnet(j == 0 ? in : out, out, rh, rw);
            }
            if (i < ch.length - 1) {
                rh /= 2;
                rw /= 2;
                f += conv(out, out, 3, rh, rw);
            }
        }
        int last = ch[ch.length - 1];
        long t = rh * rw;
        f += 2 * resnet(last, last, rh, rw) + 4 * linear(last, last, t) + attention(t, t, last);
        return f + conv(last, 2 * c.latentChannels(), 3, rh, rw) + conv(2 * c.latentChannels(),
                2 * c.latentChannels(), 1, rh, rw);
    }
}
