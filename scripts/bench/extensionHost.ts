import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { atMost, context, Figure, median } from './figures';

const REPO_ROOT = resolve(__dirname, '..', '..');
const CHILD = resolve(__dirname, 'extension', 'extensionHostBench.ts');

/** Runs the child bench in a fresh Node (its own heap and require cache) and parses its JSON line. */
function runChild(mode: 'activate' | 'sampling'): Promise<Record<string, number>> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--expose-gc', '-r', './test/registerTypeScript.cjs', CHILD, mode], {
      cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'],
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
  const runs: Record<string, number>[] = [];
  for (let run = 0; run < activations; run++) runs.push(await runChild('activate'));
  const pick = (key: string) => median(runs.map((figures) => figures[key] ?? NaN));
  const sampling = await runChild('sampling');
  return [
    atMost('Extension activation: load bundle + activate()', pick('loadMs') + pick('activateMs'), 'ms', 30,
      `median of ${activations} cold processes; load ${pick('loadMs').toFixed(1)} ms, activate() ${pick('activateMs').toFixed(1)} ms`),
    context('First status text after activation (reads the intensity table)', pick('firstStatusMs'), 'ms', 'deferred until activate() has returned'),
    context('Host CPU per sample, panel closed', sampling.hostCpuPerSampleClosedMs ?? NaN, 'ms', '20-process task tree, 100 samples at 100 ms: engine + store + status bar'),
    context('Host CPU per sample, panel open', sampling.hostCpuPerSampleOpenMs ?? NaN, 'ms', 'the same, plus mapping and posting each sample to the panel'),
    context('Panel message per sample', sampling.sampleMessageBytes ?? NaN, 'bytes', 'JSON, as postMessage serialises it'),
    context('Host heap after a 1-hour run (projected)', sampling.heapAfterOneHourMiB ?? NaN, 'MiB', `heap after GC, ${(sampling.heapGrowthPerSampleBytes ?? NaN).toFixed(0)} bytes per sample over 300 samples, projected to 3,600`),
  ];
}
