package org.slime4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's screenshots can be taken: {@link Screenshots} under Xvfb writes the dialog, the training preview
 * and the result, each a real picture (many colours, the window's size), as {@code scripts/screenshots.sh} does.
 */
class ScreenshotsIT {
    @TempDir
    Path tmp;

    @Test
    void theDialogThePreviewAndTheResultAreCaptured() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/xvfb-run"))) {
            if (System.getenv("CI") != null) {
                fail("xvfb-run is missing; .ci/run installs it");
            }
            Assumptions.abort("xvfb-run not installed");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = tmp.resolve("shots.log");
        Process p = new ProcessBuilder("/usr/bin/xvfb-run", "-a", "-s", "-screen 0 1400x1000x24", java,
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Screenshots.class.getName(),
                tmp.resolve("shots").toString(), Path.of("sample-data").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("Screenshots did not finish:\n" + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), Files.readString(log));
        for (String name : List.of("train-dialog.png", "training-preview.png", "segmentation-result.png",
                "labels-to-rois.png", "confidence-map.png", "evaluate-table.png")) {
            BufferedImage shot = ImageIO.read(new File(tmp.resolve("shots").resolve(name).toString()));
            assertTrue(shot.getWidth() >= 300 && shot.getHeight() >= 200, name + " " + shot.getWidth() + "×"
                    + shot.getHeight());
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < shot.getHeight(); y += 7) {
                for (int x = 0; x < shot.getWidth(); x += 7) {
                    colours.add(shot.getRGB(x, y));
                }
            }
            assertTrue(colours.size() >= 3, name + " has " + colours.size() + " colours: not a picture");
        }
    }
}
