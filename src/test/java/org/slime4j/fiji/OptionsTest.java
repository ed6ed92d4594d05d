package org.slime4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.slime4j.core.config.Settings;

/**
 * SLiMe Options through SciJava's CommandService: the build is checked, saved where every front end reads it
 * (the tests' XDG_CONFIG_HOME, set by the build), and the engine report follows; a bad folder changes nothing.
 */
class OptionsTest {
    @Test
    void optionsSaveACheckedBuildAndReportTheEngine() throws Exception {
        Settings settings = Settings.fromEnvironment(System.getenv());
        assertTrue(settings.file().startsWith(Path.of("target").toAbsolutePath()), "tests keep to their own config: "
                + settings.file());
        System.setProperty("java.awt.headless", "true");
        try (Context context = new Context()) {
            CommandService commands = context.service(CommandService.class);
            CommandModule ok = commands.run(OptionsCommand.class, true, "pytorch", "bundled", "download", false).get();
            assertEquals(false, ok.isCanceled(), ok.getCancelReason());
            assertEquals(Optional.of("bundled"), settings.get("pytorch"));

            Path notTorch = Files.createTempDirectory("not-torch");
            CommandModule bad = commands.run(OptionsCommand.class, true, "pytorch", notTorch.toString(),
                    "download", false).get();
            assertTrue(bad.isCanceled());
            assertTrue(bad.getCancelReason().contains("holds no " + System.mapLibraryName("torch")),
                    bad.getCancelReason());
            assertEquals(Optional.of("bundled"), settings.get("pytorch"), "a refused folder is not saved");
            settings.put("pytorch", null);
        }
    }
}
