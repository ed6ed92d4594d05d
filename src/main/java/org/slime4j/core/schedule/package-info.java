/** The noise schedule. */
package org.slime4j.core.schedule;
