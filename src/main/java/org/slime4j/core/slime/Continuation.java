package org.slime4j.core.slime;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slime4j.core.weights.SafeTensors;
import org.slime4j.core.weights.SafeTensorsWriter;

/**
 * What a {@code .slime} file keeps so that training can go on from it: the last epoch's vectors and Adam's state
 * beside the kept (best) ones, the random generators' state, the epochs run, the best epoch and its IoU, and the
 * file's lineage: one round per training, with its parent file's SHA-256 (null for the first), the SHA-256 of each
 * training image's pixels and of each annotation, and the epochs it ran; and the history of every epoch of every
 * round ({@link EpochRecord}: losses, validation IoU, seconds).
 */
public record Continuation(Trainer.State state, byte[] random, List<Round> lineage, List<EpochRecord> history) {
    private static final Gson GSON = new com.google.gson.GsonBuilder().serializeSpecialFloatingPointValues().create();

    /**
     * One training round: the parent file's SHA-256 (null for the first), each training image's and each mask's
     * (null in files written before masks were recorded), and the epochs it ran.
     */
    public record Round(String parent, List<String> images, List<String> masks, int epochs) {
    }

    public Continuation {
        lineage = List.copyOf(lineage);
        history = List.copyOf(history);
    }

    void write(SafeTensorsWriter w) {
        Trainer.State s = state;
        int rows = s.vectors().length;
        int width = rows == 0 ? 0 : s.vectors()[0].length;
        w.put("last_vectors", SafeTensorsWriter.Tensor.floats(Rows.flat(s.vectors()), rows, width))
                .put("adam_m", SafeTensorsWriter.Tensor.floats(Rows.flat(s.adamM()), rows, width))
                .put("adam_v", SafeTensorsWriter.Tensor.floats(Rows.flat(s.adamV()), rows, width))
                .put("best_vectors", SafeTensorsWriter.Tensor.floats(Rows.flat(s.best()), rows, width))
                .metadata("adam_steps", Integer.toString(s.adamSteps()))
                .metadata("epochs_done", Integer.toString(s.epochs()))
                .metadata("best_epoch", Integer.toString(s.bestEpoch()))
                .metadata("best_iou", Double.toString(s.bestIou()))
                .metadata("random_state", Base64.getEncoder().encodeToString(random))
                .metadata("lineage", GSON.toJson(lineage))
                .metadata("history", GSON.toJson(history));
    }

    /** The continuation a file holds, or null for a file written without one. */
    static Continuation read(SafeTensors st, Map<String, String> meta, int rows, int width) throws IOException {
        if (!st.tensors().containsKey("last_vectors")) {
            return null;
        }
        Trainer.State state = new Trainer.State(rows(st, "last_vectors", rows, width), rows(st, "adam_m", rows, width),
                rows(st, "adam_v", rows, width), Integer.parseInt(meta.get("adam_steps")),
                Integer.parseInt(meta.get("epochs_done")), rows(st, "best_vectors", rows, width),
                Integer.parseInt(meta.get("best_epoch")), Double.parseDouble(meta.get("best_iou")));
        List<Round> lineage = GSON.fromJson(meta.get("lineage"), new TypeToken<List<Round>>() { }.getType());
        List<EpochRecord> history = meta.get("history") == null ? List.of()
                : GSON.fromJson(meta.get("history"), new TypeToken<List<EpochRecord>>() { }.getType());
        return new Continuation(state, Base64.getDecoder().decode(meta.get("random_state")), lineage, history);
    }

    private static float[][] rows(SafeTensors st, String name, int rows, int width) throws IOException {
        float[] flat = st.readFloats(name);
        if (flat.length != rows * width) {
            throw new IOException("tensor '" + name + "' has " + flat.length + " values, not " + rows + "×" + width);
        }
        return Rows.split(flat, rows);
    }
}
