/**
 * The one facade every front end calls ({@link org.slime4j.core.Slime}), Stable Diffusion in Java on DJL
 * ({@link org.slime4j.core.StableDiffusion}) and the user settings shared by all front ends. Imports nothing from
 * ImageJ.
 */
package org.slime4j.core;
