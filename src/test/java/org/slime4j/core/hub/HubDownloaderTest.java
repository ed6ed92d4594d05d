package org.slime4j.core.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.model.StableDiffusion;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.weights.DType;

/**
 * The downloader against a loopback HTTP server that serves the tiny model in the hub's URL layout with the hub's
 * headers (X-Repo-Commit, ETag / X-Linked-Etag = SHA-256 for LFS files, X-Linked-Size, 302 to a CDN path, Range).
 */
class HubDownloaderTest {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    @TempDir
    Path tmp;
    Path model;
    HttpServer server;
    String endpoint;
    final AtomicInteger rangeRequests = new AtomicInteger();
    final AtomicInteger corruptions = new AtomicInteger();
    final Set<String> cdnAuthorization = ConcurrentHashMap.newKeySet();
    final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void serve() throws Exception {
        model = TinyModel.write(tmp.resolve("repo"), false, DType.F32, 8);
        Files.writeString(model.resolve("README.md"), "---\nlicense: creativeml-openrail-m\ntags:\n- tiny\n---\n# tiny\n");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static String sha(byte[] data, String algorithm) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/cdn/")) {
                cdnAuthorization.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                byte[] data = Files.readAllBytes(model.resolve(path.substring(5)));
                if (corruptions.get() > 0 && path.contains("unet")) {
                    corruptions.decrementAndGet();
                    data = data.clone();
                    data[data.length - 1] ^= 1;
                }
                String range = ex.getRequestHeaders().getFirst("Range");
                int from = 0;
                if (range != null) {
                    rangeRequests.incrementAndGet();
                    from = Integer.parseInt(range.replaceAll("\\D*(\\d+)-.*", "$1"));
                }
                ex.sendResponseHeaders(range == null ? 200 : 206, data.length - from);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(data, from, data.length - from);
                }
                return;
            }
            String[] parts = path.split("/resolve/");
            String repo = parts[0].substring(1);
            if (repo.equals("gated/model")) {
                ex.sendResponseHeaders(401, -1);
                return;
            }
            String file = parts[1].substring(parts[1].indexOf('/') + 1);
            Path f = model.resolve(file);
            if (!repo.equals("org/tiny") || !Files.isRegularFile(f)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            if (!"Bearer secret".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.sendResponseHeaders(403, -1);
                return;
            }
            byte[] data = Files.readAllBytes(f);
            ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
            if (file.endsWith(".safetensors")) {
                ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha(data, "SHA-256") + "\"");
                ex.getResponseHeaders().add("X-Linked-Size", Long.toString(data.length));
                ex.getResponseHeaders().add("Location", "/cdn/" + file);
                ex.sendResponseHeaders(302, -1);
                return;
            }
            ex.getResponseHeaders().add("ETag", "\"" + sha(data, "SHA-1") + "\"");
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(200, head ? -1 : data.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(data);
                }
            }
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private HubDownloader downloader(String token, boolean offline) {
        return new HubDownloader(new HubCache(tmp.resolve("cache")), endpoint, token, offline,
                new Licences(tmp.resolve("config/accepted-licences")));
    }

    @Test
    void freshDownloadLandsInTheHubLayoutAndLoads() throws Exception {
        Path snapshot = downloader("secret", false).fetch("org/tiny", false, true, (f, d, t) -> { }, () -> false);
        Path repo = tmp.resolve("cache/models--org--tiny");
        assertEquals(repo.resolve("snapshots").resolve(COMMIT), snapshot);
        assertEquals(COMMIT, Files.readString(repo.resolve("refs/main")));
        Path unet = snapshot.resolve("unet/diffusion_pytorch_model.safetensors");
        assertTrue(Files.isSymbolicLink(unet));
        byte[] data = Files.readAllBytes(model.resolve("unet/diffusion_pytorch_model.safetensors"));
        assertEquals(Path.of("../../../blobs/" + sha(data, "SHA-256")), Files.readSymbolicLink(unet)); // as huggingface_hub links it
        assertArrayEquals(data, Files.readAllBytes(unet));
        assertEquals(Set.of("null"), cdnAuthorization, "the token goes to the hub only");
        assertEquals(snapshot, new HubCache(tmp.resolve("cache")).require("org/tiny@main"));
        assertEquals(java.util.List.of("org/tiny"), org.slime4j.jobs.Models.cachedModels(
                new HubCache(tmp.resolve("cache"))), "what the Fiji commands offer");
        try (StableDiffusion sd = StableDiffusion.load(snapshot, DeviceChoice.CPU)) {
            assertEquals(2, sd.unet().config().blockOutChannels().length);
        }
        int before = requests.get();
        assertEquals(snapshot, downloader("secret", false).fetch("org/tiny", false, true, (f, d, t) -> { }, () -> false));
        assertEquals(before, requests.get(), "a complete snapshot is not fetched again");
    }

    @Test
    void anInterruptedTransferResumesWithRange() throws Exception {
        byte[] data = Files.readAllBytes(model.resolve("unet/diffusion_pytorch_model.safetensors"));
        Path blobs = Files.createDirectories(tmp.resolve("cache/models--org--tiny/blobs"));
        Files.write(blobs.resolve(sha(data, "SHA-256") + ".incomplete"), java.util.Arrays.copyOf(data, data.length / 3));
        Path snapshot = downloader("secret", false).fetch("org/tiny", false, true, (f, d, t) -> { }, () -> false);
        assertEquals(1, rangeRequests.get());
        assertArrayEquals(data, Files.readAllBytes(snapshot.resolve("unet/diffusion_pytorch_model.safetensors")));
        assertFalse(Files.exists(blobs.resolve(sha(data, "SHA-256") + ".incomplete")));
    }

    @Test
    void aCorruptedBlobIsDetectedAndFetchedAgain() throws Exception {
        corruptions.set(1);
        Path snapshot = downloader("secret", false).fetch("org/tiny", false, true, (f, d, t) -> { }, () -> false);
        byte[] data = Files.readAllBytes(model.resolve("unet/diffusion_pytorch_model.safetensors"));
        assertArrayEquals(data, Files.readAllBytes(snapshot.resolve("unet/diffusion_pytorch_model.safetensors")));
        corruptions.set(100);
        String m = assertThrows(IOException.class, () -> new HubDownloader(new HubCache(tmp.resolve("other")),
                endpoint, "secret", false, new Licences(tmp.resolve("config/accepted-licences")))
                .fetch("org/tiny", false, true, (f, d, t) -> { }, () -> false)).getMessage();
        assertTrue(m.contains("SHA-256") && m.contains("unet/diffusion_pytorch_model.safetensors"), m);
    }

    @Test
    void refusalsAndMissingRepositoriesSayWhatToDo() {
        String gated = assertThrows(IOException.class, () -> downloader(null, false).fetch("gated/model", false, true,
                (f, d, t) -> { }, () -> false)).getMessage();
        assertTrue(gated.contains("HTTP 401") && gated.contains("HF_TOKEN") && gated.contains("no token"), gated);
        String noToken = assertThrows(IOException.class, () -> downloader(null, false).fetch("org/tiny", false, true,
                (f, d, t) -> { }, () -> false)).getMessage();
        assertTrue(noToken.contains("HTTP 403"), noToken);
        String missing = assertThrows(IOException.class, () -> downloader("secret", false).fetch("org/nothing", false, true,
                (f, d, t) -> { }, () -> false)).getMessage();
        assertTrue(missing.contains("HTTP 404") && missing.contains("org/nothing@main"), missing);
    }

    @Test
    void theLicenceIsShownAndMustBeAcceptedOnce() throws Exception {
        String m = assertThrows(IOException.class, () -> downloader("secret", false).fetch("org/tiny", false, false,
                (f, d, t) -> { }, () -> false)).getMessage();
        assertTrue(m.contains("creativeml-openrail-m") && m.contains("--accept-licence"), m);
        assertFalse(Files.exists(tmp.resolve("cache/models--org--tiny/blobs")), "nothing downloaded before acceptance");
        downloader("secret", false).fetch("org/tiny", false, true, (f, d, t) -> { }, () -> false);
        assertEquals("org/tiny\tcreativeml-openrail-m\n", Files.readString(tmp.resolve("config/accepted-licences")));
        Files.delete(tmp.resolve("cache/models--org--tiny/refs/main"));
        downloader("secret", false).fetch("org/tiny", false, false, (f, d, t) -> { }, () -> false);
    }

    @Test
    void offlineUsesTheCacheAndNeverTheNetwork() throws Exception {
        String m = assertThrows(IOException.class, () -> downloader("secret", true).fetch("org/tiny", false, true,
                (f, d, t) -> { }, () -> false)).getMessage();
        assertTrue(m.contains("HF_HUB_OFFLINE"), m);
        assertEquals(0, requests.get());
        Path snapshot = downloader("secret", false).fetch("org/tiny", false, true, (f, d, t) -> { }, () -> false);
        server.stop(0);
        assertEquals(snapshot, downloader("secret", true).fetch("org/tiny", false, true, (f, d, t) -> { }, () -> false));
    }
}
