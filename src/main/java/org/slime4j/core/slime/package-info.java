/**
 * SLiMe itself: text context, attention maps, the training step, Adam, the trainer (and its continuation), patched
 * segmentation, tiling, input mapping, evaluation and the {@code .slime} file.
 */
package org.slime4j.core.slime;
