package org.slime4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.Menus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.LearnedParts;

/**
 * The real ImageJ 1.x macro interpreter, headless, running {@code run("SLiMe Train", ...)} and
 * {@code run("SLiMe Segment", ...)} with the keys a recorded macro has, through the commands plugins.config declares.
 */
class MacroTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void recordedMacroTrainsAndSegments() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path model = TinyModel.writeSdLayout(tmp.resolve("model"), 41);
        Path image = FijiTest.save(FijiTest.annotated("macro.tif"), tmp.resolve("macro.tif"));
        Path slime = tmp.resolve("macro.slime");
        Path out = tmp.resolve("macro_labels.tif");
        if (Menus.getCommands() == null) {
            try {
                IJ.run("Close All");                         // makes ImageJ build its command table
            } catch (java.awt.HeadlessException expected) {
                // the table is filled before ImageJ tries to build AWT menus
            }
        }
        Hashtable<String, String> commands = Menus.getCommands();
        assertNotNull(commands, "ImageJ's command table");
        for (String line : Files.readAllLines(Path.of("plugins.config"))) {
            if (line.startsWith("Plugins>")) {
                int open = line.indexOf('"');
                int close = line.indexOf('"', open + 1);
                commands.put(line.substring(open + 1, close), line.substring(line.indexOf(',', close) + 1).trim());
            }
        }
        String macro = String.join("\n",
                "setBatchMode(true);",
                "open('" + image + "');",
                "run('SLiMe Train', 'parts=[disk square] annotation=Overlay model=[" + model
                        + "] output=[" + slime + "] epochs=1 learning_rate=0.1 seed=5 device=cpu working_size=64 "
                        + "augment=false validate=true');",
                "run('SLiMe Segment', 'learned_parts=[" + slime + "] model=[" + model + "] all_slices=true "
                        + "tiling=squeeze tile_scale=1 tile_overlap=0.25 seed=0 device=cpu');",
                "saveAs('Tiff', '" + out + "');");
        IJ.redirectErrorMessages(true);
        IJ.runMacro(macro);
        assertTrue(Files.exists(slime), "SLiMe Train wrote " + slime);
        assertEquals(java.util.List.of("background", "disk", "square"), LearnedParts.load(slime).partNames());
        ImagePlus labels = IJ.openImage(out.toString());
        assertNotNull(labels, "SLiMe Segment's label image saved by the macro");
        assertEquals(16, labels.getBitDepth());
        assertEquals(64, labels.getWidth());
    }
}
