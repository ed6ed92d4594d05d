package org.slime4j.core.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The user's SLiMe settings, shared by Fiji, headless runs and the CLI: {@code $XDG_CONFIG_HOME/slime/} (else
 * {@code $HOME/.config/slime/}, as huggingface_hub and other tools find it) holds {@code settings.properties} (today:
 * {@code pytorch}, the PyTorch build) and the accepted model licences. Written atomically.
 */
public final class Settings {
    private final Path file;

    public Settings(Path file) {
        this.file = file;
    }

    /** The settings file in this environment's config folder. */
    public static Settings fromEnvironment(Map<String, String> env) {
        return new Settings(configFolder(env).resolve("settings.properties"));
    }

    /** {@code $XDG_CONFIG_HOME/slime}, else {@code $HOME/.config/slime} ({@code user.home} without HOME). */
    public static Path configFolder(Map<String, String> env) {
        String config = env.get("XDG_CONFIG_HOME");
        if (config != null && !config.isBlank()) {
            return Path.of(config, "slime");
        }
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".config", "slime");
    }

    public Path file() {
        return file;
    }

    public Optional<String> get(String key) throws IOException {
        return Optional.ofNullable(load().getProperty(key));
    }

    /** Sets {@code key} (null removes it), keeping the other settings. */
    public void put(String key, String value) throws IOException {
        Properties p = load();
        if (value == null) {
            p.remove(key);
        } else {
            p.setProperty(key, value);
        }
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".settings", ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "SLiMe settings");
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private Properties load() throws IOException {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IllegalArgumentException e) {
                throw new IOException("Settings file " + file + " is damaged (" + e.getMessage() + "); delete it.");
            }
        }
        return p;
    }
}
