package org.slime4j.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download of a CUDA build, against a local server laid out like DJL's download site: sizes first, files
 * unpacked into DJL's cache folder, found by {@code auto} afterwards; offline or a failing file leave nothing.
 */
class TorchDownloadTest {
    @TempDir
    Path tmp;
    private HttpServer server;
    private final Map<String, byte[]> files = new HashMap<>();
    private final byte[] torch = "libtorch bytes".getBytes(StandardCharsets.UTF_8);
    private final byte[] c10 = new byte[70_000];

    @BeforeEach
    void serve() throws IOException {
        new java.util.Random(3).nextBytes(c10);
        files.put("/pytorch/2.7.1/files.txt", String.join("\n", "cpu/linux-x86_64/native/lib/libtorch.so.gz",
                "cu128/linux-x86_64/native/lib/libtorch.so.gz", "cu128/linux-x86_64/native/lib/libc10.so.gz",
                "cu128/win-x86_64/native/lib/torch.dll.gz", "").getBytes(StandardCharsets.UTF_8));
        files.put("/pytorch/2.7.1/cu128/linux-x86_64/native/lib/libtorch.so.gz", gzip(torch));
        files.put("/pytorch/2.7.1/cu128/linux-x86_64/native/lib/libc10.so.gz", gzip(c10));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = files.get(exchange.getRequestURI().getPath());
            boolean head = exchange.getRequestMethod().equals("HEAD");
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else if (head) {
                exchange.getResponseHeaders().add("Content-Length", "" + body.length);
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String site() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/pytorch";
    }

    private TorchBuild.Machine gpuMachine() {
        return new TorchBuild.Machine(true, "linux-x86_64", tmp.resolve("cache"));
    }

    @Test
    void theCudaBuildIsFetchedWholeAndAutoUsesItAfterwards() throws IOException {
        TorchDownload d = new TorchDownload(site(), gpuMachine());
        assertEquals("cu128", d.fittingFlavour());
        TorchDownload.Plan plan = d.plan("cu128");
        assertEquals(2, plan.files().size());
        long compressed = files.get("/pytorch/2.7.1/cu128/linux-x86_64/native/lib/libtorch.so.gz").length
                + files.get("/pytorch/2.7.1/cu128/linux-x86_64/native/lib/libc10.so.gz").length;
        assertEquals(compressed, plan.bytes(), "the size shown before fetching");
        long[] last = {0};
        Path folder = d.fetch(plan, (file, done, total) -> last[0] = done, () -> false);
        assertEquals(compressed, last[0]);
        assertEquals(tmp.resolve("cache/2.7.1-cu128-linux-x86_64"), folder);
        assertArrayEquals(torch, Files.readAllBytes(folder.resolve("libtorch.so")));
        assertArrayEquals(c10, Files.readAllBytes(folder.resolve("libc10.so")));
        assertEquals(List.of("2.7.1-cu128-linux-x86_64"), cacheEntries(), "no temporary folder left");
        if (System.mapLibraryName("torch").equals("libtorch.so")) {
            TorchBuild b = TorchBuild.choose("auto", gpuMachine());
            assertEquals("cache", b.source());
            assertEquals("cu128", b.flavour());
        }
        assertEquals("cpu", new TorchDownload(site(), new TorchBuild.Machine(false, "linux-x86_64", tmp))
                .fittingFlavour());
        assertEquals("cpu", new TorchDownload(site(), new TorchBuild.Machine(true, "osx-aarch64", tmp))
                .fittingFlavour(), "no CUDA build for macOS");
    }

    @Test
    void offlineTheDownloadIsRefusedWithAMessageAndNothingInTheCache() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        TorchDownload d = new TorchDownload("http://127.0.0.1:" + closed + "/pytorch", gpuMachine());
        IOException e = assertThrows(IOException.class, () -> d.plan("cu128"));
        assertTrue(e.getMessage().startsWith("Cannot reach http://127.0.0.1:" + closed
                + "/pytorch/2.7.1/files.txt"), e.getMessage());
        assertTrue(e.getMessage().contains("Without internet, copy the folder"), e.getMessage());
        assertEquals(List.of(), cacheEntries());
    }

    @Test
    void aFileThatFailsHalfwayLeavesNothingHalfWritten() throws IOException {
        TorchDownload d = new TorchDownload(site(), gpuMachine());
        TorchDownload.Plan plan = d.plan("cu128");
        files.remove("/pytorch/2.7.1/cu128/linux-x86_64/native/lib/libc10.so.gz");   // gone after the plan
        IOException e = assertThrows(IOException.class, () -> d.fetch(plan, (f, done, total) -> { }, () -> false));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertEquals(List.of(), cacheEntries());
        IOException cancelled = assertThrows(IOException.class, () -> new TorchDownload(site(), gpuMachine())
                .fetch(plan, (f, done, total) -> { }, () -> true));
        assertTrue(cancelled.getMessage().contains("cancelled"), cancelled.getMessage());
        assertEquals(List.of(), cacheEntries());
        assertTrue(assertThrows(IOException.class, () -> d.plan("cu126")).getMessage()
                .contains("has no PyTorch 2.7.1 cu126 build for linux-x86_64"));
    }

    private List<String> cacheEntries() throws IOException {
        Path cache = tmp.resolve("cache");
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
