package org.slime4j.core.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.slime4j.core.hub.HubCache.RepoId;

/**
 * Downloads the files SLiMe needs of a hub repository into a {@link HubCache}: HEAD on the hub's resolve URL (commit
 * from {@code X-Repo-Commit}, blob id from {@code X-Linked-Etag} or {@code ETag}, size from {@code X-Linked-Size}),
 * GET following redirects into {@code blobs/<etag>.incomplete}, resumed with {@code Range} when a partial file is
 * there, SHA-256 checked for LFS blobs (64-hex ETags) and fetched once more on a mismatch, moved atomically into
 * {@code blobs/}, then linked into {@code snapshots/<commit>/} (relative symlink, a copy where links fail).
 * {@code HF_TOKEN} is sent to the hub's resolve URLs only, never where a download is redirected to. With
 * {@code HF_HUB_OFFLINE=1} nothing touches the network.
 */
public final class HubDownloader {
    /** The files of a Stable Diffusion repository that SLiMe reads. */
    public static List<String> files(boolean fp16) {
        String w = fp16 ? ".fp16.safetensors" : ".safetensors";
        return List.of("model_index.json", "scheduler/scheduler_config.json", "tokenizer/vocab.json",
                "tokenizer/merges.txt", "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json",
                "text_encoder/config.json", "text_encoder/model" + w, "vae/config.json",
                "vae/diffusion_pytorch_model" + w, "unet/config.json", "unet/diffusion_pytorch_model" + w);
    }

    /** Files a repository may lack: the pad token then defaults to the end-of-text token. */
    static final java.util.Set<String> OPTIONAL = java.util.Set.of("tokenizer/special_tokens_map.json",
            "tokenizer/tokenizer_config.json");

