import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { atMost, context, Figure, median } from './figures';

const REPO_ROOT = resolve(__dirname, '..', '..');
const CHILD = resolve(__dirname, 'extension', 'extensionHostBench.ts');

/** Runs the child bench in a fresh Node (its own heap and require cache) and parses its JSON line. */
function runChild(mode: 'activate' | 'sampling', env: NodeJS.ProcessEnv): Promise<Record<string, number>> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--expose-gc', '-r', './test/registerTypeScript.cjs', CHILD, mode], {
      cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'], env,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.once('error', fail);
    child.once('exit', (code) => {
      if (code !== 0) return fail(new Error(`extension bench (${mode}) exited with ${code}`));
      try {
        done(JSON.parse(output.trim().split('\n').pop() ?? '') as Record<string, number>);
      } catch (error) {
        fail(error);
      }
    });
  });
}

/**
 * The extension host's figures, measured by loading the built dist/extension.js over a stand-in for
 * the `vscode` module (scripts/bench/extension/fakeVscode.ts): what our code costs, without an
 * editor's own start-up. Activation is the median of `activations` cold processes.
 */
export async function measureExtensionHost(activations: number): Promise<Figure[]> {
  // A compile cache of the bench's own (src/launcher/loadBundle.ts), filled by the sampling run, which lives
  // long enough for the launcher to save it: activation is then measured as every start after the first
  // one of a new version, and once without the cache, as that first start.
  const cacheDir = mkdtempSync(join(tmpdir(), 'carbon-meter-bench-cache-'));
  const env = { ...process.env, CARBON_METER_CACHE_DIR: cacheDir };
  try {
    const sampling = await runChild('sampling', env);
    const runs: Record<string, number>[] = [];
    for (let run = 0; run < activations; run++) runs.push(await runChild('activate', env));
    const pick = (key: string, from = runs) => median(from.map((figures) => figures[key] ?? NaN));
    const uncached: Record<string, number>[] = [];
    for (let run = 0; run < 3; run++) uncached.push(await runChild('activate', { ...env, NODE_DISABLE_COMPILE_CACHE: '1' }));
    return figuresOf(activations, pick, sampling, pick('loadMs', uncached) + pick('activateMs', uncached));
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

function figuresOf(activations: number, pick: (key: string) => number, sampling: Record<string, number>, uncachedMs: number): Figure[] {
  return [
    atMost('Extension activation: load bundle + activate()', pick('loadMs') + pick('activateMs'), 'ms', 30,
      `median of ${activations} cold processes with the compile cache; load ${pick('loadMs').toFixed(1)} ms, activate() ${pick('activateMs').toFixed(1)} ms`),
    context('  the same without the compile cache', uncachedMs, 'ms', 'median of 3: the first start after installing or updating'),
    context('First status text after activation (reads the intensity table)', pick('firstStatusMs'), 'ms', 'deferred until activate() has returned'),
    context('Host CPU per sample, panel closed', sampling.hostCpuPerSampleClosedMs ?? NaN, 'ms', '20-process task tree, 100 samples at 100 ms: engine + store + status bar'),
    context('Host CPU per sample, panel open', sampling.hostCpuPerSampleOpenMs ?? NaN, 'ms', 'the same, plus mapping and posting each sample to the panel'),
    context('Panel message per sample', sampling.sampleMessageBytes ?? NaN, 'bytes', 'JSON, as postMessage serialises it'),
    context('Host heap after a 1-hour run (projected)', sampling.heapAfterOneHourMiB ?? NaN, 'MiB', `heap after GC, ${(sampling.heapGrowthPerSampleBytes ?? NaN).toFixed(0)} bytes per sample over 300 samples, projected to 3,600`),
  ];
}
