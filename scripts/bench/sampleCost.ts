import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CarbonEngine } from '../../src/engine/engine';
import { createProcessTreeTracker, ProcessTreeTracker } from '../../src/engine/attribution/processTree';
import { Sampler } from '../../src/engine/sampler';
import { exited, sleep } from './childProcesses';
import { atMost, context, Figure } from './figures';

const TREE_CHILDREN = 100;

/** CPU time (user + system, every thread of this process) per call of `step`, in milliseconds. */
async function cpuMsPerCall(calls: number, step: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  for (let call = 0; call < calls; call++) await step();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / calls;
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
 * CPU cost of one sample with a live tree of `sh` + 100 `sleep` children: the whole Sampler interval
 * (power sources chosen as the engine chooses them, /proc/stat, /proc/meminfo, the tree) and the
 * process-tree scan alone. Samples are taken back to back, after a warm-up, with the engine's own
 * sources for this machine.
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
    // An interval far beyond the bench, so the sampler's own timer never fires while we call it.
    const sampler = new Sampler({ sources, procRoot: '/proc', intervalMs: 1_000_000_000, task: tracker, intensityGramsPerKWh: 100, pue: 1 });
    try {
      await sampler.start();
      const warmUp = Math.ceil(samples / 10);
      await cpuMsPerCall(warmUp, () => sampler.sampleNow());
      const perSampleMs = await cpuMsPerCall(samples, () => sampler.sampleNow());
      await cpuMsPerCall(warmUp, () => tracker.sample());
      const perTreeScanMs = await cpuMsPerCall(samples, () => tracker.sample());
      const sourceNames = [sources.cpu?.id, ...sources.gpu.map((source) => source.id), sources.ram?.id].filter(Boolean).join(' + ');
      return [
        atMost('CPU time per sample, 100-process tree', perSampleMs, 'ms', 0.3, `${samples} samples after ${warmUp} warm-up; sources ${sourceNames}`),
        context('  of which the tree scan (tracker.sample)', perTreeScanMs, 'ms', `${treeSize} processes, ${tracker.scanMode} scan`),
        context('  the rest: sources, /proc/stat, /proc/meminfo', perSampleMs - perTreeScanMs, 'ms', 'the difference of the two rows above'),
      ];
    } finally {
      sampler.dispose();
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
