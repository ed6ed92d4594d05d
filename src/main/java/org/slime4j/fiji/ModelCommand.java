package org.slime4j.fiji;

import org.slime4j.jobs.Models;
import org.scijava.plugin.Parameter;

/** What every SLiMe command shares: the base model field, which proposes a model found in the Hugging Face cache. */
abstract class ModelCommand extends SlimeCommand {
    @Parameter(label = "Base model (folder, or org/name in the Hugging Face cache)", initializer = "offerCachedModel")
    protected String model = "";

    /** Proposes the first model found in the Hugging Face cache when the field is empty. */
    protected void offerCachedModel() {
        if (model == null || model.isBlank()) {
            model = Models.cachedModels().stream().findFirst().orElse("");
        }
    }
}
