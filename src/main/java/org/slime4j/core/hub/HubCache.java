package org.slime4j.core.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.slime4j.core.weights.ModelFormatException;

/**
 * The Hugging Face hub cache, laid out exactly as huggingface_hub does, so both tools share downloads:
 * {@code <cache>/models--org--name/{blobs/<etag>, refs/<revision>, snapshots/<commit>/<path> -> ../../blobs/<etag>}}.
 * The cache is {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}.
 */
public final class HubCache {
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][\\w.-]*/[\\w.-]+(@[\\w./-]+)?");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private final Path root;

    public HubCache(Path root) {
        this.root = root;
    }

    /** The cache the environment names. */
    public static HubCache fromEnvironment(Map<String, String> env) {
        String cache = env.get("HF_HUB_CACHE");
        if (cache != null && !cache.isBlank()) {
            return new HubCache(Path.of(cache));
        }
        String home = env.get("HF_HOME");
        if (home != null && !home.isBlank()) {
            return new HubCache(Path.of(home, "hub"));
        }
        String xdg = env.get("XDG_CACHE_HOME");
        String userHome = env.get("HOME");
        Path cacheRoot = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome != null && !userHome.isBlank()
                ? userHome : System.getProperty("user.home"), ".cache");
        return new HubCache(cacheRoot.resolve("huggingface").resolve("hub"));   // as huggingface_hub finds it
    }

    public Path root() {
        return root;
    }

    /** Whether {@code spec} reads as {@code org/name[@revision]} rather than a path. */
    public static boolean isRepoId(String spec) {
        return REPO.matcher(spec).matches() && !Files.exists(Path.of(spec));
    }

    /** {@code org/name[@rev]} split into repo and revision (default {@code main}). */
    public record RepoId(String repo, String revision) {
        public static RepoId parse(String spec) {
            int at = spec.indexOf('@');
            return at < 0 ? new RepoId(spec, "main") : new RepoId(spec.substring(0, at), spec.substring(at + 1));
        }

        @Override
        public String toString() {
            return repo + "@" + revision;
        }
    }

    public Path repoFolder(String repo) {
        return root.resolve("models--" + repo.replace("/", "--"));
    }

    /** The snapshot folder of {@code id} when the cache has it, else null. */
    public Path snapshot(RepoId id) throws IOException {
        Path repo = repoFolder(id.repo());
        String commit = id.revision();
        Path ref = repo.resolve("refs").resolve(id.revision());
        if (Files.isRegularFile(ref)) {
            commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
        } else if (!COMMIT.matcher(commit).matches()) {
            return null;
        }
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        return Files.isRegularFile(snapshot.resolve("model_index.json")) ? snapshot : null;
    }

    /** The snapshot of {@code spec}, or an error saying how to get it. */
    public Path require(String spec) throws IOException {
        RepoId id = RepoId.parse(spec);
        Path snapshot = snapshot(id);
        if (snapshot == null) {
            throw new ModelFormatException("Model " + id + " is not in the Hugging Face cache at " + root
                    + ": download it (java -jar slime-cli.jar download " + spec + ", or in Fiji Plugins › SLiMe › "
                    + "SLiMe Download Model) or give a model folder.");
        }
        return snapshot;
    }
}
