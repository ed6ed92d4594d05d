package org.slime4j.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slime4j.core.clip.ClipTextModel;
import org.slime4j.core.clip.ClipTokenizer;
import org.slime4j.core.config.ClipTextConfig;
import org.slime4j.core.config.SchedulerConfig;
import org.slime4j.core.config.UNetConfig;
import org.slime4j.core.config.VaeConfig;
import org.slime4j.core.schedule.NoiseSchedule;
import org.slime4j.core.unet.UNet2DConditionModel;
import org.slime4j.core.vae.AutoencoderKL;
import org.slime4j.core.weights.SafeTensors;
import org.slime4j.core.weights.WeightStore;
import org.slime4j.core.engine.Engines;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;

/**
 * The parts of Stable Diffusion that SLiMe uses, loaded from one model folder onto one device: tokenizer, CLIP text
 * encoder, VAE encoder, UNet and noise schedule. Weights live in one manager until {@link #close()}.
 *
 * <pre>{@code
 * try (StableDiffusion sd = StableDiffusion.load(Path.of("models/sd-2-1-base"), DeviceChoice.AUTO)) {
 *     try (NDManager step = sd.manager().newSubManager()) { ... sd.unet().forward(...) ... }
 * }
 * }</pre>
 *
 * <p>The models are thread-safe once loaded; each caller works in its own sub-manager.
 */
public final class StableDiffusion implements AutoCloseable {
    private final ModelFolder folder;
    private final NDManager manager;
    private final ClipTokenizer tokenizer;
    private final ClipTextConfig textConfig;
    private final TextLoader textLoader;
    private ClipTextModel textEncoder;
    private NDManager textManager;
    private final AutoencoderKL vae;
    private final UNet2DConditionModel unet;
    private final NoiseSchedule schedule;
    private final Map<String, Set<String>> unusedWeights;
    private final Execution execution;

    /** Builds the text encoder's blocks into a manager; returns the unused weight keys through {@code unused}. */
    private interface TextLoader {
        ClipTextModel load(NDManager manager, Map<String, Set<String>> unused) throws IOException;
    }

    private StableDiffusion(ModelFolder folder, NDManager manager, ClipTokenizer tokenizer, ClipTextConfig textConfig,
                            TextLoader textLoader, AutoencoderKL vae, UNet2DConditionModel unet, NoiseSchedule schedule,
                            Map<String, Set<String>> unusedWeights, Execution execution) {
        this.folder = folder;
        this.manager = manager;
        this.tokenizer = tokenizer;
        this.textConfig = textConfig;
        this.textLoader = textLoader;
        this.vae = vae;
        this.unet = unet;
        this.schedule = schedule;
        this.unusedWeights = unusedWeights;
        this.execution = execution;
    }

