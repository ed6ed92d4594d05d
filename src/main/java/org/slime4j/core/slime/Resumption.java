package org.slime4j.core.slime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slime4j.core.model.ModelIdentity;

/**
 * Where a training that continues a {@code .slime} file starts: its parts checked against the new ones (the same,
 * or new parts added after them, which start from fresh vectors), its last state and random draws (so that M more
 * epochs equal an uninterrupted N+M when nothing else changes), and its lineage, to which the new round is added.
 *
 * @param state   the trainer's start
 * @param random  the random draws to go on with
 * @param lineage the rounds so far, the parent's included
 * @param parent  the parent file's SHA-256
 */
record Resumption(Trainer.State state, Randomness.Seeded random, List<Continuation.Round> lineage,
                  List<EpochRecord> history, String parent) {
    /**
     * @param file    the parent {@code .slime} file
     * @param names   the new training's part names
     * @param text    the new training's context (for fresh vectors of added parts)
     * @param model   the base model now open
     * @param seed    the seed for fresh draws when the file keeps none
     */
    public static Resumption of(Path file, List<String> names, TextContext text, ModelIdentity model, long seed)
            throws IOException {
        LearnedParts from = LearnedParts.load(file);
        if (!from.baseModel().fingerprint().equals(model.fingerprint())) {
            throw new IllegalArgumentException("Learned parts " + file + " were learned on '" + from.baseModel().name()
                    + "', not on the base model open now ('" + model.name() + "'): continue on that model.");
        }
        List<String> old = from.partNames();
        if (names.size() < old.size() || !names.subList(0, old.size()).equals(old)) {
            throw new IllegalArgumentException("Learned parts " + file + " have the parts " + old + "; continue with "
                    + "the same parts, or add new ones after them (got " + names + ").");
        }
        Continuation c = from.continuation();
        List<Continuation.Round> lineage = new ArrayList<>(c == null ? List.of() : c.lineage());
        String parent = sha256(file);
        float[][] fresh = text.initialVectors();
        if (c != null && names.size() == old.size()) {
            return new Resumption(c.state(), Randomness.Seeded.restore(c.random()), lineage, c.history(), parent);
        }
        int rows = names.size() - 1;
        int width = fresh[0].length;
        float[][] vectors = new float[rows][];
        float[][] m = new float[rows][width];
        float[][] v = new float[rows][width];
        float[][] kept = c == null ? from.vectors() : c.state().vectors();
        for (int i = 0; i < rows; i++) {
            vectors[i] = i < kept.length ? kept[i].clone() : fresh[i];
            if (c != null && i < kept.length) {
                m[i] = c.state().adamM()[i].clone();
                v[i] = c.state().adamV()[i].clone();
            }
        }
        Trainer.State start = new Trainer.State(vectors, m, v, c == null ? 0 : c.state().adamSteps(),
                c == null ? 0 : c.state().epochs(), vectors, 0, Double.NEGATIVE_INFINITY);
        return new Resumption(start, c == null ? Randomness.seeded(seed) : Randomness.Seeded.restore(c.random()),
                lineage, c == null ? List.of() : c.history(), parent);
    }

    /** The first 16 hex digits of a file's SHA-256. */
    static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    /**
     * Whether the parent's last round trained on these very images and annotations: then its best epoch was measured
     * on what this round measures, and stays comparable. Unknown (a file without mask hashes) counts as other data.
     */
    boolean sameData(List<String> images, List<String> masks) {
        if (lineage.isEmpty()) {
            return false;
        }
        Continuation.Round last = lineage.get(lineage.size() - 1);
        return images.equals(last.images()) && last.masks() != null && masks.equals(last.masks());
    }

    /** The first 16 hex digits of the SHA-256 of a mask's labels (what training was told). */
    public static String sha256(LabelImage mask) {
        MessageDigest md = digest();
        ByteBuffer b = ByteBuffer.allocate(4 * mask.labels().length + 8);
        b.putInt(mask.width()).putInt(mask.height());
        b.asIntBuffer().put(mask.labels());                          // the view starts after the two sizes
        b.rewind();
        md.update(b);
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    /** The first 16 hex digits of the SHA-256 of an image's RGB values (what training saw). */
    public static String sha256(RgbImage image) {
        MessageDigest md = digest();
        ByteBuffer b = ByteBuffer.allocate(4 * image.data().length);
        b.asFloatBuffer().put(image.data());
        md.update(b);
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
