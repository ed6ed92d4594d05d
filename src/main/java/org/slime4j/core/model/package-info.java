/**
 * Model folders (diffusers layout, Hugging Face cache), their identity, the device choice, and the engine: which
 * PyTorch build DJL loads ({@link org.slime4j.core.model.TorchBuild}), its start-up settings
 * ({@link org.slime4j.core.model.Engines}), the GPUs the driver shows, the build's download and what info reports.
 */
package org.slime4j.core.model;
