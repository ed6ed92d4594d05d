package org.slime4j.fiji;

import java.io.IOException;
import java.nio.file.Path;
import org.slime4j.core.Slime;
import org.slime4j.core.model.DeviceChoice;
import org.slime4j.core.model.Precision;

/**
 * Keeps the last opened base model, so that a macro or a folder of calls does not reload gigabytes of weights each
 * time. Opening another model (or device) closes the previous one. Thread-safe.
 */
public final class Sessions {
    private static Slime current;
    private static String key;

    private Sessions() {
    }

    public static synchronized Slime open(Path model, DeviceChoice device) throws IOException {
        return open(model, device, Precision.FP32);
    }

    /** The model in {@code precision} (fp16: segmentation on GPUs). */
    public static synchronized Slime open(Path model, DeviceChoice device, Precision precision) throws IOException {
        String k = model.toAbsolutePath().normalize() + "|" + device + "|" + precision;
        if (current != null && k.equals(key)) {
            return current;
        }
        close();
        DjlContext.prepare();
        current = Slime.open(model, device, precision);
        key = k;
        return current;
    }

    public static synchronized void close() {
        if (current != null) {
            current.close();
            current = null;
            key = null;
        }
    }
}
