package org.slime4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.Macro;
import ij.macro.Interpreter;
import ij.process.ByteProcessor;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.PluginService;

/**
 * The rules that let Fiji fill and show SLiMe's SciJava commands (../shared/docs/FIJI-NOTES.md), read from the
 * commands' declared inputs and outputs; and {@link MacroInputs} reading a macro's options as plain ImageJ does.
 */
class CommandContractTest {
    private static final Set<Class<?>> PLAIN = Set.of(String.class, File.class, boolean.class, int.class, long.class,
            double.class);

    private static List<CommandInfo> ours(Context ctx) {
        return ctx.service(CommandService.class).getCommands().stream()
                .filter(c -> c.getClassName().startsWith("org.slime4j.")).toList();
    }

    @Test
    void everyCommandHasInputsFijiCanFillAndOutputsItCanShow() throws Exception {
        try (Context ctx = new Context()) {
            List<CommandInfo> commands = ours(ctx);
            assertEquals(Set.of("SLiMe Train", "SLiMe Segment", "SLiMe Segment Folder", "SLiMe Evaluate",
                    "SLiMe Labels to ROIs", "SLiMe Options", "SLiMe Download Model"),
                    Set.copyOf(commands.stream().map(CommandInfo::getLabel).toList()));
            for (CommandInfo c : commands) {
                String label = c.getLabel();
                assertEquals(label, c.getMenuPath().getLeaf().getName(), "the macro name is the menu leaf");
                assertTrue(SlimeCommand.class.isAssignableFrom(c.loadClass()), label + " fails as SLiMe commands do");
                List<String> names = new ArrayList<>();
                int images = 0;
                for (ModuleItem<?> in : c.inputs()) {
                    Class<?> type = in.getType();
                    if (org.scijava.service.Service.class.isAssignableFrom(type) || type == Context.class) {
                        continue;
                    }
                    names.add(in.getName());
                    if (!PLAIN.contains(type)) {
                        assertEquals(ImagePlus.class, type, label + "." + in.getName() + ": no other object input");
                        assertTrue(in.isRequired(), label + "." + in.getName() + ": an optional image is never empty "
                                + "in Fiji's dialog");
                        images++;
                    }
                }
                assertTrue(images <= 1, label + ": with two images Fiji fills neither with the active one");
                for (String a : names) {
                    for (String b : names) {
                        assertFalse(!a.equals(b) && a.endsWith(b), label + ": '" + b + "=' also matches inside '"
                                + a + "='");
                    }
                }
                for (ModuleItem<?> out : c.outputs()) {
                    assertTrue(out.getType() == String.class || out.getType() == ImagePlus.class,
                            label + "." + out.getName() + " is a " + out.getType() + ", which Fiji does not show");
                }
            }
        }
    }

    /** {@link MacroInputs} on a new module of {@code command}, with {@code options} as a macro would give them. */
    private static Module preprocess(Context ctx, Class<? extends org.scijava.command.Command> command,
                                     String options) throws Exception {
        CommandInfo info = ctx.service(CommandService.class).getCommand(command);
        Module module = ctx.service(ModuleService.class).createModule(info);
        PreprocessorPlugin pre = ctx.service(PluginService.class).createInstancesOfType(PreprocessorPlugin.class)
                .stream().filter(p -> p instanceof MacroInputs).findFirst().orElseThrow();
        Thread t = Thread.currentThread();
        String name = t.getName();
        t.setName("Run$_" + name);                                     // where ImageJ keeps a macro's options
        Macro.setOptions(t, options);
        try {
            pre.process(module);
            return pre.isCanceled() ? null : module;
        } finally {
            Macro.setOptions(t, null);
            t.setName(name);
        }
    }

    @Test
    void aMacroIsReadAsPlainImageJReadsIt() throws Exception {
        ImagePlus open = new ImagePlus("cells.tif", new ByteProcessor(8, 8));
        ij.WindowManager.setTempCurrentImage(null);             // none left by other tests in this thread
        Interpreter.batchMode = true;                            // a headless macro's images: batch-mode images
        Interpreter.addBatchModeImage(open);
        try (Context ctx = new Context()) {
            Module m = preprocess(ctx, SegmentCommand.class, "learned_parts=[/data/a b.slime] all_slices "
                    + "confidence=true seed=7 image=cells.tif");
            assertEquals(true, m.getInput("all_slices"), "the bare word Fiji would drop");
            assertEquals(true, m.getInput("confidence"));
            assertEquals(7L, m.getInput("seed"));
            assertEquals(new File("/data/a b.slime"), m.getInput("learned_parts"));
            assertEquals(0.25, m.getInput("tile_overlap"), "not given: the default, not a persisted value");
            assertTrue(m.isInputResolved("tile_overlap"), "resolved, so no dialog and no persisted value fill it");
            assertEquals(open, m.getInput("image"));

            Module active = preprocess(ctx, SegmentCommand.class, "all_slices=false");
            assertEquals(false, active.getInput("all_slices"));
            assertEquals(open, active.getInput("image"), "no image= given: the current image");

            assertNull(preprocess(ctx, SegmentCommand.class, "all_slice=true"), "a misspelt key fails");
            assertNull(preprocess(ctx, SegmentCommand.class, "image=[not open]"), "an image that is not open");
            assertNull(preprocess(ctx, SegmentCommand.class, "confidence=maybe"));
        } finally {
            Interpreter.removeBatchModeImage(open);
            Interpreter.batchMode = false;
        }
    }
}
