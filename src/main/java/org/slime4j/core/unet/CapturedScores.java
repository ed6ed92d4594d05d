package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link AttentionCapture} that keeps the scores of a fixed set of layer paths, for one forward pass. Not
 * thread-safe: use one per pass.
 */
public final class CapturedScores implements AttentionCapture {
    private final Set<String> wanted;
    private final Map<String, NDArray> scores = new LinkedHashMap<>();

    public CapturedScores(List<String> paths) {
        this.wanted = Set.copyOf(paths);
    }

    @Override
    public boolean wants(String path) {
        return wanted.contains(path);
    }

    @Override
    public void accept(String path, NDArray s) {
        NDArray previous = scores.put(path, s);
        if (previous != null) {
            previous.close();
        }
    }

    /** The scores of {@code path}, or an error naming the layers that exist when the path was never reached. */
    public NDArray get(String path) {
        NDArray s = scores.get(path);
        if (s == null) {
            throw new IllegalArgumentException("No attention scores were captured for '" + path
                    + "'; captured: " + scores.keySet());
        }
        return s;
    }

    public Map<String, NDArray> all() {
        return scores;
    }
}
