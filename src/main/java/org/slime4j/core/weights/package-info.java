/** Safetensors reading (memory-mapped, validated) and writing (atomic), and the strict weight store. */
package org.slime4j.core.weights;
