/**
 * The ImageJ 1.x adapters every front end shares: images to RGB and label images back ({@link
 * org.slime4j.imagej.Images}), ROIs, ROI-set files and label images to training masks ({@link
 * org.slime4j.imagej.RoiMasks}, {@link org.slime4j.imagej.Annotations}), segmenting an {@code ImagePlus}, label images
 * against ground truth, labels back to named ROIs, the live preview and the results table, and a macro's options as
 * both hosts write them ({@link org.slime4j.imagej.MacroOptions}). Headless unless a method says it shows something.
 */
package org.slime4j.imagej;
