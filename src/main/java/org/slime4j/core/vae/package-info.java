/** The VAE encoder, one class per diffusers block. */
package org.slime4j.core.vae;
