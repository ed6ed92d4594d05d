package org.slime4j.fiji;

import java.nio.file.Path;
import org.scijava.plugin.Parameter;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.engine.ExecutionOption;
import org.slime4j.jobs.Models;

/**
 * What every SLiMe command that runs a base model shares: the model field, which proposes a model found in the
 * Hugging Face cache, and the device; the execution they and a subclass's execution fields say
 * ({@link ExecutionOption}: the environment and saved settings fill what no field gives).
 */
abstract class ModelCommand extends SlimeCommand {
    @Parameter(label = "Base model (folder, or org/name in the Hugging Face cache)", initializer = "offerCachedModel")
    protected String model = "";

    @Parameter(choices = {"auto", "cpu", "gpu"})
    protected String device = ExecutionOption.DEVICE.initial();

    @Parameter(label = "Memory check (off: start even when the estimated peak does not fit)", choices = {"on", "off"})
    protected String memory_check = ExecutionOption.MEMORY_CHECK.initial();

    /** Proposes the first model found in the Hugging Face cache when the field is empty. */
    protected void offerCachedModel() {
        if (model == null || model.isBlank()) {
            model = Models.cachedModels().stream().findFirst().orElse("");
        }
    }

    /** The model field as a path (a folder, or org/name the cache resolves). */
    protected Path modelPath() {
        return Models.parse(model);
    }

    /** How to run the model: this command's execution fields, then the environment and saved settings. */
    protected Execution execution() {
        return Execution.resolve(OptionFields.execution(this), System.getenv());
    }
}
