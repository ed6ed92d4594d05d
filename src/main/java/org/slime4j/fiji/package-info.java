/**
 * The Fiji side: SciJava commands (Plugins › SLiMe) and what needs a window (ROIs from the ROI Manager, the live
 * preview, result tables); thin shells over {@link org.slime4j.io} and {@link org.slime4j.core.slime.Slime}.
 */
package org.slime4j.fiji;
