/** The CLIP tokenizer and text model. */
package org.slime4j.core.clip;
