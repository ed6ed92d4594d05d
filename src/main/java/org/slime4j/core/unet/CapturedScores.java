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
    private final Set<String> probabilities;
    private final Map<String, NDArray> scores = new LinkedHashMap<>();
    private final boolean headMeans;

    /** Pre-softmax scores of {@code paths}. */
    public CapturedScores(List<String> paths) {
        this(paths, List.of());
    }

    /** Pre-softmax scores of {@code scorePaths} and softmaxed probabilities of {@code probabilityPaths}. */
    public CapturedScores(List<String> scorePaths, List<String> probabilityPaths) {
        this(scorePaths, probabilityPaths, false);
    }

    /**
     * For passes that need no gradient, as segmentation: the probability layers hand over their mean over the heads
     * ({@link AttentionCapture#wantsHeadMean}), so a captured 64×64 layer keeps one [Q, Q] map instead of one per head.
     */
    public static CapturedScores headMeans(List<String> scorePaths, List<String> probabilityPaths) {
        return new CapturedScores(scorePaths, probabilityPaths, true);
    }

    private CapturedScores(List<String> scorePaths, List<String> probabilityPaths, boolean headMeans) {
        this.headMeans = headMeans;
        java.util.Set<String> all = new java.util.HashSet<>(scorePaths);
        all.addAll(probabilityPaths);
        this.wanted = Set.copyOf(all);
        this.probabilities = Set.copyOf(probabilityPaths);
    }

    @Override
    public boolean wants(String path) {
        return wanted.contains(path);
    }

    @Override
    public boolean wantsProbabilities(String path) {
        return probabilities.contains(path);
    }

    @Override
    public boolean wantsHeadMean(String path) {
        return headMeans && probabilities.contains(path);
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
