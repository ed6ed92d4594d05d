package org.slime4j.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.model.ModelIdentity;
import org.slime4j.core.slime.Continuation;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.SlimeOptions;

/**
 * A training's checkpoints: its state as a {@code .slime} file beside the output ({@code <output>.checkpoint}),
 * written atomically every {@code everyEpochs} epochs but not more often than every {@code minSeconds}, and once more
 * when the JVM is stopped from outside (SIGTERM: SLURM's time limit and scancel, a normal shutdown), from the last
 * epoch's state, so that the same command run again resumes there and ends with the file an uninterrupted run writes.
 * Thread-safe: the training offers states, a shutdown hook writes the last one.
 */
public final class Checkpoints implements AutoCloseable {
    /** How often to write, and whether a checkpoint found is resumed. */
    public record Policy(int everyEpochs, double minSeconds, boolean resume) {
        /** Every epoch, at most every minute; resumed. */
        public static final Policy DEFAULT = new Policy(1, 60, true);
        /** None written, none resumed. */
        public static final Policy OFF = new Policy(0, 0, false);
    }

    private final Path file;
    private final Policy policy;
    private final JobListener listener;
    private final Thread hook = new Thread(this::stopped, "SLiMe checkpoint on shutdown");
    private LearnedParts latest;
    private LearnedParts written;
    private int epochsSince;
    private long lastWrite = System.nanoTime();
    private boolean hooked;
    private boolean done;

    Checkpoints(Path file, Policy policy, JobListener listener) {
        this.file = file;
        this.policy = policy;
        this.listener = listener;
        if (policy.everyEpochs() > 0) {
            Runtime.getRuntime().addShutdownHook(hook);
            hooked = true;
        }
        removeLeftovers(file);
    }

