package org.slime4j.core.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Fetches a libtorch {@value TorchBuild#VERSION} build into DJL's cache, where DJL itself would put it, so that
 * {@code auto} finds it and runs offline from then on: the listing {@code files.txt} of DJL's download site (or
 * {@code SLIME_PYTORCH_MIRROR}), each library's compressed size (HEAD) shown before anything is fetched, then the
 * files, unpacked into a temporary folder that is renamed into place only when complete. Only ever run when the user
 * asks ({@code slime pytorch download}, SLiMe Options); offline it fails with a message and leaves nothing behind.
 */
public final class TorchDownload {
    /** DJL's download site for PyTorch builds. */
    public static final String SITE = "https://publish.djl.ai/pytorch";

    /** Bytes so far of all files, of {@code total}. */
    public interface Progress {
        void update(String file, long done, long total);
    }

    /** What a download will fetch: the files' URLs, their compressed sizes, and the folder they go to. */
    public record Plan(String flavour, List<URI> files, long bytes, Path target) {
    }

    private final String site;
    private final TorchBuild.Machine machine;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(20)).build();

    public TorchDownload(String site, TorchBuild.Machine machine) {
        this.site = site.endsWith("/") ? site.substring(0, site.length() - 1) : site;
        this.machine = machine;
    }

    public static TorchDownload fromEnvironment(Map<String, String> env) {
        return new TorchDownload(env.getOrDefault("SLIME_PYTORCH_MIRROR", SITE), TorchBuild.Machine.current());
    }

    /** The flavour that fits this machine: cu128 with an NVIDIA GPU on Linux or Windows x86-64, else cpu. */
    public String fittingFlavour() {
        boolean x86 = machine.classifier().equals("linux-x86_64") || machine.classifier().equals("win-x86_64");
        return machine.cudaGpu() && x86 ? TorchBuild.CUDA_FLAVOUR : "cpu";
    }

    /** Lists what {@code flavour} needs for this machine's platform, with sizes; fetches nothing yet. */
    public Plan plan(String flavour) throws IOException {
        String base = site + "/" + TorchBuild.VERSION;
        String listing = text(URI.create(base + "/files.txt"));
        String prefix = flavour + "/" + machine.classifier() + "/native/lib/";
        List<URI> files = new ArrayList<>();
        long bytes = 0;
        for (String line : listing.split("\n")) {
            String name = line.trim();
            if (name.startsWith(prefix) && name.endsWith(".gz")) {
                URI uri = URI.create(base + "/" + name.replace("+", "%2B"));
                files.add(uri);
                bytes += size(uri);
            }
        }
        if (files.isEmpty()) {
            throw new IOException("DJL's download site has no PyTorch " + TorchBuild.VERSION + " " + flavour
                    + " build for " + machine.classifier() + " (" + base + "/files.txt).");
        }
        return new Plan(flavour, files, bytes, machine.cached(TorchBuild.VERSION, flavour));
    }

    /** Fetches {@code plan} into its target folder; an existing complete folder is kept as it is. */
    public Path fetch(Plan plan, Progress progress, BooleanSupplier cancelled) throws IOException {
        Path target = plan.target();
        if (Files.isRegularFile(target.resolve(System.mapLibraryName("torch")))) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), ".slime-download-");
        try {
            long done = 0;
            for (URI uri : plan.files()) {
                String path = uri.getPath();
                String name = java.net.URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1, path.length() - 3),
                        StandardCharsets.UTF_8);
                HttpResponse<InputStream> r = send(HttpRequest.newBuilder(uri).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream counted = new Counting(r.body(), done, plan.bytes(), name, progress, cancelled);
                     InputStream in = new GZIPInputStream(counted)) {
                    Files.copy(in, tmp.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    done = ((Counting) counted).count;
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            deleteTree(tmp);
        }
    }

    private String text(URI uri) throws IOException {
        return send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private long size(URI uri) throws IOException {
        HttpResponse<Void> r = send(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
        return r.headers().firstValueAsLong("Content-Length").orElse(0);
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws IOException {
        HttpResponse<T> r;
        try {
            r = http.send(request, body);
        } catch (IOException e) {
            throw new IOException("Cannot reach " + request.uri() + " (" + e + "). Without internet, copy the folder "
                    + machine.cache() + "/" + TorchBuild.VERSION + "-" + TorchBuild.CUDA_FLAVOUR + "-"
                    + machine.classifier() + " from a machine where 'java -jar slime-cli.jar pytorch download' ran, or "
                    + "set SLIME_PYTORCH to the lib folder of a pip-installed torch==" + TorchBuild.VERSION + ".", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Download of " + request.uri() + " interrupted.", e);
        }
        if (r.statusCode() != 200) {
            throw new IOException(request.uri() + " answered HTTP " + r.statusCode() + ".");
        }
        return r;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Counts compressed bytes for the progress and stops when cancelled. */
    private static final class Counting extends java.io.FilterInputStream {
        private final long total;
        private final String name;
        private final Progress progress;
        private final BooleanSupplier cancelled;
        private long count;

        Counting(InputStream in, long start, long total, String name, Progress progress, BooleanSupplier cancelled) {
            super(in);
            this.count = start;
            this.total = total;
            this.name = name;
            this.progress = progress;
            this.cancelled = cancelled;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (cancelled.getAsBoolean()) {
                throw new IOException("Download cancelled; nothing was kept.");
            }
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                progress.update(name, count, total);
            }
            return n;
        }
    }
}
