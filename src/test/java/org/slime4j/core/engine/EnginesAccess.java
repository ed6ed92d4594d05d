package org.slime4j.core.engine;

import java.util.Map;

/** Test access to {@link Engines}' package-private decisions. */
public final class EnginesAccess {
    private EnginesAccess() {
    }

    public static String threads(Map<String, String> env) {
        return Engines.threads(env);
    }
}
