/** Benchmarks, the FLOP count and the GPU-against-CPU check: mains to run in their own JVM, not tests. */
package org.slime4j.bench;
