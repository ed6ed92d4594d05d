/**
 * Headless image input and output on ImageJ 1.x types, shared by the Fiji commands, the ImageJ 1.x plugin and the
 * CLI: images to RGB, ROIs and label images to training masks, training pairs, segmentation of images and folders
 * with their outputs, evaluation against ground truth, and the one open base model of a JVM ({@link
 * org.slime4j.io.Sessions}). Nothing here opens a window or a dialog.
 */
package org.slime4j.io;
