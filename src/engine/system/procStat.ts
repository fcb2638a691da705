import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Aggregate CPU time of the whole machine, from the first line of `/proc/stat`, in clock ticks (USER_HZ). */
export interface MachineCpuTimes {
  /** user + nice + system + irq + softirq + steal: time some CPU spent running something. */
  readonly busyTicks: number;
  /** busy + idle + iowait. */
  readonly totalTicks: number;
  /** Number of `cpuN` lines: the CPUs online now. */
  readonly onlineCpuCount: number;
}

/**
 * Parses `/proc/stat` text. Guest time is already inside user/nice, so it is not added again.
 * Throws with the offending text when the aggregate `cpu` line is missing or malformed.
 */
export function parseProcStat(text: string): MachineCpuTimes {
  // Only the aggregate line is split: the rest of the file (per-CPU lines, a long `intr` line) is only counted.
  let start = 0;
  if (!text.startsWith('cpu ')) {
    const at = text.indexOf('\ncpu ');
    if (at === -1) throw new Error('/proc/stat has no aggregate "cpu" line');
    start = at + 1;
  }
  const end = text.indexOf('\n', start);
  const aggregate = text.slice(start, end === -1 ? undefined : end);
  const fields = aggregate.trim().split(/\s+/).slice(1).map(Number);
  if (fields.length < 4 || fields.some((value) => !Number.isFinite(value) || value < 0)) {
    throw new Error(`/proc/stat "cpu" line is malformed: ${aggregate.slice(0, 120)}`);
  }
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busyTicks = user + nice + system + irq + softirq + steal;
  return { busyTicks, totalTicks: busyTicks + idle + iowait, onlineCpuCount: countCpuLines(text) };
}

/** Lines `cpuN …`: one per online CPU. */
function countCpuLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('cpu'); at !== -1; at = text.indexOf('cpu', at + 3)) {
    const next = text.charCodeAt(at + 3);
    if ((at === 0 || text.charCodeAt(at - 1) === 10) && next >= 48 && next <= 57) count++;
  }
  return count;
}

export async function readMachineCpuTimes(procRoot: string): Promise<MachineCpuTimes> {
  // Synchronous on purpose: a procfs read never blocks on a disk, and the promise version costs ~8× the CPU.
  return parseProcStat(readFileSync(join(procRoot, 'stat'), 'utf8'));
}

/**
 * Machine CPU utilisation between two readings, 0–1. Counters that went backwards (CPU hot-unplug,
 * suspend) or did not move give 0 rather than a negative or NaN share.
 */
export function cpuUtilizationBetween(before: MachineCpuTimes, after: MachineCpuTimes): number {
  const busy = after.busyTicks - before.busyTicks;
  const total = after.totalTicks - before.totalTicks;
  if (!(total > 0) || busy < 0) return 0;
  return Math.min(1, busy / total);
}
