import { spawn } from 'node:child_process';
import { readOwnChildrenCpuTicks } from '../../src/engine/attribution/childCpuTime';
import { createProcessTreeTracker } from '../../src/engine/attribution/processTree';
import { CLOCK_TICKS_PER_SECOND } from '../../src/engine/attribution/procPidStat';
import { exited, sleep } from './childProcesses';
import { atMost, context, Figure } from './figures';

/** A node child that burns `cpuMs` of its own CPU time (not wall time), so the truth does not depend on load. */
const busyChild = (cpuMs: number): string =>
  `node -e 'const t=process.cpuUsage();for(;;){const u=process.cpuUsage(t);if(u.user+u.system>=${cpuMs * 1000})break;}'`;

const errorPercent = (measured: number, expected: number): number => (100 * (measured - expected)) / expected;

interface TreeCount {
  readonly kernelTicks: number;
  readonly fromSamplesTicks: number;
  readonly withFinishTicks: number;
  readonly samples: number;
}

/**
 * Runs `sh` with two busy node children, samples the tree every `intervalMs` until it exits, and
 * returns what the tracker counted (from its samples alone, then closed with the kernel's figure)
 * next to the kernel's own accounting: the growth of our cutime + cstime once we have reaped the root.
 */
async function countBusyTree(busyCpuMs: number, intervalMs: number): Promise<TreeCount> {
  const kernelBefore = await readOwnChildrenCpuTicks('/proc');
  const root = spawn('sh', ['-c', `${busyChild(busyCpuMs)} & ${busyChild(busyCpuMs)} & wait`], { stdio: 'ignore' });
  if (root.pid === undefined) throw new Error('could not spawn the busy tree');
  const rootExited = exited(root);
  let done = false;
  void rootExited.then(() => { done = true; });
  const tracker = createProcessTreeTracker({ procRoot: '/proc', rootPid: root.pid });
  let samples = 0;
  while (!done) {
    await tracker.sample();
    samples++;
    await Promise.race([sleep(intervalMs), rootExited]);
  }
  const code = await rootExited;
  if (code !== 0) throw new Error(`the busy tree exited with ${code}`);
  const kernelTicks = (await readOwnChildrenCpuTicks('/proc')) - kernelBefore;
  // What the periodic samples saw, then the close the engine does with the kernel's figure.
  const fromSamplesTicks = (await tracker.sample()).cpuTicks;
  const withFinishTicks = (await tracker.finish(kernelTicks)).cpuTicks;
  return { kernelTicks, fromSamplesTicks, withFinishTicks, samples };
}

const seconds = (ticks: number): string => `${(ticks / CLOCK_TICKS_PER_SECOND).toFixed(2)} s`;

/**
 * Attribution error of the process tree against the kernel's rusage, at the CLI's 1 s interval and at
 * 100 ms, to show that what the samples alone miss is the tail after the last one.
 */
export async function measureAttributionError(busyCpuMs: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const intervalMs of [1000, 100]) {
    const count = await countBusyTree(busyCpuMs, intervalMs);
    const how = `${seconds(count.fromSamplesTicks)} counted vs kernel ${seconds(count.kernelTicks)} (2 children × ${busyCpuMs} ms CPU + sh); ${count.samples} samples`;
    figures.push(context(`attribution error, samples alone, every ${intervalMs} ms`, errorPercent(count.fromSamplesTicks, count.kernelTicks), '%',
      `${how}; misses the tail after the last sample`));
    figures.push(atMost(`attribution error, with finish(kernel), every ${intervalMs} ms`, errorPercent(count.withFinishTicks, count.kernelTicks), '%', 1,
      `${seconds(count.withFinishTicks)} counted`));
  }
  return figures;
}
