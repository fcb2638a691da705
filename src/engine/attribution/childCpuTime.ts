import { readProcPidStat } from './procPidStat';

/**
 * CPU time of the children this process has reaped, in clock ticks: cutime + cstime of
 * `<procRoot>/self/stat`. When a child we spawned exits and Node reaps it, the kernel adds the child's
 * own time plus everything the child itself reaped, so the difference of two readings taken around a
 * run is the root's exact final total, the same figure as wait4()'s rusage, tail after the last sample
 * included. Pass it to `ProcessTreeTracker.finish()`.
 *
 * The difference covers every child reaped in between: it is exact only if the run's root was the
 * only child of ours to exit meanwhile (a power source that spawns a helper per reading would inflate it).
 * Throws when `/proc/self/stat` cannot be read.
 */
export async function readOwnChildrenCpuTicks(procRoot: string): Promise<number> {
  const stat = readProcPidStat(procRoot, 'self');
  if (!stat) throw new Error(`cannot read ${procRoot}/self/stat`);
  return stat.reapedChildrenTicks;
}
