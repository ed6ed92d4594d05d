package org.slime4j.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.slime4j.core.weights.SafeTensors;
import org.slime4j.core.weights.SafeTensorsWriter;
import org.slime4j.core.weights.TensorInfo;

/** Copies a model folder, rewriting each {@code *.fp16.safetensors} as an fp32 file with the widened values. */
final class HalfCopies {
    private HalfCopies() {
    }

    static void widen(Path from, Path to) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(from)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            Path target = to.resolve(from.relativize(f).toString().replace(".fp16.safetensors", ".safetensors"));
            Files.createDirectories(target.getParent());
            if (!f.toString().endsWith(".fp16.safetensors")) {
                Files.copy(f, target);
                continue;
            }
            SafeTensorsWriter w = new SafeTensorsWriter();
            try (SafeTensors in = SafeTensors.open(f)) {
                for (TensorInfo t : in.tensors().values()) {
                    w.put(t.name(), SafeTensorsWriter.Tensor.floats(in.readFloats(t.name()), t.shape()));
                }
            }
            w.write(target, false);
        }
    }
}
