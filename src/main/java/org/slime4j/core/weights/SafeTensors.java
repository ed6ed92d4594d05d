package org.slime4j.core.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only, memory-mapped view of one safetensors file.
 *
 * <p>The header is read and validated when the file is opened: its length is bounded by the file size and by
 * {@link #MAX_HEADER_BYTES}, it must be a JSON object, every dtype must be known, every span must equal
 * shape × element size, and the spans must tile the data section from its first to its last byte. Offsets are
 * {@code long}, so files over 2 GiB work; each tensor is mapped on its own when it is read (one tensor must stay
 * under 2 GiB, which every Stable Diffusion tensor does). Every error names the file, the tensor and the value.
 *
 * <p>Instances are immutable and safe to share between threads; {@link #close()} releases the file handle.
 */
public final class SafeTensors implements AutoCloseable {
    /** Headers larger than this are refused: a real one is a few hundred KiB. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private final Path file;
    private final FileChannel channel;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Path file, FileChannel channel, Map<String, TensorInfo> tensors,
                        Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and validates {@code file}. */
    public static SafeTensors open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw bad(file, "is " + size + " bytes long, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > size - 8 || headerLength > MAX_HEADER_BYTES) {
                throw bad(file, "declares a header of " + Long.toUnsignedString(headerLength)
                        + " bytes, but the file has " + (size - 8) + " bytes after the length field (limit "
                        + MAX_HEADER_BYTES + "); the file is truncated or not safetensors");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            String json = new String(headerBytes.array(), StandardCharsets.UTF_8);
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(file, json, 8 + headerLength, size, metadata);
            return new SafeTensors(file, channel, tensors, Collections.unmodifiableMap(metadata));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path file, String json, long dataStart, long fileSize,
                                                       Map<String, String> metadata) {
        JsonObject header;
        try {
            JsonElement root = JsonParser.parseString(json);
            if (!root.isJsonObject()) {
                throw bad(file, "has a header that is not a JSON object");
            }
            header = root.getAsJsonObject();
        } catch (JsonParseException e) {
            throw bad(file, "has a header that is not valid JSON (" + e.getMessage() + ")");
        }
        List<TensorInfo> list = new ArrayList<>();
        for (Map.Entry<String, JsonElement> entry : header.entrySet()) {
            String name = entry.getKey();
            if (name.equals("__metadata__")) {
                if (entry.getValue().isJsonObject()) {
                    entry.getValue().getAsJsonObject().entrySet().forEach(
                            m -> metadata.put(m.getKey(), m.getValue().isJsonPrimitive()
                                    ? m.getValue().getAsString() : m.getValue().toString()));
                }
                continue;
            }
            list.add(parseEntry(file, name, entry.getValue(), dataStart));
        }
        list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = dataStart;
        for (TensorInfo t : list) {
            if (t.begin() != expected) {
                throw bad(file, "tensor '" + t.name() + "' starts at data offset " + (t.begin() - dataStart)
                        + " but the previous tensor ends at " + (expected - dataStart)
                        + (t.begin() < expected ? " (overlap)" : " (hole)"));
            }
            expected = t.end();
        }
        if (expected != fileSize) {
            throw bad(file, "tensors end at data offset " + (expected - dataStart) + " but the data section is "
                    + (fileSize - dataStart) + " bytes" + (expected > fileSize ? " (file truncated)" : ""));
        }
        Map<String, TensorInfo> map = new LinkedHashMap<>();
        header.keySet().stream().filter(k -> !k.equals("__metadata__")).sorted()
                .forEach(k -> list.stream().filter(t -> t.name().equals(k)).findFirst().ifPresent(t -> map.put(k, t)));
        return Collections.unmodifiableMap(map);
    }

    private static TensorInfo parseEntry(Path file, String name, JsonElement value, long dataStart) {
        String where = "tensor '" + name + "'";
        if (!value.isJsonObject()) {
            throw bad(file, where + " is not a JSON object: " + value);
        }
        JsonObject o = value.getAsJsonObject();
        if (!o.has("dtype") || !o.get("dtype").isJsonPrimitive()) {
            throw bad(file, where + " has no dtype");
        }
        DType dtype = DType.parse(o.get("dtype").getAsString());
        if (dtype == null) {
            throw bad(file, where + " has unknown dtype '" + o.get("dtype").getAsString() + "'");
        }
        long[] shape = longs(file, where, "shape", o.get("shape"));
        long[] offsets = longs(file, where, "data_offsets", o.get("data_offsets"));
        if (offsets.length != 2 || offsets[1] < offsets[0]) {
            throw bad(file, where + " has data_offsets " + o.get("data_offsets") + ", expected [begin, end]");
        }
        long elements = 1;
        try {
            for (long d : shape) {
                elements = Math.multiplyExact(elements, d);
            }
            long span = Math.multiplyExact(elements, dtype.bytes());
            if (span != offsets[1] - offsets[0]) {
                throw bad(file, where + " has shape " + o.get("shape") + " of " + dtype + " = " + span
                        + " bytes, but data_offsets " + o.get("data_offsets") + " span " + (offsets[1] - offsets[0]));
            }
            return new TensorInfo(name, dtype, shape, Math.addExact(dataStart, offsets[0]),
                    Math.addExact(dataStart, offsets[1]));
        } catch (ArithmeticException e) {
            throw bad(file, where + " has shape " + o.get("shape") + " whose size overflows 64 bits");
        }
    }

    private static long[] longs(Path file, String where, String key, JsonElement e) {
        if (e == null || !e.isJsonArray()) {
            throw bad(file, where + " has no '" + key + "' array");
        }
        JsonArray a = e.getAsJsonArray();
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement x = a.get(i);
            long v;
            try {
                v = x.getAsBigDecimal().longValueExact();
            } catch (RuntimeException ex) {
                throw bad(file, where + " has a non-integer in '" + key + "': " + x);
            }
            if (v < 0) {
                throw bad(file, where + " has a negative value in '" + key + "': " + v);
            }
            out[i] = v;
        }
        return out;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static ModelFormatException bad(Path file, String what) {
        return new ModelFormatException("Safetensors file " + file + " " + what + ".");
    }

    public Path file() {
        return file;
    }

    /** Tensor entries by name, sorted by name. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} strings of the header (empty when there are none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return the entry, or throws naming the file when the tensor is absent */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException("Tensor '" + name + "' is not in " + file + ".");
        }
        return t;
    }

    /** Maps the bytes of one tensor (little-endian, read-only). Never write into the result. */
    public ByteBuffer map(String name) throws IOException {
        TensorInfo t = info(name);
        long length = t.end() - t.begin();
        if (length > Integer.MAX_VALUE) {
            throw new ModelFormatException("Tensor '" + name + "' in " + file + " is " + length
                    + " bytes; a single tensor over 2 GiB is not supported.");
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, t.begin(), length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads a floating-point tensor as fp32 (F16 and BF16 widened, F64 narrowed). */
    public float[] readFloats(String name) throws IOException {
        TensorInfo t = info(name);
        if (!t.dtype().isFloat()) {
            throw new ModelFormatException("Tensor '" + name + "' in " + file + " is " + t.dtype()
                    + ", expected a floating-point type (F32, F16, BF16, F64).");
        }
        return Floats.toFloat32(map(name), t.dtype(), Math.toIntExact(t.elementCount()));
    }

    /**
     * Feeds {@code digest} with {@code perTensor} evenly spaced values of every floating-point tensor, in name order,
     * each as the fp16 bits PyTorch's {@code half()} would give it: the same for an fp32 file and its fp16 copy, and
     * different for other weights of the same shapes. Reads a few bytes per tensor, not the tensors.
     */
    public void sampleInto(java.security.MessageDigest digest, int perTensor) throws IOException {
        for (TensorInfo t : new java.util.TreeMap<>(tensors).values()) {
            if (!t.dtype().isFloat() || t.elementCount() == 0) {
                continue;
            }
            ByteBuffer b = map(t.name());
            long n = t.elementCount();
            for (int j = 0; j < perTensor; j++) {
                int i = (int) (j * n / perTensor);
                float v = switch (t.dtype()) {
                    case F32 -> b.getFloat(i * 4);
                    case F64 -> (float) b.getDouble(i * 8);
                    case BF16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
                    default -> Floats.halfToFloat(b.getShort(i * 2));
                };
                short h = Floats.floatToHalf(v);
                digest.update((byte) h);
                digest.update((byte) (h >> 8));
            }
        }
    }

    /** Reads an integer tensor (I64, I32, I16, I8, U8, BOOL) as longs. */
    public long[] readLongs(String name) throws IOException {
        TensorInfo t = info(name);
        ByteBuffer b = map(name);
        long[] out = new long[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (t.dtype()) {
                case I64 -> b.getLong(i * 8);
                case I32 -> b.getInt(i * 4);
                case I16 -> b.getShort(i * 2);
                case I8 -> b.get(i);
                case U8, BOOL -> b.get(i) & 0xff;
                default -> throw new ModelFormatException("Tensor '" + name + "' in " + file + " is "
                        + t.dtype() + ", expected an integer type.");
            };
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
