/** The Hugging Face cache (shared with huggingface_hub), resumable verified downloads, and model licences. */
package org.slime4j.core.hub;
