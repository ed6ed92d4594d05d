/**
 * What a user asks for, run the same way from every front end: training, segmenting a folder (resumable,
 * shardable), the PyTorch build setting; the base-model field and what the dialogs propose from the Hugging Face
 * cache; and the one open base model of a JVM ({@link org.slime4j.jobs.Sessions}).
 */
package org.slime4j.jobs;
