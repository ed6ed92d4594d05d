/**
 * SLiMe itself, behind its facade {@link org.slime4j.core.slime.Slime} (open a model, train, segment): its options
 * ({@link org.slime4j.core.slime.SlimeOption}, {@link org.slime4j.core.slime.SlimeOptions}, stored in a {@code .slime}
 * file by {@code OptionsMetadata}), the text context, attention maps, the training step, Adam, the trainer (its
 * outcome and continuation), the {@link org.slime4j.core.slime.Segmenter} (crops, tiles, back to the image's size),
 * input mapping, evaluation and the {@code .slime} file. The step, the segmenter and their helpers are public for the
 * benchmarks and the device check only; front ends use the facade and the value types.
 */
package org.slime4j.core.slime;
