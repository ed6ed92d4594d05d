/** Building blocks shared by the Stable Diffusion modules: convolution, linear, norms, each loading its weights. */
package org.slime4j.core.nn;
