import os from 'node:os';

/**
 * Node flags the language server is started with (by the VS Code client and the benchmark).
 *
 * V8 compiles and collects garbage on a pool of background threads, four by default. On a
 * machine with two cores those threads take the main thread's core while a large file gets its
 * first check, when the code is cold and they are busiest: measured on the 1,000-policy
 * benchmark file (2 cores), the first check takes ~22% less time with a pool of one thread
 * (bench/RESULTS.md). One core is left to the main thread; at five cores and more this is
 * Node's default, so nothing is passed.
 */
export function serverNodeFlags(cores = availableCores()): string[] {
  const pool = Math.max(1, Math.min(4, cores - 1));
  return pool < 4 ? [`--v8-pool-size=${pool}`] : [];
}

function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}
