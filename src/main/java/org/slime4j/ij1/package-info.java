/**
 * The plain ImageJ 1.x plugin behind the ImageJ jar's {@code plugins.config}: the same commands and macro keys as
 * the SciJava ones in {@code fiji}, which Fiji uses instead.
 */
package org.slime4j.ij1;
