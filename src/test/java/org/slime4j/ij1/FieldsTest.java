package org.slime4j.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Macro options as ImageJ records them, read without a dialog, and the typed values with their messages. */
class FieldsTest {
    private static Fields train() {
        return new Fields().text("parts", "").text("model", "").file("output", "").number("epochs", 200)
                .number("learning_rate", 0.1).number("seed", 42).choice("device", "auto", "auto", "cpu", "gpu")
                .flag("augment", true).flag("validate", false).file("continue_from", "");
    }

    @Test
    void recordedOptionsGiveTheirValuesAndOthersKeepTheirDefaults() {
        Map<String, String> v = train().read("parts=[cell nucleus] model=/models/sd21 epochs=5 "
                + "seed=7 device=cpu validate output=/tmp/out.slime");
        assertEquals("cell nucleus", v.get("parts"), "a bracketed value keeps its spaces");
        assertEquals(5, Fields.integer(v, "epochs"));
        assertEquals(7L, Fields.whole(v, "seed"));
        assertEquals(0.1, Fields.decimal(v, "learning_rate"), "not given: the default");
        assertEquals("cpu", v.get("device"));
        assertTrue(Fields.flag(v, "validate"), "a flag is its key as a word (ImageJ 1.x's recorder)");
        assertTrue(Fields.flag(v, "augment"), "a flag not named keeps its default, as in Fiji");
        assertEquals(Path.of("/tmp/out.slime"), Fields.path(v, "output"));
        assertNull(Fields.path(v, "continue_from"), "blank: no file");
    }

    @Test
    void aFlagReadsBothHostsFormsAndAnUnknownKeyIsAnError() {
        assertEquals(List.of("false", "true"), List.of(
                train().read("augment=false validate=true").get("augment"),
                train().read("augment=false validate=true").get("validate")),
                "key=true/false, as Fiji's recorder writes it");
        assertEquals("false", train().read("augment=FALSE").get("augment"));
        String yes = assertThrows(IllegalArgumentException.class,
                () -> train().read("augment=yes")).getMessage();
        assertTrue(yes.contains("augment") && yes.contains("'yes'") && yes.contains("true or false"), yes);
        String typo = assertThrows(IllegalArgumentException.class,
                () -> train().read("epochs=3 agument=false")).getMessage();
        assertTrue(typo.startsWith("unknown option 'agument'") && typo.contains("augment"), typo);
    }

    @Test
    void aBadNumberNamesItsKeyAndValue() {
        Map<String, String> v = train().read("epochs=ten seed=1.5");
        String epochs = assertThrows(IllegalArgumentException.class, () -> Fields.integer(v, "epochs")).getMessage();
        assertTrue(epochs.contains("epochs") && epochs.contains("'ten'"), epochs);
        String seed = assertThrows(IllegalArgumentException.class, () -> Fields.whole(v, "seed")).getMessage();
        assertTrue(seed.contains("seed") && seed.contains("1.5") && seed.contains("whole"), seed);
    }
}
