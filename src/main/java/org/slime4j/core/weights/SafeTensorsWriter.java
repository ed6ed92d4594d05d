package org.slime4j.core.weights;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files, atomically: the data goes to a temporary file beside the target, which is then moved
 * over it in one step, so a reader never sees half a file. Refuses to replace an existing file unless asked.
 *
 * <p>{@code new SafeTensorsWriter().put("w", Tensor.floats(data, 2, 3)).write(path, false)}
 */
public final class SafeTensorsWriter {
    /** One tensor to write: its element type, shape and little-endian bytes. */
    public record Tensor(DType dtype, long[] shape, byte[] bytes) {
        public static Tensor floats(float[] data, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(data);
            return checked(DType.F32, shape, b.array());
        }

        /** Stores {@code data} as F16 (rounded to nearest) or BF16 (truncated). */
        public static Tensor halfs(DType dtype, float[] data, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(data.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : data) {
                b.putShort(dtype == DType.BF16 ? (short) (Float.floatToIntBits(f) >>> 16) : Floats.floatToHalf(f));
            }
            return checked(dtype, shape, b.array());
        }

        public static Tensor longs(long[] data, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(data);
            return checked(DType.I64, shape, b.array());
        }

        private static Tensor checked(DType dtype, long[] shape, byte[] bytes) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n * dtype.bytes() != bytes.length) {
                throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " does not hold "
                        + bytes.length / dtype.bytes() + " elements");
            }
            return new Tensor(dtype, shape.clone(), bytes);
        }
    }

    private final Map<String, Tensor> tensors = new TreeMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafeTensorsWriter put(String name, Tensor tensor) {
        tensors.put(name, tensor);
        return this;
    }

    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** The header JSON, padded with spaces to a multiple of 8 bytes as the reference writer does. */
    byte[] header() {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put("__metadata__", metadata);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", t.dtype().name());
            List<Long> shape = new ArrayList<>();
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.put("shape", shape);
            entry.put("data_offsets", List.of(offset, offset + t.bytes().length));
            offset += t.bytes().length;
            header.put(e.getKey(), entry);
        }
        StringBuilder json = new StringBuilder(new Gson().toJson(header));
        while (json.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            json.append(' ');
        }
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes the file atomically.
     *
     * @param replace whether an existing {@code target} may be replaced
     * @throws java.nio.file.FileAlreadyExistsException when {@code target} exists and {@code replace} is false
     */
    public void write(Path target, boolean replace) throws IOException {
        if (!replace && Files.exists(target)) {
            throw new java.nio.file.FileAlreadyExistsException(target.toString(), null,
                    "exists already; choose another name or allow overwriting");
        }
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // not createTempFile, which makes the file owner-only: the result gets the mode the umask gives any new file
        Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + System.nanoTime() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                byte[] header = header();
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
                out.write(header);
                for (Tensor t : tensors.values()) {
                    out.write(t.bytes());
                }
            }
            if (replace) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
