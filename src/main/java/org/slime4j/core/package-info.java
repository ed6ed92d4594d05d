/**
 * SLiMe over Stable Diffusion in Java on DJL, imported by every front end and importing nothing from ImageJ: the
 * facade {@link org.slime4j.core.slime.Slime} and SLiMe itself in {@code core.slime}, the model in {@code core.model}
 * ({@link org.slime4j.core.model.StableDiffusion}) with one package per block family ({@code clip}, {@code vae},
 * {@code unet}, {@code schedule}, {@code nn}), weights and configs in {@code weights} and {@code config}, the
 * PyTorch engine in {@code engine}, the Hugging Face cache in {@code hub}. This package holds no class: it states
 * the memory policy that all of them follow.
 *
 * <h2>Memory policy</h2>
 * Native memory is the scarce resource (an SD-2.1 UNet is 3.5 GB, one 64×64 attention layer 335 MB of scores), and
 * DJL frees it only when an array's manager closes. Every tensor code path follows the first four rules; the jobs
 * follow the fifth:
 * <ol>
 *   <li><b>Managers by lifetime.</b> The weights live in the model's base manager until it closes. Each step, crop
 *       batch or block of work opens {@code sd.manager().newSubManager()} in try-with-resources, so everything it
 *       computed is freed when it ends; what must survive (training's vectors, the segmentation sums) lives in a
 *       sub-manager opened outside the loop. An op's result belongs to its FIRST operand's manager.</li>
 *   <li><b>Large transients closed at once.</b> Inside a forward pass, arrays that would hold hundreds of megabytes
 *       until the step ends (attention scores, activations of the 64×64 blocks) are closed as soon as the next line
 *       has used them ({@code try (NDArray a = ...; NDArray b = ...)}), so the peak is the largest live set, not the
 *       sum of a pass. Small arrays are left to their step's manager.</li>
 *   <li><b>Java values become arrays libtorch owns</b>, through {@link org.slime4j.core.weights.Owned#copy}: DJL's
 *       {@code create} may alias a Java or mapped buffer, which must not outlive it and must never be held by
 *       autograd.</li>
 *   <li><b>Freed memory goes back</b> when a job gives its model lease back ({@code Engines.trim()}: glibc keeps
 *       freed blocks otherwise; a caller of the core API alone calls it when its work is done); not between steps,
 *       where the next step reuses them and giving them back made each step fault its memory in again.</li>
 *   <li><b>Checked before it is taken.</b> A training or segmentation starts only when its estimated peak
 *       ({@link org.slime4j.core.slime.MemoryEstimate}, fitted to measured peaks) fits what the process may still
 *       take ({@link org.slime4j.core.engine.MemoryLimits}: available RAM, cgroups, SLURM, ulimit; a GPU's free
 *       memory); the jobs refuse it otherwise, unless the {@code memory_check} setting is off.</li>
 * </ol>
 * Two DJL subtleties the code relies on: {@code x.get(index)} and {@code reshape} return VIEWS that belong to
 * {@code x}'s manager; a view that is to be freed with a step is {@code attach}ed to the step's manager (as
 * {@code Resize.bilinear} does for a same-size "resize" and {@code Segmenter} for each crop), never
 * {@code duplicate}d, because {@code duplicate} and {@code toType} detach from the autograd graph.
 */
package org.slime4j.core;
