package org.slime4j.cli;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.io.RoiDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slime4j.core.Slime;
import org.slime4j.core.model.DeviceChoice;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trainer;
import org.slime4j.fiji.FolderJob;
import org.slime4j.fiji.RoiMasks;
import org.slime4j.fiji.Segmentation;
import org.slime4j.fiji.Sessions;
import org.slime4j.fiji.Workflows;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar slime-cli.jar train|segment|info ...}: the Fiji operations for clusters without Fiji.
 * Exit codes: 0 done, 1 failed (the message says why), 2 bad usage.
 */
@Command(name = "slime", mixinStandardHelpOptions = true, version = "SLiMe for Fiji 0.1",
        description = "Segment Like Me: learn parts from one annotated image, segment images and folders.",
        subcommands = {SlimeCli.Info.class, SlimeCli.Train.class, SlimeCli.Segment.class, SlimeCli.Download.class,
                SlimeCli.PyTorch.class})
public final class SlimeCli {
    public static void main(String[] args) {
        int code = run(args);
        Sessions.close();
        System.exit(code);
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new SlimeCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("slime: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }

    /** The PyTorch build, chosen before anything loads the engine. */
    static class Build {
        @Option(names = "--pytorch", description = "PyTorch build: auto, bundled or a libtorch folder (default: "
                + "SLIME_PYTORCH, else the setting saved by 'slime pytorch use', else auto)")
        String pytorch;

        /** Chooses the build and prints its one-line notice, if any (a GPU without a CUDA build). */
        void prepare() {
            org.slime4j.core.model.Engines.init(pytorch);
            String notice = org.slime4j.core.model.Engines.takeNotice();
            if (notice != null) {
                System.err.println("slime: " + notice);
            }
        }
    }

    static class Common {
        @Option(names = "--model", required = true, description = "base model: diffusers folder or Hugging Face cache entry")
        Path model;

        @CommandLine.Mixin
        Build build;

        @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu or auto (default: ${DEFAULT-VALUE})")
        String device;

        @Option(names = "--attention-slice", defaultValue = "0", description = "memory option: attention layers "
                + "SLiMe does not read compute this many query rows at a time (e.g. 1024; default 0: off)")
        int attentionSlice;

        DeviceChoice device() {
            DeviceChoice choice = DeviceChoice.parse(device);
            build.prepare();
            return choice;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "The PyTorch build, GPUs, threads and "
            + "the device auto picks; with --model also load a base model and time one UNet pass.")
    static class Info implements Callable<Integer> {
        @Option(names = "--model", description = "base model: diffusers folder or Hugging Face cache entry")
        Path model;

        @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu or auto (default: ${DEFAULT-VALUE})")
        String device;

        @CommandLine.Mixin
        Build build;

        @Option(names = "--attention-slice", defaultValue = "0", description = "query rows per attention slice (0: off)")
        int attentionSlice;

        @Option(names = "--latent", defaultValue = "8", description = "latent side for the timed pass")
        int latent;

        @Override
        public Integer call() throws Exception {
            DeviceChoice choice = DeviceChoice.parse(device);
            build.prepare();
            org.slime4j.core.model.EngineInfo.lines(System.getenv()).forEach(System.out::println);
            if (model != null) {
                ModelInfo.print(model, choice, latent, attentionSlice);
            }
            return 0;
        }
    }

    @Command(name = "pytorch", mixinStandardHelpOptions = true, description = "Choose the PyTorch build "
            + "(saved for Fiji, headless runs and the CLI), or download the one that fits this machine.",
            subcommands = {PyTorchCommands.Use.class, PyTorchCommands.Download.class})
    static class PyTorch implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return PyTorchCommands.show();
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Learn parts from annotated images; writes a .slime file.")
    static class Train implements Callable<Integer> {
        @CommandLine.Mixin
        Common common;

        @Option(names = "--image", required = true, description = "training image (repeat for few-shot)")
        List<Path> images;

        @Option(names = "--labels", description = "label image per --image (0 = background)")
        List<Path> labels = new ArrayList<>();

        @Option(names = "--rois", description = "ROI-set .zip per --image; each ROI named after its part")
        List<Path> rois = new ArrayList<>();

        @Option(names = "--parts", description = "part names after the background, comma separated (default: ROI names)")
        String parts = "";

        @Option(names = "--out", required = true, description = "the .slime file to write")
        Path out;

        @Option(names = "--epochs", defaultValue = "200")
        int epochs;

        @Option(names = "--lr", defaultValue = "0.1")
        double lr;

        @Option(names = "--seed", defaultValue = "42")
        long seed;

        @Option(names = "--size", defaultValue = "512", description = "working size S (default: ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--no-augment", description = "switch the reference's augmentation off")
        boolean noAugment;

        @Option(names = "--no-validate", description = "keep the last epoch instead of the best one")
        boolean noValidate;

        @Option(names = "--overwrite", description = "replace an existing --out")
        boolean overwrite;

        @Override
        public Integer call() throws Exception {
            if (labels.isEmpty() == rois.isEmpty() || Math.max(labels.size(), rois.size()) != images.size()) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "give one --labels or one --rois per --image (" + images.size() + " images)");
            }
            List<Trainer.Pair> pairs = new ArrayList<>();
            List<String> names = null;
            String mapping = null;
            for (int i = 0; i < images.size(); i++) {
                ImagePlus imp = open(images.get(i));
                mapping = Workflows.mappingName(imp);
                Roi[] r = rois.isEmpty() ? new Roi[0] : readRois(rois.get(i));
                if (names == null) {
                    names = RoiMasks.partNames(parts, r);
                }
                ImagePlus lab = labels.isEmpty() ? null : open(labels.get(i));
                pairs.addAll(Workflows.pairs(imp, r, lab, names, InputMapping.AUTO));
            }
            SlimeOptions o = SlimeOptions.defaults().toBuilder().workingSize(size).epochs(epochs).learningRate(lr)
                    .seed(seed).augment(!noAugment, 0.8).build();
            long start = System.nanoTime();
            Sessions.setAttentionSlice(common.attentionSlice);
            Workflows.Trained t = Workflows.train(common.model, common.device(), names, pairs, mapping, o,
                    !noValidate, 0, out, overwrite, new Trainer.Listener() {
                        @Override
                        public void epoch(int epoch, double loss, double iou, boolean best) {
                            System.err.printf("epoch %d/%d loss %.4f IoU %.3f%s (%.0f s)%n", epoch, epochs, loss, iou,
                                    best ? " best" : "", (System.nanoTime() - start) / 1e9);
                        }
                    }, () -> false, System.err::println);
            System.out.printf("wrote %s: parts %s, training IoU %.3f%n", out, names, t.trainingIou());
            return 0;
        }
    }

    @Command(name = "segment", mixinStandardHelpOptions = true,
            description = "Segment an image or every matching image of a folder into 16-bit label TIFFs.")
    static class Segment implements Callable<Integer> {
        @CommandLine.Mixin
        Common common;

        @Option(names = "--slime", required = true, description = "learned parts (.slime)")
        Path slime;

        @Parameters(paramLabel = "INPUT", description = "an image file or a folder")
        Path input;

        @Option(names = "--output", required = true, description = "label TIFF (for a file) or folder (for a folder)")
        Path output;

        @Option(names = "--pattern", defaultValue = "*.tif", description = "glob for folders (default: ${DEFAULT-VALUE})")
        String pattern;

        @Option(names = "--shard", defaultValue = "1/1", description = "i/n: this task's share of a folder; slurm: "
                + "this SLURM array task's share (any --array=FIRST-LAST[:STEP]) (default: ${DEFAULT-VALUE})")
        String shard;

        @Option(names = "--tiles", description = "tile at this image scale instead of squeezing to S")
        Double tiles;

        @Option(names = "--overlap", defaultValue = "0.25")
        double overlap;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Option(names = "--crops-per-pass", defaultValue = "1", description = "speed option: crops or tiles per VAE "
                + "and UNet pass (a GPU with memory to spare; default: ${DEFAULT-VALUE})")
        int cropsPerPass;

        @Option(names = "--overwrite", description = "replace an existing output file")
        boolean overwrite;

        @Option(names = "--precision", defaultValue = "fp32",
                description = "fp32 (default) or fp16: half the UNet memory, for GPUs")
        String precision;

        @Override
        public Integer call() throws Exception {
            LearnedParts parts = LearnedParts.load(slime);
            Tiling tiling = tiles == null ? Tiling.squeeze() : Tiling.tiles(tiles, overlap);
            FolderJob.Shard s = FolderJob.Shard.parse(shard);
            Sessions.setAttentionSlice(common.attentionSlice);
            Sessions.setCropsPerPass(cropsPerPass);
            Slime model = Sessions.open(common.model, common.device(),
                    org.slime4j.core.model.Precision.parse(precision));
            System.err.printf("slime: %s on %s, %d CPU threads%n", common.model,
                    model.model().manager().getDevice(), org.slime4j.core.model.Engines.cpuThreads());
            if (Files.isDirectory(input)) {
                FolderJob.Summary summary = FolderJob.run(model, parts, input, pattern, output, s, tiling, seed,
                        System.err::println, () -> false);
                System.out.println(summary);
                summary.failures().forEach(f -> System.out.println("failed: " + f));
                return summary.failures().isEmpty() ? 0 : 1;
            }
            if (Files.exists(output) && !overwrite) {
                throw new IOException("Output " + output + " exists already; give --overwrite to replace it.");
            }
            ImagePlus labels = Segmentation.segment(model, parts, open(input), true, tiling, seed);
            if (overwrite) {
                Files.deleteIfExists(output);
            }
            FolderJob.writeAtomically(labels, output);
            System.out.println("wrote " + output + " (" + parts.partNames() + ")");
            return 0;
        }
    }

    @Command(name = "download", mixinStandardHelpOptions = true,
            description = "Fetch a Stable Diffusion repository from the Hugging Face hub into its cache "
                    + "(HF_HUB_CACHE / HF_HOME; HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE are honoured); resumes.")
    static class Download implements Callable<Integer> {
        @Parameters(paramLabel = "REPO", description = "org/name[@revision], e.g. stable-diffusion-v1-5/stable-diffusion-v1-5")
        String repo;

        @Option(names = "--fp16", description = "the fp16 weight files (half the download)")
        boolean fp16;

        @Option(names = "--accept-licence", description = "accept the model's licence (shown when not yet accepted)")
        boolean acceptLicence;

        @Override
        public Integer call() throws Exception {
            long start = System.nanoTime();
            long[] last = {0};
            Path snapshot = org.slime4j.core.hub.HubDownloader.fromEnvironment(System.getenv()).fetch(repo, fp16,
                    acceptLicence, (file, done, total) -> {
                        long now = System.nanoTime();
                        if (now - last[0] > 1_000_000_000L || done == total) {
                            last[0] = now;
                            System.err.printf("%s: %d / %d MB, %.1f MB/s%n", file, done >> 20, total >> 20,
                                    done / 1048576.0 / Math.max(1e-3, (now - start) / 1e9));
                        }
                    }, () -> false);
            System.out.println(snapshot);
            return 0;
        }
    }

    static ImagePlus open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Image " + file + " does not exist.");
        }
        ImagePlus imp = IJ.openImage(file.toString());
        if (imp == null) {
            throw new IOException("Image " + file + " cannot be opened by ImageJ.");
        }
        return imp;
    }

    /** The ROIs of an ImageJ ROI-set zip (as the ROI Manager saves it), in order. */
    static Roi[] readRois(Path zip) throws IOException {
        List<Roi> out = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().endsWith(".roi")) {
                    Roi roi = RoiDecoder.openFromByteArray(in.readAllBytes());
                    if (roi != null) {
                        out.add(roi);
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException("ROI set " + zip + " holds no ROIs.");
        }
        return out.toArray(new Roi[0]);
    }
}
