package org.slime4j.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.engine.Engines;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.engine.DjlContext;

/**
 * Keeps the last opened base model, so that a macro or a folder of calls does not reload gigabytes of weights each
 * time. Each user holds a {@link Lease} while it works; opening another model (or the same with another
 * {@link Execution}) retires the current one, which is closed when its last lease is returned, never under a thread
 * still using it. Thread-safe.
 *
 * <pre>{@code
 * try (Sessions.Lease lease = Sessions.open(model, execution, IJ::log)) {
 *     lease.slime().segment(...);
 * }
 * }</pre>
 */
public final class Sessions {
    private static Entry current;

    private Sessions() {
    }

    /** An open model and how many leases hold it. */
    private static final class Entry {
        final Slime slime;
        final String key;
        int users;
        boolean retired;

        Entry(Slime slime, String key) {
            this.slime = slime;
            this.key = key;
        }
    }

    /**
     * A hold on an open model; returning it lets a retired model close, and gives what the job freed back to the
     * system ({@link Engines#trim}).
     */
    public static final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean returned;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public Slime slime() {
            return entry.slime;
        }

        @Override
        public void close() {
            synchronized (Sessions.class) {
                if (!returned) {
                    returned = true;
                    entry.users--;
                    closeIfUnused(entry);
                }
            }
            Engines.trim();
        }
    }

    /**
     * The model at {@code model} run as {@code execution}; {@code notice} receives a one-time engine notice (a GPU
     * without a CUDA build, say).
     */
    public static synchronized Lease open(Path model, Execution execution, Consumer<String> notice)
            throws IOException {
        String key = key(model, execution);
        if (current == null || !current.key.equals(key)) {
            retireCurrent();
            DjlContext.prepare();
            current = new Entry(Slime.open(model, execution), key);
            String message = Engines.takeNotice();
            if (message != null) {
                notice.accept("SLiMe: " + message);
            }
        }
        current.users++;
        return new Lease(current);
    }

    /** The model and how it runs (the memory check aside: it does not change how a model is held). */
    private static String key(Path model, Execution execution) {
        return model.toAbsolutePath().normalize() + "|" + execution.withMemoryCheck(true);
    }

    /** Whether {@code model} is kept open as {@code execution} runs it (its weights are in memory already). */
    public static synchronized boolean isOpen(Path model, Execution execution) {
        return current != null && current.key.equals(key(model, execution));
    }

    /** How the kept model runs, if one is kept (for status lines and checks). */
    public static synchronized java.util.Optional<Execution> currentExecution() {
        return java.util.Optional.ofNullable(current).map(e -> e.slime.model().execution());
    }

    /** Retires the kept model: closed now when nobody holds it, else when its last lease is returned. */
    public static synchronized void close() {
        retireCurrent();
    }

    private static void retireCurrent() {
        if (current != null) {
            current.retired = true;
            closeIfUnused(current);
            current = null;
        }
    }

    private static void closeIfUnused(Entry e) {
        if (e.retired && e.users == 0) {
            e.slime.close();
        }
    }
}
