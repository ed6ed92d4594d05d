/**
 * The Fiji side: SciJava commands (Plugins › SLiMe), ROIs to masks and back, label images, folder jobs, evaluation,
 * the kept model session; thin shells over {@link org.slime4j.core.Slime}.
 */
package org.slime4j.fiji;
