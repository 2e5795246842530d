import { getPriority, setPriority } from 'node:os';

/**
 * CPU priorities within a test run (Jest runs a worker more than cores: test/support/sequencer.js, jest.config.ts).
 *
 * A suite that asserts latencies (failover: no request over 2 s while a master dies) measures the library's fail-fast
 * timeouts, not how long the scheduler kept its process off the CPU beside the run's CPU-bound suites. It raises its
 * own worker's priority for its duration (`favourThisProcess`; the Redis servers it starts inherit it) where the
 * system allows (root or CAP_SYS_NICE; elsewhere nothing changes), and the suites whose children are CPU-bound
 * batch work (npm installs, tsc, another runner) start them `BATCH_NICENESS` steps lower, which anyone may. Both are
 * relative to the run's own priority (`nice npm test` keeps them in the same order).
 * Neither changes what a suite asserts.
 */
export const BATCH_NICENESS = 5;

/**
 * Raises this process's priority by `steps` niceness steps (relative: a run started with `nice` keeps its place)
 * when allowed; the returned function restores the previous one.
 */
export function favourThisProcess(steps = 5): () => void {
  const before = getPriority();
  try {
    setPriority(Math.max(-20, before - steps));
  } catch {
    return () => undefined; // not allowed here: the suite runs at the usual priority
  }
  return () => {
    try {
      setPriority(before);
    } catch {
      // lowering it back is always allowed; nothing to do otherwise
    }
  };
}

/** Lowers the priority of a child process just started by `BATCH_NICENESS` steps (its own children inherit it). */
export function asBatch(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, Math.min(19, getPriority(pid) + BATCH_NICENESS));
  } catch {
    // the child is already gone: nothing to lower
  }
}
