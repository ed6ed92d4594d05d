package org.slime4j.core.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a safetensors file byte by byte from a header text, valid or not, for tests of the reader. */
public final class RawSafeTensors {
    private RawSafeTensors() {
    }

    /** The 8-byte length of {@code header}, the header, then {@code dataBytes} zero bytes. */
    public static Path write(Path file, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Files.write(file, b.array());
        return file;
    }
}
