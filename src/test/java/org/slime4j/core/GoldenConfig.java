package org.slime4j.core;

import static org.slime4j.core.slime.SlimeOption.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.weights.SafeTensors;

/** The options the reference ran with, read from the golden file's metadata and golden.md, never assumed. */
final class GoldenConfig {
    private GoldenConfig() {
    }

    static int meta(SafeTensors golden, String key) {
        return Integer.parseInt(golden.metadata().get(key));
    }

    static int flag(String md, String name) {
        Matcher m = Pattern.compile("--" + name + " (\\d+)").matcher(md);
        if (!m.find()) {
            throw new IllegalStateException("golden.md does not state --" + name);
        }
        return Integer.parseInt(m.group(1));
    }

    static String markdown() throws IOException {
        return Files.readString(Fixture.require().resolve("golden.md"), StandardCharsets.UTF_8);
    }

    /** Options: S, threshold from the metadata; patches, layers and t from golden.md. */
    static SlimeOptions options(SafeTensors golden) throws IOException {
        String md = markdown();
        List<String> cross = new ArrayList<>();
        List<String> self = new ArrayList<>();
        String line = md.substring(md.indexOf("attention_layers_to_use"));
        line = line.substring(0, line.indexOf('\n'));
        Matcher m = Pattern.compile("(\\w+)\\[(\\d+)]\\.attentions\\[(\\d+)]\\.transformer_blocks\\[(\\d+)]\\.(attn\\d)")
                .matcher(line);
        while (m.find()) {
            String path = m.group(1) + "." + m.group(2) + ".attentions." + m.group(3) + ".transformer_blocks."
                    + m.group(4) + "." + m.group(5);
            (m.group(5).equals("attn2") ? cross : self).add(path);
        }
        return SlimeOptions.defaults()
                .with(WORKING_SIZE, meta(golden, "S"))
                .with(CROSS_LAYERS, cross)
                .with(SELF_LAYERS, self)
                .with(java.util.Map.of(TRAIN_T_MIN, flag(md, "train_t"), TRAIN_T_MAX, flag(md, "train_t")))
                .with(TEST_T, flag(md, "test_t"))
                .with(PATCHES_PER_SIDE, flag(md, "num_patchs_per_side"))
                .with(PATCH_SIZE, flag(md, "patch_size"))
                .with(PATCH_THRESHOLD, Double.parseDouble(golden.metadata().get("patch_threshold")))
                .with(AUGMENT, false);
    }
}
