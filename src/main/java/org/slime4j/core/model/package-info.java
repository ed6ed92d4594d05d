/**
 * A base model: model folders (diffusers layout, Hugging Face cache) and their identity,
 * {@link org.slime4j.core.model.StableDiffusion} (tokenizer, text encoder, VAE, UNet, schedule on one device, run as
 * its {@link org.slime4j.core.engine.Execution} says), and {@link org.slime4j.core.model.TinyModel}, a tiny random
 * model for tests and the demo.
 */
package org.slime4j.core.model;
