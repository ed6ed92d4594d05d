package org.slime4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ij.IJ;
import ij.ImagePlus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, run as written in a fresh copy of the checkout (the files git tracks or would add)
 * with nothing beside it, as a newcomer who cloned the project from its public home has it: no {@code ../shared},
 * no model. It builds the project, trains on the bundled sample, segments it and says where the results are.
 */
class ReadmeIT {
    @TempDir
    Path tmp;

    /** The first line of the README's first {@code bash} block. */
    static String firstCommand() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int block = readme.indexOf("```bash\n");
        assertTrue(block >= 0, "the README opens with a bash block");
        return readme.substring(block + 8, readme.indexOf('\n', block + 8)).trim();
    }

    @Test
    void theFirstCommandRunsTheMainJobInAFreshCloneWithNothingBesideIt() throws Exception {
        String command = firstCommand();
        Path clone = Files.createDirectories(tmp.resolve("fresh/SLiMe"));
        Process files = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .redirectErrorStream(true).start();
        String listing = new String(files.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, files.waitFor(), listing);
        for (String name : listing.split("\0")) {
            Path from = Path.of(name);
            if (!name.isEmpty() && Files.isRegularFile(from)) {
                Files.createDirectories(clone.resolve(name).getParent());
                Files.copy(from, clone.resolve(name));
            }
        }
        assertFalse(Files.exists(clone.resolveSibling("shared")));
        Path log = tmp.resolve("first-command.log");
        Process p = new ProcessBuilder("bash", "-c", command).directory(clone.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(command + " did not finish:\n" + Files.readString(log));
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), command + ":\n" + out);
        for (String line : List.of("wrote slime-demo/cell.slime: parts [background, halo, cell]",
                "wrote slime-demo/cell_labels.tif", "evaluated against sample-data/cell-labels.png", "RANDOM weights")) {
            assertTrue(out.contains(line), "'" + line + "' in:\n" + out);
        }
        ImagePlus labels = IJ.openImage(clone.resolve("slime-demo/cell_labels.tif").toString());
        assertEquals(550, labels.getWidth(), "the sample's own size");
        assertEquals(16, labels.getBitDepth());
        assertFalse(out.contains("NNPACK"), "libtorch's warnings stay quiet:\n" + out);
    }
}
