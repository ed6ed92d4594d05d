/** The config records of a diffusers folder, read from its config.json files in one place. */
package org.slime4j.core.config;
