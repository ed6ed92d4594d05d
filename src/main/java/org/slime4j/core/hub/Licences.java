package org.slime4j.core.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Model licences: read from the front matter of a repository's model card ({@code license:}, {@code license_name:},
 * {@code license_link:}), shown before the first download, and the user's acceptance recorded per repository in
 * {@code accepted-licences} of the {@link org.slime4j.core.config.Settings#configFolder config folder}. Nothing is bundled.
 */
final class Licences {
    private final Path accepted;

    public Licences(Path accepted) {
        this.accepted = accepted;
    }

    public static Licences fromEnvironment(Map<String, String> env) {
        return new Licences(org.slime4j.core.config.Settings.configFolder(env).resolve("accepted-licences"));
    }

    /** The licence named by a model card's YAML front matter, or "not stated" when there is none. */
    static String fromModelCard(String card) {
        if (card == null || !card.startsWith("---")) {
            return "not stated (read the model card)";
        }
        int end = card.indexOf("\n---", 3);
        String front = end < 0 ? card : card.substring(0, end);
        String license = null;
        String name = null;
        String link = null;
        for (String line : front.split("\n")) {
            String t = line.strip();
            if (t.startsWith("license:")) {
                license = t.substring(8).strip();
            } else if (t.startsWith("license_name:")) {
                name = t.substring(13).strip();
            } else if (t.startsWith("license_link:")) {
                link = t.substring(13).strip();
            }
        }
        if (license == null) {
            return "not stated (read the model card)";
        }
        String shown = "other".equals(license) && name != null ? name : license;
        return link == null ? shown : shown + " (" + link + ")";
    }

    public boolean isAccepted(String repo) throws IOException {
        if (!Files.isRegularFile(accepted)) {
            return false;
        }
        return Files.readAllLines(accepted, StandardCharsets.UTF_8).stream()
                .anyMatch(line -> line.startsWith(repo + "\t"));
    }

    public void accept(String repo, String licence) throws IOException {
        Files.createDirectories(accepted.getParent());
        Files.writeString(accepted, repo + "\t" + licence + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
