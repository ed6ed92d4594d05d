package org.slime4j.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.slime.EpochRecord;

/**
 * A training's curves as a CSV beside its output ({@code cell.slime} -> {@code cell-training.csv}): one line per
 * epoch of every round so far (a continued file's epochs first), rewritten atomically after each epoch, so it can
 * be plotted while the training runs.
 */
final class Curves {
    private final Path csv;
    private final List<EpochRecord> records;

    Curves(Path csv, List<EpochRecord> before) {
        this.csv = csv;
        this.records = new ArrayList<>(before);
    }

    /** The CSV of a training that writes {@code output}. */
    static Path fileFor(Path output) {
        String name = output.getFileName().toString();
        return output.resolveSibling((name.endsWith(".slime") ? name.substring(0, name.length() - 6) : name)
                + "-training.csv");
    }

    Path file() {
        return csv;
    }

    /** Adds an epoch and rewrites the file. */
    void add(EpochRecord record) throws IOException {
        records.add(record);
        List<String> lines = new ArrayList<>(List.of(EpochRecord.csvHeader()));
        records.forEach(r -> lines.add(r.csv()));
        Path tmp = csv.resolveSibling("." + csv.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