    /**
     * Builds a model of the given configs with RANDOM weights ({@link WeightStore#random}), for benchmarks at real
     * sizes; {@code tokenizerFolder} supplies the vocabulary.
     */
    public static StableDiffusion random(ClipTextConfig text, UNetConfig unet, VaeConfig vae, SchedulerConfig sched,
                                         Path tokenizerFolder, Execution execution) {
        ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerFolder, text.maxPositionEmbeddings());
        Engines.start();
        NDManager manager = NDManager.newBaseManager(execution.device().resolve());
        try {
            WeightStore store = WeightStore.random(manager);
            return new StableDiffusion(new ModelFolder(tokenizerFolder), manager, tokenizer, text,
                    (m, unused) -> new ClipTextModel(WeightStore.random(m), text), new AutoencoderKL(store, vae),
                    new UNet2DConditionModel(WeightStore.random(manager, execution.precision().dataType()), unet,
                            execution.attentionSlice()),
                    new NoiseSchedule(sched), new LinkedHashMap<>(), execution);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Loads {@code path} (a diffusers folder or Hugging Face cache entry) onto the chosen device, in fp32. */
    public static StableDiffusion load(Path path, DeviceChoice device) throws IOException {
        return load(path, Execution.on(device));
    }

    /**
     * Loads {@code path} to run as {@code execution} says: its device, the UNet in its precision (the VAE and the
     * text encoder stay fp32), its attention slicing and crops per pass.
     */
    public static StableDiffusion load(Path path, Execution execution) throws IOException {
        ModelFolder folder = ModelFolder.resolve(path);
        ClipTextConfig textConfig = ClipTextConfig.read(folder.config("text_encoder"));
        UNetConfig unetConfig = UNetConfig.read(folder.config("unet"));
        VaeConfig vaeConfig = VaeConfig.read(folder.config("vae"));
        SchedulerConfig schedulerConfig = SchedulerConfig.read(folder.config("scheduler"));
        ClipTokenizer tokenizer = ClipTokenizer.load(folder.component("tokenizer"), textConfig.maxPositionEmbeddings());
        Engines.start();
        Device d = execution.device().resolve();
        NDManager manager = NDManager.newBaseManager(d);
        Map<String, Set<String>> unused = new LinkedHashMap<>();
        try (SafeTensors va = SafeTensors.open(folder.weights("vae"));
             SafeTensors un = SafeTensors.open(folder.weights("unet"))) {
            WeightStore vaStore = new WeightStore(va, manager);
            AutoencoderKL vae = new AutoencoderKL(vaStore, vaeConfig);
            WeightStore unStore = new WeightStore(un, manager, execution.precision().dataType());
            UNet2DConditionModel unet = new UNet2DConditionModel(unStore, unetConfig, execution.attentionSlice());
            unused.put("vae", vaStore.unusedKeys());
            unused.put("unet", unStore.unusedKeys());
            SafeTensors.open(folder.weights("text_encoder")).close();            // fail now, not at first use
            TextLoader text = (m, unusedKeys) -> {
                try (SafeTensors te = SafeTensors.open(folder.weights("text_encoder"))) {
                    WeightStore teStore = new WeightStore(te, m);
                    ClipTextModel model = new ClipTextModel(teStore, textConfig);
                    unusedKeys.put("text_encoder", teStore.unusedKeys());
                    return model;
                }
            };
            return new StableDiffusion(folder, manager, tokenizer, textConfig, text, vae, unet,
                    new NoiseSchedule(schedulerConfig), unused, execution);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public ModelFolder folder() {
        return folder;
    }

    /** The long-lived manager holding the weights; open a sub-manager per step. */
    public NDManager manager() {
        return manager;
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    /** The text encoder's config, known without loading its weights. */
    public ClipTextConfig textConfig() {
        return textConfig;
    }

    /**
     * The CLIP text encoder, loaded on first use: only training needs it (a {@code .slime} file carries its
     * encodings), and at SD-2.1 size it holds 1.4 GB. {@link #releaseTextEncoder()} frees it again.
     */
    public synchronized ClipTextModel textEncoder() {
        if (textEncoder == null) {
            NDManager m = manager.newSubManager();
            try {
                textEncoder = textLoader.load(m, unusedWeights);
                textManager = m;
            } catch (IOException e) {
                m.close();
                throw new java.io.UncheckedIOException("Cannot read the text encoder of " + folder.root(), e);
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
        }
        return textEncoder;
    }

    /** Frees the text encoder's weights; the next {@link #textEncoder()} loads them again. */
    public synchronized void releaseTextEncoder() {
        if (textManager != null) {
            textManager.close();
            textManager = null;
            textEncoder = null;
        }
    }

    public AutoencoderKL vae() {
        return vae;
    }

    public UNet2DConditionModel unet() {
        return unet;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    /** How this model runs: fixed when it was opened. */
    public Execution execution() {
        return execution;
    }

    /**
     * Weights in the files that no block used, per component (e.g. the VAE decoder, which SLiMe never runs); the
     * text encoder's entry appears once it has been loaded.
     */
    public Map<String, Set<String>> unusedWeights() {
        return unusedWeights;
    }

    @Override
    public void close() {
        manager.close();
    }
}
