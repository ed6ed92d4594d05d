package org.slime4j.imagej;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.TiffDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What made a label image or confidence map: the learned-parts file (by SHA-256, and its name for people) and the
 * settings that change its pixels (tiling, seed, precision). Stamped into the image's Info (Image › Show Info; kept
 * in the TIFF), read back from a TIFF's header without its pixels, so that a rerun skips only what the same file and
 * settings made.
 *
 * @param slime    the first 16 hex digits of the {@code .slime} file's SHA-256
 * @param file     its file name, for people
 * @param settings the settings that change the pixels, as text
 */
public record Provenance(String slime, String file, String settings) {
    private static final String SOURCE = "SLiMe.source";
    private static final String SETTINGS = "SLiMe.settings";

    /** Records this provenance in {@code imp}'s Info and properties. */
    public void stamp(ImagePlus imp) {
        String info = imp.getInfoProperty();
        imp.setProperty("Info", (info == null || info.isBlank() ? "" : info.strip() + "\n") + SOURCE + " = " + slime
                + " " + file + "\n" + SETTINGS + " = " + settings + "\n");
        imp.setProp(SOURCE, slime + " " + file);
        imp.setProp(SETTINGS, settings);
    }

    /** Whether {@code other} was made by the same file with the same settings (the file's name may differ). */
    public boolean sameAs(Provenance other) {
        return other != null && slime.equals(other.slime) && settings.equals(other.settings);
    }

    /** The provenance stamped into the TIFF {@code file}; null when it has none or cannot be read. */
    public static Provenance read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            FileInfo[] info = new TiffDecoder(file.getParent().toString() + java.io.File.separator,
                    file.getFileName().toString()).getTiffInfo();
            String text = info == null || info.length == 0 ? null : info[0].info;
            if (text == null) {
                return null;
            }
            String source = value(text, SOURCE);
            String settings = value(text, SETTINGS);
            if (source == null || settings == null) {
                return null;
            }
            int space = source.indexOf(' ');
            return new Provenance(space < 0 ? source : source.substring(0, space), space < 0 ? ""
                    : source.substring(space + 1), settings);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String value(String info, String key) {
        for (String line : info.split("\n")) {
            if (line.startsWith(key + " = ")) {
                return line.substring(key.length() + 3).strip();
            }
        }
        return null;
    }
}