    /** Progress of a download: the file, bytes so far and its size (-1 unknown). */
    public interface Progress {
        void update(String file, long done, long total);
    }

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private final HubCache cache;
    private final String endpoint;
    private final String token;
    private final boolean offline;
    private final Licences licences;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(30)).build();

    public HubDownloader(HubCache cache, String endpoint, String token, boolean offline, Licences licences) {
        this.cache = cache;
        this.licences = licences;
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.token = token == null || token.isBlank() ? null : token;
        this.offline = offline;
    }

    /** Settings from {@code HF_HUB_CACHE/HF_HOME}, {@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE}. */
    public static HubDownloader fromEnvironment(Map<String, String> env) {
        return new HubDownloader(HubCache.fromEnvironment(env), env.getOrDefault("HF_ENDPOINT", "https://huggingface.co"),
                env.get("HF_TOKEN"), "1".equals(env.get("HF_HUB_OFFLINE")) || "true".equalsIgnoreCase(env.get("HF_HUB_OFFLINE")),
                Licences.fromEnvironment(env));
    }

    /**
     * The snapshot folder of {@code spec}, downloading what is missing (offline: only what the cache has). Before
     * the first download of a repository its licence must have been accepted, now ({@code acceptLicence}) or before;
     * otherwise the error shows the licence and how to accept it.
     */
    public Path fetch(String spec, boolean fp16, boolean acceptLicence, Progress progress, BooleanSupplier cancelled)
            throws IOException {
        RepoId id = RepoId.parse(spec);
        Path cached = cache.snapshot(id);
        if (cached != null && complete(cached, fp16)) {
            return cached;
        }
        if (offline) {
            throw new IOException("Model " + id + " is not (completely) in the Hugging Face cache at " + cache.root()
                    + " and HF_HUB_OFFLINE is set: copy the cache or a model folder to this machine.");
        }
        if (!licences.isAccepted(id.repo())) {
            String licence = Licences.fromModelCard(modelCard(id));
            if (!acceptLicence) {
                throw new IOException(id.repo() + " is distributed under the licence: " + licence + ". Read it on the "
                        + "model's page, then accept it to download (java -jar slime-cli.jar download --accept-licence, "
                        + "the demo's --accept-licence, or the accept_licence box of Fiji's SLiMe Download Model).");
            }
            licences.accept(id.repo(), licence);
        }
        String commit = null;
        for (String file : files(fp16)) {
            if (cancelled.getAsBoolean()) {
                throw new IOException("download of " + id + " cancelled");
            }
            Remote r = head(id, file);
            if (r == null) {
                continue;                                                        // an optional file the repo lacks
            }
            commit = r.commit;
            Path blob = blob(id, r, file, progress, cancelled);
            link(cache.repoFolder(id.repo()).resolve("snapshots").resolve(commit).resolve(file), blob);
        }
        if (!id.revision().equals(commit)) {
            Path ref = Files.createDirectories(cache.repoFolder(id.repo()).resolve("refs")).resolve(id.revision());
            Files.writeString(ref, commit, StandardCharsets.UTF_8);
        }
        return cache.repoFolder(id.repo()).resolve("snapshots").resolve(commit);
    }

    /** The repository's README.md, or null when it has none. */
    private String modelCard(RepoId id) throws IOException {
        HttpResponse<String> r = send(request(resolveUri(id, "README.md")).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        for (int hops = 0; r.statusCode() / 100 == 3 && hops < 10; hops++) {
            URI next = r.uri().resolve(r.headers().firstValue("Location").orElseThrow());
            r = send(request(next).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
        return r.statusCode() == 200 ? r.body() : null;
    }

    private static boolean complete(Path snapshot, boolean fp16) {
        return files(fp16).stream().allMatch(f -> OPTIONAL.contains(f) || Files.isRegularFile(snapshot.resolve(f)));
    }

    private record Remote(String commit, String etag, long size, URI location) {
    }

    private URI resolveUri(RepoId id, String file) {
        return URI.create(endpoint + "/" + id.repo() + "/resolve/" + id.revision() + "/" + file);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5));
        if (token != null && uri.toString().startsWith(endpoint + "/") && uri.getPath().contains("/resolve/")) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Remote head(RepoId id, String file) throws IOException {
        URI uri = resolveUri(id, file);
        HttpResponse<Void> r = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        int code = r.statusCode();
        if (code == 401 || code == 403) {
            throw new IOException(id.repo() + " refused access (HTTP " + code + "): the repository is gated or private; "
                    + "accept its licence on the hub and set HF_TOKEN" + (token == null ? " (no token is set)" : ""));
        }
        if (code == 404 && OPTIONAL.contains(file)) {
            return null;
        }
        if (code == 404) {
            throw new IOException(id + " has no file " + file + " (HTTP 404): check the repository id and revision");
        }
        if (code >= 400) {
            throw new IOException("The hub answered HTTP " + code + " for " + uri);
        }
        String commit = r.headers().firstValue("X-Repo-Commit").orElseThrow(
                () -> new IOException("The hub sent no X-Repo-Commit for " + uri));
        String etag = r.headers().firstValue("X-Linked-Etag").or(() -> r.headers().firstValue("ETag"))
                .orElseThrow(() -> new IOException("The hub sent no ETag for " + uri)).replace("\"", "")
                .replaceFirst("^W/", "");
        long size = r.headers().firstValue("X-Linked-Size").or(() -> r.headers().firstValue("Content-Length"))
                .map(Long::parseLong).orElse(-1L);
        URI location = r.headers().firstValue("Location").map(uri::resolve).orElse(uri);
        return new Remote(commit, etag, size, location);
    }

    private Path blob(RepoId id, Remote r, String file, Progress progress, BooleanSupplier cancelled)
            throws IOException {
        Path blobs = Files.createDirectories(cache.repoFolder(id.repo()).resolve("blobs"));
        Path blob = blobs.resolve(r.etag);
        if (Files.isRegularFile(blob)) {
            return blob;
        }
        for (int attempt = 1; ; attempt++) {
            Path partial = blobs.resolve(r.etag + ".incomplete");
            transfer(r.location, partial, file, r.size, progress, cancelled);
            if (!SHA256.matcher(r.etag).matches() || sha256(partial).equals(r.etag)) {
                Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE);
                return blob;
            }
            Files.delete(partial);
            if (attempt == 2) {
                throw new IOException(file + " of " + id + " arrived twice with a SHA-256 other than " + r.etag
                        + "; the download is corrupted on the way");
            }
        }
    }

    private void transfer(URI uri, Path partial, String file, long size, Progress progress, BooleanSupplier cancelled)
            throws IOException {
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        HttpRequest.Builder b = request(uri).GET();
        if (have > 0) {
            b.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> r = send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        for (int hops = 0; r.statusCode() / 100 == 3 && hops < 10; hops++) {
            URI next = uri.resolve(r.headers().firstValue("Location").orElseThrow());
            r.body().close();
            HttpRequest.Builder again = request(next).GET();
            if (have > 0) {
                again.header("Range", "bytes=" + have + "-");
            }
            r = send(again.build(), HttpResponse.BodyHandlers.ofInputStream());
            uri = next;
        }
        if (r.statusCode() != 200 && r.statusCode() != 206) {
            r.body().close();
            throw new IOException("Downloading " + file + " failed: HTTP " + r.statusCode() + " from " + uri);
        }
        boolean append = r.statusCode() == 206;
        long done = append ? have : 0;
        try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (cancelled.getAsBoolean()) {
                    throw new IOException("download cancelled; " + partial.getFileName() + " is kept and resumes");
                }
                out.write(buffer, 0, n);
                done += n;
                progress.update(file, done, size);
            }
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                d.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** snapshots/<commit>/<file> -> a relative link to blobs/<etag> (as huggingface_hub makes it), or a copy. */
    private static void link(Path target, Path blob) throws IOException {
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        try {
            Files.createSymbolicLink(target, target.getParent().relativize(blob));
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
