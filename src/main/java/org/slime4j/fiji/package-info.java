/**
 * Fiji's SciJava commands (Plugins › SLiMe), how they read a macro's options ({@link org.slime4j.fiji.MacroInputs})
 * and how they fail ({@link org.slime4j.fiji.SlimeCommand}); thin shells over {@code jobs} and {@code imagej}.
 */
package org.slime4j.fiji;
