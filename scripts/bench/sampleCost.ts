import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CarbonEngine } from '../../src/engine/engine';
import { createProcessTreeTracker, FULL_READ_EVERY_SAMPLES, MAX_IDLE_READ_PERIOD_SAMPLES, ProcessTreeTracker } from '../../src/engine/attribution/processTree';
import { MachineSampler } from '../../src/engine/machineSampler';
import { Sampler } from '../../src/engine/sampler';
import { exited, sleep } from './childProcesses';
import { atMost, context, Figure, median } from './figures';

const TREE_CHILDREN = 100;

const BATCHES = 10;
const WARM_UP_SAMPLES = 2000;

/** CPU time (user + system, every thread of this process) per call of `step`, in milliseconds. */
async function cpuMsPerCall(calls: number, step: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  for (let call = 0; call < calls; call++) await step();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / calls;
}

/**
 * The median over `BATCHES` batches of CPU time per call: on a shared machine another tenant's burst
 * inflates one batch, not the figure. Each batch is a multiple of the tree's full-read period, so every
 * batch pays its share of the periodic full reads.
 */
async function medianCpuMsPerCall(perBatch: number, step: () => Promise<unknown>): Promise<number> {
  const batches: number[] = [];
  for (let batch = 0; batch < BATCHES; batch++) batches.push(await cpuMsPerCall(perBatch, step));
  return median(batches);
}

/**
 * The floor of a sample's cost: the reads alone, with no logic around them. One positioned read per
 * member of its kept `schedstat` (the least a tree sample does to learn whether a process ran), plus
 * `/proc/stat` and `/proc/meminfo`. Returns the step and a function that closes the descriptors.
 */
function bareReads(pids: readonly number[]): { step: () => Promise<void>; close: () => void } {
  const fds = [...pids.map((pid) => `/proc/${pid}/schedstat`), '/proc/stat', '/proc/meminfo'].map((path) => openSync(path, 'r'));
  const buffer = Buffer.alloc(65_536);
  return {
    step: async () => {
      for (const fd of fds) buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0));
    },
    close: () => fds.forEach((fd) => closeSync(fd)),
  };
}

async function waitForTreeSize(tracker: ProcessTreeTracker, size: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let seen = 0;
  while (performance.now() < deadline) {
    seen = (await tracker.sample()).pids.length;
    if (seen >= size) return seen;
    await sleep(20);
  }
  throw new Error(`the tree reached only ${seen} of ${size} processes`);
}

/**
 * CPU cost of one sample with a live tree of `sh` + 100 `sleep` children: the whole interval (power
 * sources chosen as the engine chooses them, /proc/stat, /proc/meminfo, the tree, the run's
 * attribution) and the process-tree scan alone, also with the idle backoff off (every member's
 * schedstat read at every sample); then a tick that feeds a second, whole-machine run as well. Samples
 * are taken back to back, after a warm-up, with the engine's own sources for this machine.
 */
