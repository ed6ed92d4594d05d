package org.slime4j.core.engine;

/**
 * DJL finds its engine through the thread's context class loader in a static initializer; inside Fiji that loader
 * does not see the plugin's jars. Set it to the plugin's loader before the first engine use.
 */
public final class DjlContext {
    private DjlContext() {
    }

    public static void prepare() {
        Thread.currentThread().setContextClassLoader(DjlContext.class.getClassLoader());
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }
}