    /**
     * Deletes the temporary files a killed run left beside {@code file} (those of processes no longer alive): a
     * SIGKILL during a write leaves one, never a half-written file under the final name.
     */
    static void removeLeftovers(Path file) {
        String prefix = "." + file.getFileName() + ".";
        try (var siblings = Files.list(file.toAbsolutePath().getParent())) {
            for (Path f : siblings.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(".tmp")) {
                    String[] rest = name.substring(prefix.length()).split("\\.");
                    long pid = rest[0].matches("\\d+") ? Long.parseLong(rest[0]) : -1;
                    if (pid > 0 && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException e) {
            // a leftover stays; it harms nothing
        }
    }

    /** The checkpoint of a training that writes {@code output}. */
    static Path fileFor(Path output) {
        return output.resolveSibling(output.getFileName() + ".checkpoint");
    }

    /** An unfinished training of an output: its checkpoint, the epochs it has done, and its options. */
    public record Unfinished(Path file, int epochsDone, SlimeOptions options) {
        @Override
        public String toString() {
            return "an unfinished training of this output is there (epoch " + epochsDone + " of " + options.epochs()
                    + " done)";
        }
    }

    /** The unfinished training of {@code output} whose checkpoint is there and readable, else null. */
    public static Unfinished unfinished(Path output) {
        Path file = fileFor(output);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            LearnedParts ck = LearnedParts.load(file);
            return ck.continuation() == null ? null : new Unfinished(file, ck.continuation().state().epochs(),
                    ck.options());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The training's state after an epoch: kept, and written when the policy says so. */
    synchronized void offer(LearnedParts state) throws IOException {
        latest = state;
        epochsSince++;
        if (policy.everyEpochs() > 0 && epochsSince >= policy.everyEpochs()
                && (System.nanoTime() - lastWrite) / 1e9 >= policy.minSeconds()) {
            write();
        }
    }

    private void write() throws IOException {
        latest.save(file, true);
        written = latest;
        epochsSince = 0;
        lastWrite = System.nanoTime();
    }

    /** The JVM is stopping (SIGTERM, shutdown): the last epoch's state is written, so that a rerun goes on there. */
    private synchronized void stopped() {
        if (latest == null) {
            if (written == null && !done) {
                System.err.println("SLiMe: stopped before the first epoch ended: nothing to keep; the same command "
                        + "starts over.");
            }
            return;
        }
        try {
            if (latest != written) {
                write();
            }
            System.err.println("SLiMe: stopped; the training's checkpoint (epoch " + latest.continuation().state()
                    .epochs() + ") is " + file + ": run the same command again to continue from there.");
        } catch (IOException | RuntimeException e) {
            System.err.println("SLiMe: stopped; the checkpoint could not be written: " + e.getMessage());
        }
    }

    /** The training ended (finished or cancelled, its output saved): the checkpoint is no longer needed. */
    synchronized void finished() throws IOException {
        latest = null;
        done = true;
        Files.deleteIfExists(file);
    }

    /** Ends the run: a training that failed before it finished leaves its last epoch's state written. */
    @Override
    public synchronized void close() {
        if (latest != null && latest != written) {
            try {
                write();
            } catch (IOException | RuntimeException e) {
                listener.log("SLiMe: warning: the checkpoint could not be written (" + e.getMessage() + ")");
            }
        }
        if (hooked) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or ran
            }
        }
    }

    /**
     * The checkpoint at {@code file} when it is of this very training (the same parts, images, annotations,
     * options, parent file and base model), else null with the reason logged; an unreadable one is said and ignored.
     */
    static LearnedParts matching(Path file, List<String> names, List<String> images, List<String> masks,
                                 SlimeOptions options, String parent, ModelIdentity model, JobListener listener) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String differs;
        LearnedParts ck = null;
        try {
            ck = LearnedParts.load(file);
            Continuation c = ck.continuation();
            Continuation.Round round = c == null || c.lineage().isEmpty() ? null
                    : c.lineage().get(c.lineage().size() - 1);
            differs = round == null ? "it holds no training state"
                    : !ck.partNames().equals(names) ? "its parts are " + ck.partNames()
                    : !images.equals(round.images()) ? "its training images differ"
                    : !masks.equals(round.masks()) ? "its annotations differ"
                    : !ck.options().equals(options) ? optionsDiffer(ck.options(), options, listener)
                    : !java.util.Objects.equals(parent, round.parent()) ? "it continues another file"
                    : !ck.baseModel().fingerprint().equals(model.fingerprint()) || ck.baseModel().otherWeightsThan(model)
                    ? "it was trained on another base model" : null;
        } catch (IOException | RuntimeException e) {
            differs = "it cannot be read (" + e.getMessage() + ")";
        }
        if (differs != null) {
            listener.log("SLiMe: the checkpoint " + file.getFileName() + " is of another training (" + differs
                    + "): starting fresh.");
            return null;
        }
        return ck;
    }

    /** "its learning_rate is 0.1, not 0.01, ...": what differs between a checkpoint's options and these. */
    private static String optionsDiffer(SlimeOptions there, SlimeOptions here, JobListener listener) {
        List<String> d = new ArrayList<>();
        for (SlimeOption o : SlimeOption.values()) {
            if (!o.of(there).equals(o.of(here))) {
                d.add(listener.option(o.key()) + " is " + o.format(o.of(there)) + ", not " + o.format(o.of(here)));
            }
        }
        return "its " + String.join("; its ", d);
    }

    /**
     * A resumed training's file as the uninterrupted one: its last two rounds (the checkpoint's, and the one that
     * went on from it) made one, the options with the planned epochs.
     */
    static LearnedParts asOneRound(LearnedParts resumed, SlimeOptions planned) {
        Continuation c = resumed.continuation();
        List<Continuation.Round> rounds = new ArrayList<>(c.lineage());
        Continuation.Round on = rounds.remove(rounds.size() - 1);
        Continuation.Round before = rounds.remove(rounds.size() - 1);
        rounds.add(new Continuation.Round(before.parent(), before.images(), before.masks(),
                before.epochs() + on.epochs()));
        return new LearnedParts(resumed.partNames(), resumed.vectors(), resumed.text(), resumed.baseModel(), planned,
                resumed.inputMapping(), resumed.created(), new Continuation(c.state(), c.random(), rounds, c.history()));
    }
}
