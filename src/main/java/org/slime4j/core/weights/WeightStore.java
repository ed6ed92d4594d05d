package org.slime4j.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The weights of one model component (a safetensors file), handed out by checkpoint key as arrays of the store's
 * compute type (fp32, or fp16 for a half-precision UNet; norms always fp32) owned by the store's manager, on its
 * device.
 *
 * <p>{@link #get(String, long...)} is strict: a missing key or a shape other than the one the block expects is an
 * error naming the full key, the shapes and the file. Other checkpoint namings are translated in ONE place,
 * {@link #ALIASES}. {@link #unusedKeys()} lists what was never asked for (e.g. the VAE decoder, which SLiMe does not
 * use). Not thread-safe while a model is being built; the arrays it returned may be shared afterwards.
 */
public final class WeightStore {
    /**
     * Key suffixes of older or newer diffusers namings, tried in turn when a key is absent: our blocks ask for the
     * names on the left (diffusers 0.16's VAE attention), the right-hand side is what later versions write.
     */
    static final Map<String, String> ALIASES = Map.of(
            ".query.", ".to_q.",
            ".key.", ".to_k.",
            ".value.", ".to_v.",
            ".proj_attn.", ".to_out.0.");

    private final SafeTensors file;
    private final NDManager manager;
    private final DataType compute;
    private final Set<String> used = new TreeSet<>();

    public WeightStore(SafeTensors file, NDManager manager) {
        this(file, manager, DataType.FLOAT32);
    }

    /** A store whose {@link #get} hands out {@code compute} arrays (fp32 or fp16). */
    public WeightStore(SafeTensors file, NDManager manager, DataType compute) {
        this.file = file;
        this.manager = manager;
        this.compute = compute;
    }

    private WeightStore(NDManager manager, DataType compute) {
        this.file = null;
        this.manager = manager;
        this.compute = compute;
    }

    /** The element type {@link #get} hands out. */
    public DataType computeType() {
        return compute;
    }

    /**
     * A store that answers every key with random values of the shape asked (normal with std 1/√fan-in; norm weights
     * 1, biases 0): for benchmarks of real-size models that cannot be downloaded. Never use it for results.
     */
    public static WeightStore random(NDManager manager) {
        return random(manager, DataType.FLOAT32);
    }

    /** As {@link #random(NDManager)}, computing in {@code compute} (norms stay fp32). */
    public static WeightStore random(NDManager manager, DataType compute) {
        return new WeightStore(manager, compute);
    }

    public Path file() {
        return file == null ? null : file.file();
    }

    public NDManager manager() {
        return manager;
    }

    /**
     * The tensor {@code key} in the compute type, checked against {@code shape}. A linear weight stored as a 1×1 convolution
     * ({@code [o, i, 1, 1]}) is accepted where {@code [o, i]} is asked for, as diffusers does when loading old VAEs.
     */
    public NDArray get(String key, long... shape) {
        NDArray weight = getFloat32(key, shape);
        if (compute == DataType.FLOAT32) {
            return weight;
        }
        NDArray converted = weight.toType(compute, true);
        weight.close();
        return converted;
    }

    /** Like {@link #get} but always fp32, for norms, which run in fp32 whatever the compute type. */
    public NDArray getFloat32(String key, long... shape) {
        if (file == null) {
            return randomWeight(key, new Shape(shape));
        }
        String stored = resolve(key);
        if (stored == null) {
            throw new ModelFormatException("Weight '" + key + "' is missing from " + file.file()
                    + "; the folder does not hold the model its config.json describes.");
        }
        TensorInfo info = file.info(stored);
        long[] have = info.shape();
        boolean squeezable = shape.length == 2 && have.length == 4 && have[2] == 1 && have[3] == 1
                && have[0] == shape[0] && have[1] == shape[1];
        if (!Arrays.equals(have, shape) && !squeezable) {
            throw new ModelFormatException("Weight '" + key + "' in " + file.file() + " has shape "
                    + Arrays.toString(have) + " but the config implies " + Arrays.toString(shape) + ".");
        }
        used.add(stored);
        try {
            return owned(manager, file, stored, new Shape(shape));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read '" + key + "' from " + file.file(), e);
        }
    }

    /**
     * Copies a tensor into memory owned by libtorch ({@link Owned}): {@code NDManager.create} aliases the Java buffer
     * it is given (here the file mapping), which must not outlive the mapping nor be kept by autograd.
     */
    static NDArray owned(NDManager manager, SafeTensors file, String name, Shape shape) throws IOException {
        TensorInfo info = file.info(name);
        NDArray alias;
        if (info.dtype() == DType.F32) {
            ByteBuffer bytes = file.map(name);
            alias = manager.create(bytes, shape, DataType.FLOAT32);
        } else {
            alias = manager.create(file.readFloats(name), shape);
        }
        return Owned.copy(alias);
    }

    private NDArray randomWeight(String key, Shape shape) {
        used.add(key);
        if (shape.dimension() == 1) {
            return key.contains("norm") && key.endsWith(".weight") ? manager.ones(shape) : manager.zeros(shape);
        }
        float std = (float) (1 / Math.sqrt(shape.size() / (double) shape.get(0)));
        return manager.randomNormal(0, key.contains("embedding") ? 1 : std, shape, DataType.FLOAT32);
    }

    private String resolve(String key) {
        if (file == null) {
            return key;
        }
        if (file.tensors().containsKey(key)) {
            return key;
        }
        for (Map.Entry<String, String> alias : ALIASES.entrySet()) {
            if (key.contains(alias.getKey())) {
                String other = key.replace(alias.getKey(), alias.getValue());
                if (file.tensors().containsKey(other)) {
                    return other;
                }
            }
        }
        return null;
    }

    /** Keys of the file that no block asked for, sorted. */
    public Set<String> unusedKeys() {
        if (file == null) {
            return Set.of();
        }
        Set<String> unused = new TreeSet<>(file.tensors().keySet());
        unused.removeAll(used);
        return unused;
    }
}
