/**
 * The PyTorch engine under everything: which build DJL loads ({@link org.slime4j.core.engine.TorchBuild}), its
 * download, its start-up settings ({@link org.slime4j.core.engine.Engines}, {@link
 * org.slime4j.core.engine.DjlContext}), the GPUs the driver shows, what info reports, and how a model runs on it
 * ({@link org.slime4j.core.engine.Execution}: device, precision, memory and speed options, fixed at open). Imports no
 * model and no ImageJ.
 */
package org.slime4j.core.engine;
