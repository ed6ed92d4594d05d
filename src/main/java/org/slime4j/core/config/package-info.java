/** The config records of a diffusers folder, read from its config.json files in one place; the user's settings. */
package org.slime4j.core.config;
