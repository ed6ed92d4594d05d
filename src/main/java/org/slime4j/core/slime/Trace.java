package org.slime4j.core.slime;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a training step or a segmentation hands its intermediate maps, by the golden files' names
 * ({@code train.was}, {@code infer.cross_softmax}, ...), for the parity tests. The values are asked for only when
 * someone records them: {@link #NONE} copies nothing from the device.
 */
@FunctionalInterface
public interface Trace {
    /** Records nothing. */
    Trace NONE = (name, values) -> {
    };

    void put(String name, Supplier<float[]> values);

    /** A trace that keeps every map in {@code into} (a later map of the same name replaces the earlier). */
    static Trace into(Map<String, float[]> into) {
        return (name, values) -> into.put(name, values.get());
    }
}