export async function measureSampleCost(dataDir: string, samples: number): Promise<Figure[]> {
  const storageDir = mkdtempSync(join(tmpdir(), 'carbon-meter-bench-'));
  const engine = new CarbonEngine(
    { dataDir, storageDir, sysfsRoot: '/sys', procRoot: '/proc', nvidiaSmiPath: 'nvidia-smi', intervalMs: 1000 },
    { onWarning: (message) => process.stderr.write(`bench: ${message}\n`) },
  );
  const tree = spawn('sh', ['-c', `i=0; while [ $i -lt ${TREE_CHILDREN} ]; do sleep 60 & i=$((i+1)); done; wait`], {
    stdio: 'ignore', detached: true,
  });
  const treeExited = exited(tree);
  try {
    if (tree.pid === undefined) throw new Error('could not spawn the process tree');
    const { sources } = await engine.powerSources();
    const tracker = createProcessTreeTracker({ procRoot: '/proc', rootPid: tree.pid });
    const treeSize = await waitForTreeSize(tracker, TREE_CHILDREN + 1, 10_000);
    // An interval far beyond the bench, so the machine sampler's own timer never fires while we call it.
    const machine = new MachineSampler({ sources, procRoot: '/proc', intervalMs: 1_000_000_000 });
    const sampler = new Sampler({ machine, task: tracker, intensityGramsPerKWh: 100, pue: 1 });
    const wholeMachine = new Sampler({ machine, intensityGramsPerKWh: 100, pue: 1 });
    try {
      await sampler.start();
      // A sampler runs for minutes to hours: the figure is its steady state, once V8 has optimised the hot
      // code. process.cpuUsage counts the optimising compiler's background thread too, so the warm-up lasts
      // until that work is done (about a second here); the run's first samples are shown beside it.
      const warmUp = WARM_UP_SAMPLES;
      const coldMs = await cpuMsPerCall(FULL_READ_EVERY_SAMPLES, () => sampler.sampleNow());
      const perBatch = Math.max(1, Math.round(samples / BATCHES / FULL_READ_EVERY_SAMPLES)) * FULL_READ_EVERY_SAMPLES;
      await cpuMsPerCall(warmUp - FULL_READ_EVERY_SAMPLES, () => sampler.sampleNow());
      const perSampleMs = await medianCpuMsPerCall(perBatch, () => sampler.sampleNow());
      await cpuMsPerCall(warmUp, () => tracker.sample());
      const perTreeScanMs = await medianCpuMsPerCall(perBatch, () => tracker.sample());
      // The same tree, read as the engine did before idle members backed off; its own descriptors, its own state.
      const everyMember = createProcessTreeTracker({ procRoot: '/proc', rootPid: tree.pid, idleBackoff: false });
      let perTreeScanNoBackoffMs: number;
      try {
        await waitForTreeSize(everyMember, treeSize, 10_000);
        await cpuMsPerCall(warmUp, () => everyMember.sample());
        perTreeScanNoBackoffMs = await medianCpuMsPerCall(perBatch, () => everyMember.sample());
      } finally {
        everyMember.dispose();
      }
      await wholeMachine.start();
      await cpuMsPerCall(warmUp, () => machine.sampleNow());
      const withSecondRunMs = await medianCpuMsPerCall(perBatch, () => machine.sampleNow());
      const bare = bareReads((await tracker.sample()).pids);
      let bareReadsMs: number;
      try {
        await cpuMsPerCall(warmUp, bare.step);
        bareReadsMs = await medianCpuMsPerCall(perBatch, bare.step);
      } finally {
        bare.close();
      }
      const sourceNames = [sources.cpu?.id, ...sources.gpu.map((source) => source.id), sources.ram?.id].filter(Boolean).join(' + ');
      return [
        atMost('CPU time per sample, 100-process tree', perSampleMs, 'ms', 0.3, `median of ${BATCHES} batches of ${perBatch} after ${warmUp} warm-up; sources ${sourceNames}`),
        context('  of which the tree scan (tracker.sample)', perTreeScanMs, 'ms', `${treeSize} processes, ${tracker.scanMode} scan`),
        context('  the rest: sources, /proc/stat, /proc/meminfo', perSampleMs - perTreeScanMs, 'ms', 'the difference of the two rows above'),
        context('  the tree scan with the idle backoff off', perTreeScanNoBackoffMs, 'ms',
          `every member's schedstat read at every sample; with it on, an idle member's is read down to every ${MAX_IDLE_READ_PERIOD_SAMPLES}th sample`),
        context('CPU time per tick, the same run + a whole-machine run', withSecondRunMs, 'ms', 'both runs fed by one reading of the sources'),
        context(`CPU time per sample, the run's first ${FULL_READ_EVERY_SAMPLES} samples`, coldMs, 'ms', 'before V8 has optimised the code'),
        context('floor: the same reads with no logic', bareReadsMs, 'ms', `${treeSize} kept schedstat descriptors + /proc/stat + /proc/meminfo, one pread each: every member read at every sample`),
      ];
    } finally {
      wholeMachine.dispose();
      sampler.dispose();
      machine.dispose();
      tracker.dispose();
    }
  } finally {
    if (tree.pid !== undefined) {
      try {
        process.kill(-tree.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    }
    await treeExited;
    engine.dispose();
    rmSync(storageDir, { recursive: true, force: true });
  }
}
