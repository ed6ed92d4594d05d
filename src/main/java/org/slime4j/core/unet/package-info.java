/** The UNet, one class per diffusers block, with attention capture by module path. */
package org.slime4j.core.unet;
