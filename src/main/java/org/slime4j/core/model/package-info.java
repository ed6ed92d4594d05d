/**
 * A base model and how it runs: model folders (diffusers layout, Hugging Face cache) and their identity,
 * {@link org.slime4j.core.model.StableDiffusion} (tokenizer, text encoder, VAE, UNet, schedule on one device), its
 * {@link org.slime4j.core.model.Execution} (device, precision, memory and speed options, fixed at open), and the
 * engine: which PyTorch build DJL loads ({@link org.slime4j.core.model.TorchBuild}), its start-up settings
 * ({@link org.slime4j.core.model.Engines}), the GPUs the driver shows, the build's download and what info reports.
 */
package org.slime4j.core.model;
