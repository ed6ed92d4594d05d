package org.slime4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.process.ByteProcessor;
import ij.ImagePlus;
import ij.io.FileSaver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.model.TinyModel;

/**
 * The command line as a table: each bad flag or value, missing file, empty folder and pattern mismatch gives its
 * exit code (2: usage, 1: failure) and a message that names what is wrong; and what the happy paths print.
 */
class CliTableTest {
    @TempDir
    static Path tmp;
    static String model;
    static String image;
    static String labels;
    static String slime;

    @BeforeAll
    static void prepare() throws Exception {
        model = TinyModel.writeSdLayout(tmp.resolve("model"), 23).toString();
        image = tmp.resolve("image.tif").toString();
        labels = tmp.resolve("labels.png").toString();
        writeStripes(Path.of(image), Path.of(labels));
        slime = tmp.resolve("parts.slime").toString();
        Result r = cli("train", "--model", model, "--image", image, "--labels", labels, "--out", slime, "--epochs",
                "2", "--size", "64", "--device", "cpu");
        assertEquals(0, r.code, r.err);
        assertTrue(r.err.contains("parts from the label image(s): [part1, part2] (name them with --parts)"), r.err);
        assertTrue(r.out.contains("wrote " + slime + ": parts [background, part1, part2]; 2 epoch(s), kept epoch "),
                r.out);
        // all background: the background's IoU 14/40 = 0.35, the two parts' 0, mean of the three 0.117
        assertTrue(r.out.contains("(all background would score 0.117)"), r.out);
        assertTrue(r.err.matches("(?s).*epoch 2/2: loss [0-9.]+, IoU [0-9.]+.*, [0-9.]+ s, about 0 s left.*"), r.err);
        Files.createDirectories(tmp.resolve("pngs"));
        Files.copy(Path.of(labels), tmp.resolve("pngs/a.png"));
        Files.createDirectories(tmp.resolve("empty"));
    }

