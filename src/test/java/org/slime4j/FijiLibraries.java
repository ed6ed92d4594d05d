package org.slime4j;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a real Fiji ships, as far as the tests can know it: the artifacts pom-scijava 45.0.0 manages (the versions
 * Fiji ships) and, among the jars on the tests' class path, those that are such artifacts (a stand-in for Fiji's own
 * {@code jars/} folder when a test starts a JVM as Fiji's launcher does).
 */
final class FijiLibraries {
    private static final Path POM_SCIJAVA = Path.of(System.getProperty("maven.repo.local",
            System.getProperty("user.home") + "/.m2/repository"), "org/scijava/pom-scijava/45.0.0/pom-scijava-45.0.0.pom");
    private static final Pattern IN_REPOSITORY = Pattern.compile(".*/repository/(.+)/([^/]+)/([^/]+)/[^/]+\\.jar");

    private FijiLibraries() {
    }

    /** A jar of the class path that comes from a Maven repository: groupId:artifactId, version, file. */
    record Artifact(String key, String version, Path jar) {
    }

    /** Every jar on this JVM's class path that a Maven repository holds, in class path order. */
    static List<Artifact> onClassPath() {
        List<Artifact> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Matcher m = IN_REPOSITORY.matcher(entry.replace('\\', '/'));
            if (m.matches()) {
                out.add(new Artifact(m.group(1).replace('/', '.') + ":" + m.group(2), m.group(3), Path.of(entry)));
            }
        }
        return out;
    }

    /** The class path jars Fiji itself ships (pom-scijava manages them; test frameworks left out). */
    static List<Path> shippedByFiji() throws IOException {
        Map<String, String> managed = managedVersions();
        return onClassPath().stream().filter(a -> managed.containsKey(a.key()) && !a.key().startsWith("org.junit")
                && !a.key().startsWith("org.opentest4j") && !a.key().startsWith("org.apiguardian")).map(Artifact::jar)
                .toList();
    }

    /** groupId:artifactId -> version of everything pom-scijava 45.0.0 manages, properties resolved. */
    static Map<String, String> managedVersions() throws IOException {
        String pom = Files.readString(POM_SCIJAVA);
        Map<String, String> props = new HashMap<>();
        Matcher p = Pattern.compile("<([A-Za-z0-9_.-]+)>([^<]*)</\\1>").matcher(
                pom.substring(pom.indexOf("\n\t<properties>"), pom.indexOf("\n\t</properties>")));
        while (p.find()) {
            props.put(p.group(1), p.group(2).trim());
        }
        String section = pom.substring(pom.indexOf("<dependencyManagement>"), pom.indexOf("</dependencyManagement>"));
        Map<String, String> managed = new TreeMap<>();
        Matcher d = Pattern.compile("<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*"
                + "<version>([^<]+)</version>").matcher(section);
        while (d.find()) {
            managed.put(resolve(d.group(1), props) + ":" + resolve(d.group(2), props), resolve(d.group(3), props));
        }
        return managed;
    }

    private static String resolve(String value, Map<String, String> props) {
        String v = value.trim();
        for (int i = 0; i < 10 && v.contains("${"); i++) {
            Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(v);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(props.getOrDefault(m.group(1), m.group())));
            }
            m.appendTail(out);
            v = out.toString();
        }
        return v;
    }
}
