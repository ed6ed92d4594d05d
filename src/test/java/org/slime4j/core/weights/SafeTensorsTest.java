package org.slime4j.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader's validation, every message naming file, tensor and value; round trips; a file over 2 GiB. */
class SafeTensorsTest {
    @TempDir
    Path tmp;

    private Path raw(String name, String header, int dataBytes) throws Exception {
        return RawSafeTensors.write(tmp.resolve(name), header, dataBytes);
    }

    private String error(Path f) {
        return assertThrows(ModelFormatException.class, () -> SafeTensors.open(f).close()).getMessage();
    }

    @Test
    void roundTripOfEveryWrittenType() throws Exception {
        float[] values = {0f, 1f, -2.5f, 3.14159f, 65504f, 6.1e-5f, -1e-8f, 1e30f};
        Path f = tmp.resolve("t.safetensors");
        new SafeTensorsWriter()
                .put("f32", SafeTensorsWriter.Tensor.floats(values, 2, 4))
                .put("f16", SafeTensorsWriter.Tensor.halfs(DType.F16, values, 8))
                .put("bf16", SafeTensorsWriter.Tensor.halfs(DType.BF16, values, 8))
                .put("ids", SafeTensorsWriter.Tensor.longs(new long[] {7, -1, 49407}, 3))
                .metadata("format", "pt").write(f, false);
        try (SafeTensors st = SafeTensors.open(f)) {
            assertArrayEquals(values, st.readFloats("f32"));
            assertArrayEquals(new long[] {2, 4}, st.info("f32").shape());
            assertArrayEquals(new float[] {0f, 1f, -2.5f, 3.140625f, 65504f, 1023 * 0x1p-24f, -0f,
                    Float.POSITIVE_INFINITY}, st.readFloats("f16"));
            float[] bf = st.readFloats("bf16");
            for (int i = 0; i < values.length; i++) {
                assertEquals(Float.floatToIntBits(values[i]) >>> 16, Float.floatToIntBits(bf[i]) >>> 16, "bf16 " + i);
            }
            assertArrayEquals(new long[] {7, -1, 49407}, st.readLongs("ids"));
            assertEquals("pt", st.metadata().get("format"));
        }
        assertThrows(FileAlreadyExistsException.class, () -> new SafeTensorsWriter().write(f, false));
    }

