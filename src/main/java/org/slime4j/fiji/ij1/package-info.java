/** The ImageJ 1.x plugin behind the jar's plugins.config: the same commands and macro keys as the SciJava ones. */
package org.slime4j.fiji.ij1;