    /** A 40×32 gray image of three vertical stripes (a TIFF) and its label image (a PNG: 0, 1, 2). */
    static void writeStripes(Path image, Path labels) {
        ByteProcessor ip = new ByteProcessor(40, 32);
        ByteProcessor lab = new ByteProcessor(40, 32);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 40; x++) {
                int k = x < 14 ? 0 : x < 28 ? 1 : 2;
                lab.set(x, y, k);
                ip.set(x, y, 40 + 80 * k + (x * 7 + y * 3) % 20);
            }
        }
        assertTrue(new FileSaver(new ImagePlus("i", ip)).saveAsTiff(image.toString()));
        assertTrue(new FileSaver(new ImagePlus("l", lab)).saveAsPng(labels.toString()));
    }

    private static String save(ImagePlus imp, String name) {
        String file = tmp.resolve(name).toString();
        assertTrue(name.endsWith(".png") ? new FileSaver(imp).saveAsPng(file) : new FileSaver(imp).saveAsTiff(file));
        return file;
    }

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = SlimeCli.run(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static List<String> segment(String... more) {
        List<String> args = new ArrayList<>(List.of("segment", "--model", model, "--slime", slime, "--device", "cpu"));
        args.addAll(List.of(more));
        return args;
    }

    private static List<String> train(String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--model", model, "--image", image, "--labels", labels,
                "--out", tmp.resolve("t.slime").toString(), "--size", "64"));
        args.addAll(List.of(more));
        return args;
    }

    /** A training to {@code out}, with everything else right. */
    private static List<String> trainTo(String out) {
        return List.of("train", "--model", model, "--image", image, "--labels", labels, "--out", out, "--size", "64",
                "--epochs", "1", "--device", "cpu");
    }

    @Test
    void eachBadInputGivesItsExitCodeAndAMessageThatSaysWhatIsWrong() {
        String out = tmp.resolve("out.tif").toString();
        Object[][] table = {
            {train("--no-such-flag"), 2, "Unknown option: '--no-such-flag'"},
            {List.of("train"), 2, "Missing required options: '--model=MODEL', '--image=FILE', '--out=FILE.slime'"},
            {train("--epochs", "0"), 2, "Invalid value for option '--epochs': '0' is not a whole number >= 1"},
            {train("--size", "100"), 2, "'100' is not a multiple of 8"},
            {train("--lr", "-1"), 2, "'-1' is not a number > 0"},
            {train("--device", "tpu"), 2, "device 'tpu' is not one of cpu, gpu, auto"},
            {train("--rois", "x.zip"), 2, "give either --labels or --rois"},
            {List.of("train", "--model", model, "--image", image, "--image", image, "--labels", labels, "--out",
                    "x.slime"), 2, "give one --labels per --image: 2 images, 1 annotations"},
            {List.of("train", "--model", model, "--image", "nope.png", "--labels", labels, "--out", "x.slime"), 1,
                "--image nope.png does not exist."},
            {List.of("train", "--model", model, "--image", image, "--labels", image, "--out", "x.slime",
                    "--device", "cpu"), 1, "The label image has value 219, but a label image holds 0"},
            {segment(image, "--output", out, "--shard", "5/4"), 2, "shard 5/4 is outside 1..4"},
            {segment(image, "--output", out, "--precision", "fp8"), 2, "precision 'fp8' is not fp32 or fp16"},
            {segment(image, "--output", out, "--overlap", "1.5"), 2, "'1.5' is not a fraction"},
            {segment(image, "--output", out, "--crops-per-pass", "0"), 2, "'0' is not a whole number >= 1"},
            {List.of("segment", "--model", model, "--slime", "missing.slime", image, "--output", out), 1,
                "Learned-parts file missing.slime does not exist"},
            {List.of("segment", "--model", model, "--slime", labels, image, "--output", out), 1,
                "is not a SLiMe learned-parts file (.slime)"},
            {segment("nowhere.tif", "--output", out), 1, "INPUT nowhere.tif does not exist"},
            {segment(image, "--output", tmp.resolve("image.tif/x.tif").toString()), 1,
                "Output folder " + tmp.resolve("image.tif") + " is not a folder: " + tmp.resolve("image.tif")
                        + " is a file"},
            {segment(image, "--output", tmp.resolve("pngs").toString(), "--overwrite"), 1,
                "Output " + tmp.resolve("pngs") + " is a folder, not a file"},
            {trainTo(tmp.resolve("image.tif/x.slime").toString()), 1,
                "is not a folder: " + tmp.resolve("image.tif") + " is a file"},
            {trainTo("/proc/slime-test/x.slime"), 1, "Output folder /proc/slime-test is not writable"},
            {trainTo(tmp.resolve("pngs").toString()), 1, "is a folder, not a file"},
            {segment(tmp.resolve("pngs").toString(), "--output", tmp.resolve("o1").toString(), "--pattern", "*.tif"),
                1, "matches the pattern '*.tif'; the folder holds 1 files (a.png)"},
            {segment(tmp.resolve("empty").toString(), "--output", tmp.resolve("o2").toString()), 1,
                "the folder holds no files"},
        };
        for (Object[] row : table) {
            @SuppressWarnings("unchecked")
            List<String> args = (List<String>) row[0];
            Result r = cli(args.toArray(String[]::new));
            assertEquals(row[1], r.code, args + "\n" + r.err);
            assertTrue(r.err.contains((String) row[2]), args + ": expected '" + row[2] + "' in:\n" + r.err);
            assertFalse(r.err.contains("epoch 1"), args + ": a bad output fails before the first epoch:\n" + r.err);
        }
    }

    @Test
    void evaluateComparesFoldersByNameAndWritesTheTable() throws Exception {
        Path predicted = Files.createDirectories(tmp.resolve("eval-pred"));
        Path truth = Files.createDirectories(tmp.resolve("eval-truth"));
        Files.copy(Path.of(labels), truth.resolve("cell.png"));
        Files.copy(Path.of(labels), predicted.resolve("cell_labels.png"));     // a perfect prediction
        Path csv = tmp.resolve("eval.csv");
        Result r = cli("evaluate", predicted.toString(), truth.toString(), "--csv", csv.toString());
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("mean IoU 1.000 (all background would score 0.117)"), r.out);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("image,part,iou,dice,true_positives,false_positives,false_negatives", lines.get(0));
        assertTrue(lines.contains("cell,part1,1.0000,1.0000,448,0,0"), lines.toString());   // 14 columns × 32 rows
        Result none = cli("evaluate", predicted.toString(), tmp.resolve("empty").toString());
        assertEquals(1, none.code);
        assertTrue(none.err.contains("has a ground truth of the same name"), none.err);
    }

    @Test
    void missingOutputFoldersAreCreatedByEveryCommand() throws Exception {
        Path labelsOut = tmp.resolve("made/by/segment/x.tif");
        assertEquals(0, cli(segment(image, "--output", labelsOut.toString()).toArray(String[]::new)).code);
        assertTrue(Files.isRegularFile(labelsOut));
        Path csv = tmp.resolve("made/by/evaluate/e.csv");
        assertEquals(0, cli("evaluate", labelsOut.toString(), labels, "--csv", csv.toString()).code);
        assertTrue(Files.isRegularFile(csv));
        Path slimeOut = tmp.resolve("made/by/train/t.slime");
        assertEquals(0, cli(trainTo(slimeOut.toString()).toArray(String[]::new)).code);
        assertTrue(Files.isRegularFile(slimeOut));
    }

    /** segment's --output also answers to --out, the name train, demo and the macros use. */
    @Test
    void segmentTakesOutAsWellAsOutput() {
        Path labelsOut = tmp.resolve("named/x.tif");
        Result segmented = cli(segment(image, "--out", labelsOut.toString()).toArray(String[]::new));
        assertEquals(0, segmented.code, segmented.err);
        assertTrue(Files.isRegularFile(labelsOut));
    }

    @Test
    void confidenceMapsHaveTheLabelImagesShapeAndStayInZeroToOne() {
        Path labelsOut = tmp.resolve("conf/cell_labels.tif");
        tmp.resolve("conf").toFile().mkdirs();
        Result r = cli(segment(image, "--output", labelsOut.toString(), "--confidence").toArray(String[]::new));
        assertEquals(0, r.code, r.err);
        ij.ImagePlus map = ij.IJ.openImage(tmp.resolve("conf/cell_confidence.tif").toString());
        ij.ImagePlus lab = ij.IJ.openImage(labelsOut.toString());
        assertEquals(32, map.getBitDepth());
        assertEquals(lab.getWidth(), map.getWidth());
        assertEquals(lab.getHeight(), map.getHeight());
        float[] v = (float[]) map.getProcessor().getPixels();
        for (float f : v) {
            assertTrue(f >= 0 && f <= 1, "confidence " + f);
        }
    }

    @Test
    void trainingGoesOnFromAFileAndRecordsItsLineage() {
        String next = tmp.resolve("next.slime").toString();
        Result r = cli("train", "--model", model, "--image", image, "--labels", labels, "--out", next, "--epochs",
                "1", "--size", "64", "--device", "cpu", "--init", slime);
        assertEquals(0, r.code, r.err);
        assertTrue(r.err.contains("epoch 3/3: loss"), "epochs count on from the file's 2:\n" + r.err);
        assertTrue(r.out.contains("; 3 epoch(s), kept epoch "), r.out);
        Result info = cli("info", next);
        assertTrue(info.out.contains("trained    3 epochs"), info.out);
        assertTrue(info.out.matches("(?s).*round 2    1 epochs on 1 image\\(s\\) \\[[0-9a-f]{16}], continuing file "
                + "[0-9a-f]{16}.*"), info.out);
    }

    @Test
    void continuingTakesTheFilesSettingsUnlessGivenAndSaysWhichItTook() throws Exception {
        String parent = tmp.resolve("seeded.slime").toString();
        assertEquals(0, cli("train", "--model", model, "--image", image, "--labels", labels, "--out", parent,
                "--epochs", "1", "--size", "64", "--seed", "5", "--no-augment", "--device", "cpu").code);
        String next = tmp.resolve("inherits.slime").toString();
        Result r = cli("train", "--model", model, "--image", image, "--labels", labels, "--out", next, "--epochs",
                "1", "--device", "cpu", "--init", parent);
        assertEquals(0, r.code, r.err);
        assertTrue(r.err.contains("continuing seeded.slime with its settings (--size=64, --lr=0.1, --augment=false, "
                + "--seed=5, and the layers, t range and loss weights); given: --epochs=1"), r.err);
        org.slime4j.core.slime.SlimeOptions o = org.slime4j.core.slime.LearnedParts.load(Path.of(next)).options();
        assertEquals(64, o.workingSize(), "S from the file, not the default 512");
        assertEquals(5L, o.seed());
        assertEquals(false, o.augment());
        Result given = cli("train", "--model", model, "--image", image, "--labels", labels, "--out",
                tmp.resolve("given.slime").toString(), "--epochs", "1", "--device", "cpu", "--init", parent,
                "--seed", "9");
        assertEquals(0, given.code, given.err);
        assertEquals(9L, org.slime4j.core.slime.LearnedParts.load(tmp.resolve("given.slime")).options().seed());
    }

    @Test
    void versionInfoAndTheDefaultPatternSayWhatTheyShould() throws Exception {
        Result version = cli("--version");
        assertEquals(0, version.code);
        assertTrue(version.out.matches("SLiMe for Fiji [0-9]+\\.[0-9]+\\.[0-9]+(-SNAPSHOT)?\\s*"), version.out);
        Result info = cli("info", slime);
        assertEquals(0, info.code, info.err);
        assertTrue(info.out.contains("parts      [background, part1, part2]"), info.out);
        assertTrue(info.out.contains("size       S = 64"), info.out);
        // the default pattern takes PNG and TIFF alike
        Path mixed = Files.createDirectories(tmp.resolve("mixed"));
        Files.copy(Path.of(image), mixed.resolve("b.TIF"));
        Files.copy(Path.of(labels), mixed.resolve("a.png"));
        Result folder = cli(segment(mixed.toString(), "--output", tmp.resolve("mixed-out").toString())
                .toArray(String[]::new));
        assertEquals(0, folder.code, folder.err);
        assertTrue(folder.out.contains("2 written, 0 skipped (done before), 0 failed, of 2 in this shard"), folder.out);
    }
}