    @Test
    void halfPrecisionConversionIsExactForEveryBitPattern() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = Floats.halfToFloat((short) bits);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals(bits, Floats.floatToHalf(f) & 0xffff, "half bits " + Integer.toHexString(bits));
        }
        assertEquals(0x3c00, Floats.floatToHalf(1f) & 0xffff);
        assertEquals(1f / (1 << 24), Floats.halfToFloat((short) 1));
    }

    @Test
    void truncatedFile() throws Exception {
        Path f = raw("cut.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 10);
        String m = error(f);
        assertTrue(m.contains(f.toString()) && m.contains("data section is 10 bytes") && m.contains("truncated"), m);
    }

    @Test
    void absurdHeaderLength() throws Exception {
        Path f = tmp.resolve("big-header.safetensors");
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
        String m = error(f);
        assertTrue(m.contains(f.toString()) && m.contains(Long.toString(Long.MAX_VALUE)), m);
        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[5]);
        assertTrue(error(tiny).contains("5 bytes long"));
    }

    @Test
    void headerThatIsNotJson() throws Exception {
        assertTrue(error(raw("junk.safetensors", "{not json", 0)).contains("not valid JSON"));
        assertTrue(error(raw("array.safetensors", "[1, 2]   ", 0)).contains("not a JSON object"));
    }

    @Test
    void unknownDtype() throws Exception {
        String m = error(raw("dt.safetensors", "{\"w\":{\"dtype\":\"Q4\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4));
        assertTrue(m.contains("tensor 'w'") && m.contains("unknown dtype 'Q4'"), m);
    }

    @Test
    void spanThatDoesNotMatchTheShape() throws Exception {
        String m = error(raw("span.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", 16));
        assertTrue(m.contains("tensor 'w'") && m.contains("24 bytes") && m.contains("span 16"), m);
    }

    @Test
    void overlapAndHole() throws Exception {
        String overlap = error(raw("o.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        assertTrue(overlap.contains("tensor 'b'") && overlap.contains("overlap"), overlap);
        String hole = error(raw("h.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12));
        assertTrue(hole.contains("tensor 'b'") && hole.contains("hole"), hole);
    }

    @Test
    void sizeThatOverflows() throws Exception {
        String m = error(raw("ov.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                + "\"data_offsets\":[0,4]}}", 4));
        assertTrue(m.contains("overflows"), m);
    }

    /**
     * 3000 mutated and random headers (and random declared lengths): the reader either opens the file or throws
     * ModelFormatException naming it; it never allocates more than the file holds (the length is checked first).
     */
    @Test
    void fuzzedHeadersOnlyEverFailWithModelFormatException() throws Exception {
        Random r = new Random(42);
        String good = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[8,12]}}";
        int opened = 0;
        for (int i = 0; i < 3000; i++) {
            Path f = tmp.resolve("fuzz" + (i % 50) + ".safetensors");
            byte[] data;
            if (i % 3 == 0) {
                byte[] noise = new byte[r.nextInt(64)];
                r.nextBytes(noise);
                ByteBuffer b = ByteBuffer.allocate(8 + noise.length).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(r.nextBoolean() ? r.nextLong() : r.nextInt(80)).put(noise);
                data = b.array();
            } else {
                char[] c = good.toCharArray();
                for (int k = 0; k < 1 + r.nextInt(4); k++) {
                    c[r.nextInt(c.length)] = (char) (32 + r.nextInt(95));
                }
                byte[] h = new String(c).getBytes(StandardCharsets.UTF_8);
                ByteBuffer b = ByteBuffer.allocate(8 + h.length + 12).order(ByteOrder.LITTLE_ENDIAN);
                data = b.putLong(h.length).put(h).array();
            }
            Files.write(f, data);
            try (SafeTensors st = SafeTensors.open(f)) {
                for (String name : st.tensors().keySet()) {
                    assertTrue(st.info(name).end() <= data.length, "tensor inside the file");
                    st.map(name);
                }
                opened++;
            } catch (ModelFormatException expected) {
                assertTrue(expected.getMessage().contains(f.toString()), expected.getMessage());
            }
        }
        assertTrue(opened > 0 && opened < 3000, "some mutations stay valid, most do not: " + opened);
    }

    /** A sparse file of 2.5 GiB whose last tensor starts beyond 2 GiB (no real disk is used). */
    @Test
    void tensorBeyondTwoGibibytes() throws Exception {
        long padBytes = (5L << 29) - 16;                                         // 2.5 GiB - 16
        String header = "{\"pad\":{\"dtype\":\"U8\",\"shape\":[" + padBytes + "],\"data_offsets\":[0," + padBytes
                + "]},\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[" + padBytes + "," + (padBytes + 16)
                + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path f = tmp.resolve("big.safetensors");
        try (RandomAccessFile file = new RandomAccessFile(f.toFile(), "rw")) {
            file.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            file.write(h);
            long start = 8 + h.length + padBytes;
            file.seek(start);
            ByteBuffer x = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            x.asFloatBuffer().put(new float[] {1.5f, -2f, 3.25f, 1e-3f});
            file.write(x.array());
        }
        assertTrue(Files.size(f) > (2L << 30));
        try (SafeTensors st = SafeTensors.open(f)) {
            assertTrue(st.info("x").begin() > Integer.MAX_VALUE);
            assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 1e-3f}, st.readFloats("x"));
            ModelFormatException tooLarge = assertThrows(ModelFormatException.class, () -> st.map("pad"));
            assertTrue(tooLarge.getMessage().contains("'pad'") && tooLarge.getMessage().contains("over 2 GiB"));
        }
    }
}
