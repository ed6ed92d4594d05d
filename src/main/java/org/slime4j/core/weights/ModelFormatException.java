package org.slime4j.core.weights;

/**
 * A model file or folder that cannot be used as it is. The message names the file, the key or tensor and the bad
 * value, so that a user can act on it without reading code.
 */
public final class ModelFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
