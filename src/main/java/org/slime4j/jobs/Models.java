package org.slime4j.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slime4j.core.hub.HubCache;
import org.slime4j.core.model.ModelIdentity;
import org.slime4j.core.slime.LearnedParts;

/** The base-model field of every front end: parsing it, and what the dialogs propose from the Hugging Face cache. */
public final class Models {
    private Models() {
    }

    /** A model field's value as a path: a folder, or an {@code org/name[@rev]} the cache resolves. */
    public static Path parse(String field) {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("no base model given: choose a model folder or type org/name of a "
                    + "model in the Hugging Face cache (java -jar slime-cli.jar download ORG/NAME fetches one, or in "
                    + "Fiji Plugins › SLiMe › SLiMe Download Model)");
        }
        return Path.of(field.trim());
    }

    /**
     * The base model a {@code .slime} file was learned on, when it names one in the Hugging Face cache
     * ({@code org/name@commit}); else {@code fallback}. What the segmenting dialogs propose.
     */
    public static String proposedModel(Path slime, String fallback) {
        try {
            String name = LearnedParts.load(slime).baseModel().name();
            if (name.contains("/") && HubCache.fromEnvironment(System.getenv())
                    .snapshot(HubCache.RepoId.parse(name)) != null) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // no readable file, or a model not in the cache: keep the fallback
        }
        return fallback;
    }

    /**
     * Learned parts on a model of their architecture but other weights (a fine-tune, another release): a warning
     * naming both, or with {@code strict} an error; results would differ from the training's without a word.
     */
    public static void checkWeights(LearnedParts parts, ModelIdentity open, boolean strict, JobListener listener) {
        ModelIdentity learned = parts.baseModel();
        if (!learned.otherWeightsThan(open)) {
            return;
        }
        String m = "these learned parts were learned on " + learned.name() + " (weights " + learned.weights()
                + "); the model open now, " + open.name() + ", has their architecture but other weights ("
                + open.weights() + "), so its results differ from the training's";
        if (strict) {
            throw new IllegalArgumentException(m + ": use the model they were learned on.");
        }
        listener.log("SLiMe: warning: " + m + "; use the model they were learned on (" + listener.option("strict")
                + " makes this an error).");
    }

    /** The {@code org/name} of every Stable Diffusion model in the environment's Hugging Face cache, sorted. */
    public static List<String> cachedModels() {
        return cachedModels(HubCache.fromEnvironment(System.getenv()));
    }

    /** The {@code org/name} of every Stable Diffusion model with a complete snapshot in {@code cache}, sorted. */
    public static List<String> cachedModels(HubCache cache) {
        Path root = cache.root();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (var s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("models--"))
                    .map(n -> n.substring("models--".length()).replace("--", "/"))
                    .filter(repo -> {
                        try {
                            return new HubCache(root).snapshot(
                                    HubCache.RepoId.parse(repo)) != null;
                        } catch (IOException e) {
                            return false;
                        }
                    }).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

}
