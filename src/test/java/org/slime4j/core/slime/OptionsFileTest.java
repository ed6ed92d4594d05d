package org.slime4j.core.slime;

import static org.slime4j.core.slime.SlimeOption.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.model.ModelIdentity;

/**
 * The option table ({@link SlimeOption}) is the one description of each option: the record follows it, its
 * defaults and ranges hold, and a {@code .slime} file stores and restores every option exactly.
 */
class OptionsFileTest {
    @TempDir
    Path tmp;

    /** Every option off its default, taken from the table alone (a value the table allows that differs). */
    static SlimeOptions everyFieldChanged() {
        Map<SlimeOption, Object> changed = new EnumMap<>(SlimeOption.class);
        for (SlimeOption o : SlimeOption.values()) {
            changed.put(o, switch (o.type()) {
                case INT -> o == WORKING_SIZE ? 256 : o == PATCH_SIZE ? 192
                        : (int) o.defaultValue() + 3;
                case LONG -> (1L << 53) + 1;                                     // not a double
                case DECIMAL -> (double) o.defaultValue() / 2 + 1e-7;
                case FLAG -> !(boolean) o.defaultValue();
                case LAYERS -> List.of(((List<?>) o.defaultValue()).get(0).toString());
            });
        }
        return SlimeOptions.defaults().with(changed);
    }

    @Test
    void theRecordFollowsTheTableAndTheTableHoldsItsDefaultsAndRanges() {
        RecordComponent[] components = SlimeOptions.class.getRecordComponents();
        assertEquals(SlimeOption.values().length, components.length, "one table entry per record component");
        SlimeOptions d = SlimeOptions.defaults();
        for (SlimeOption o : SlimeOption.values()) {
            String camel = components[o.ordinal()].getName();
            assertEquals(o.key().replace("_", ""), camel.toLowerCase(), "the table follows the record's order");
            assertEquals(o.defaultValue(), o.of(d), o.key());
            assertEquals(o.defaultValue(), o.parse(o.defaultText()), o.key() + ": its text reads back");
            if (o.type() == SlimeOption.Type.INT || o.type() == SlimeOption.Type.DECIMAL) {
                String bad = assertThrows(IllegalArgumentException.class, () -> o.parse("-1e12")).getMessage();
                assertTrue(bad.startsWith(o.key() + " must be"), bad);
            }
        }
        assertEquals(512, d.workingSize());
        String notEight = assertThrows(IllegalArgumentException.class, () -> d.with(WORKING_SIZE, 100))
                .getMessage();
        assertTrue(notEight.contains("multiple of 8"), notEight);
        assertEquals(Long.MAX_VALUE, SEED.parse(Long.toString(Long.MAX_VALUE)), "seeds read exactly");
    }

    @Test
    void everyOptionSurvivesTheFileExactly() throws Exception {
        SlimeOptions o = everyFieldChanged();
        SlimeOptions d = SlimeOptions.defaults();
        for (SlimeOption option : SlimeOption.values()) {
            assertNotEquals(option.of(d), option.of(o), option.key() + " left at its default");
        }
        assertEquals((1L << 53) + 1, o.seed());
        int width = 4;
        TextContext text = new TextContext(2, 3, width, new float[3 * width], new float[3 * width]);
        LearnedParts parts = new LearnedParts(List.of("background", "cell"), new float[][] {{1, 2, 3, 4}}, text,
                new ModelIdentity("org/model", "abc"), o, InputMapping.PERCENTILE, "2026-12-04T00:00:00Z", null);
        Path file = tmp.resolve("all.slime");
        parts.save(file, false);
        LearnedParts back = LearnedParts.load(file);
        assertEquals(o, back.options());
        assertEquals(InputMapping.PERCENTILE, back.inputMapping());
        assertEquals(List.of("background", "cell"), back.partNames());
    }
}
