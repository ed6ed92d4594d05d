package org.slime4j.core.weights;

import ai.djl.ndarray.NDArray;

/**
 * The one way to make an array libtorch owns from Java values: {@code Owned.copy(manager.create(values, shape))}.
 * DJL's {@code create} may alias the Java buffer it is given (zero-copy from a direct buffer or a file mapping); an
 * alias must not outlive that buffer, and autograd must never hold one. See the memory policy in
 * {@link org.slime4j.core}.
 */
public final class Owned {
    private Owned() {
    }

    /** A copy of {@code alias} in memory libtorch owns, in the alias's manager; the alias is closed. */
    public static NDArray copy(NDArray alias) {
        try (alias) {
            return alias.duplicate();
        }
    }
}
