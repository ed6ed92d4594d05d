/**
 * SLiMe itself: its options ({@link org.slime4j.core.slime.SlimeOptions}, stored in a {@code .slime} file by
 * {@code OptionsMetadata}), text context, attention maps, the training step, Adam, the trainer (its outcome and
 * continuation), the {@link org.slime4j.core.slime.Segmenter} (crops, tiles, back to the image's size), input mapping,
 * evaluation and the {@code .slime} file.
 */
package org.slime4j.core.slime;
