package org.slime4j.cli;

/** Runs the command line in this JVM (no System.exit) for tests. */
public final class CliAccess {
    private CliAccess() {
    }

    public static int run(String... args) {
        return SlimeCli.run(args);
    }
}
