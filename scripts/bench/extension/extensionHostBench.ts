/**
 * Runs in a child process of the bench (a fresh heap and require cache): loads dist/extension.js over
 * the fake `vscode` module and prints one JSON line of figures.
 *
 *   activate  cold require + activate(), then the deferred first status text
 *   sampling  auto-tracks a real 20-process tree at 100 ms and measures host CPU per sample with the
 *             panel closed and open, and heap growth per sample
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Module from 'node:module';
import { HOST_PRELOADED_MODULES } from './hostPreloadedModules';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const FAKE_VSCODE = resolve(__dirname, 'fakeVscode.ts');

// Every `require('vscode')` of the bundle gets the fake.
const moduleInternals = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolveFilename = moduleInternals._resolveFilename;
moduleInternals._resolveFilename = (request: string, ...rest: unknown[]) => (request === 'vscode' ? FAKE_VSCODE : resolveFilename(request, ...rest));

interface ExtensionModule {
  activate(context: unknown): void;
  deactivate(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function fakeContext(storageDir: string) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Uri } = require(FAKE_VSCODE) as typeof import('./fakeVscode');
  return {
    subscriptions: [] as { dispose(): void }[],
    extensionUri: Uri.file(REPO_ROOT),
    storageUri: Uri.file(storageDir),
    globalStorageUri: Uri.file(storageDir),
  };
}

async function measureActivation(storageDir: string): Promise<Record<string, number>> {
  // test/registerTypeScript.cjs turns source maps on for the bench's own .ts files; VS Code's extension
  // host does not parse the bundle's map, so neither does this measurement.
  process.setSourceMapsEnabled(false);
  // What a real extension host has loaded before it loads us: its built-ins and its `vscode` API module
  // (here the stand-in, compiled from TypeScript on first require, which is the bench's cost, not ours).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const name of HOST_PRELOADED_MODULES) require(`node:${name}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(FAKE_VSCODE);
  const startedAt = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const extension = require(join(REPO_ROOT, 'dist', 'extension.js')) as ExtensionModule;
  const loadedAt = performance.now();
  extension.activate(fakeContext(storageDir));
  const activatedAt = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { bench } = require(FAKE_VSCODE) as typeof import('./fakeVscode');
  await new Promise<void>((done) => {
    if (bench.statusTexts.some((text) => text.includes('gCO₂e/kWh'))) done();
    bench.onStatusText.event((text) => { if (text.includes('gCO₂e/kWh')) done(); });
  });
  const firstStatusAt = performance.now();
  return { loadMs: loadedAt - startedAt, activateMs: activatedAt - loadedAt, firstStatusMs: firstStatusAt - activatedAt };
}

async function measureSampling(storageDir: string): Promise<Record<string, number>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { bench } = require(FAKE_VSCODE) as typeof import('./fakeVscode');
  bench.settings.set('autoTrackTasks', true);
  bench.settings.set('samplingIntervalMs', 100);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const extension = require(join(REPO_ROOT, 'dist', 'extension.js')) as ExtensionModule;
  const context = fakeContext(storageDir);
  extension.activate(context);

  const tree = spawn('sh', ['-c', 'i=0; while [ $i -lt 20 ]; do sleep 600 & i=$((i+1)); done; wait'], { stdio: 'ignore', detached: true });
  const execution = { task: { name: 'bench', source: 'bench', execution: { commandLine: 'sleep tree' } }, terminate: () => undefined };
  try {
    bench.taskProcessStarted.fire({ execution, processId: tree.pid });
    // Woken by the status bar itself, so the bench adds no polling of its own to the figures.
    const waitSamples = (count: number) => new Promise<void>((done) => {
      const target = bench.liveStatusCount + count;
      const listener = bench.onStatusText.event(() => {
        if (bench.liveStatusCount < target) return;
        listener.dispose();
        done();
      });
    });
    const cpuPerSample = async (count: number) => {
      await waitSamples(1);
      const before = process.cpuUsage();
      await waitSamples(count);
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000 / count;
    };
    await waitSamples(10);
    const closedMs = await cpuPerSample(100);

    await bench.commands.get('carbonMeter.openPanel')?.();
    bench.panelReceive?.({ type: 'ready', protocolVersion: 1 });
    await waitSamples(5);
    const postedBefore = { bytes: bench.postedBytes, messages: bench.postedMessages };
    const openMs = await cpuPerSample(100);
    const bytesPerMessage = (bench.postedBytes - postedBefore.bytes) / Math.max(1, bench.postedMessages - postedBefore.messages);

    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const heapSamples = 300;
    await waitSamples(heapSamples);
    gc?.();
    const heapGrowthPerSample = (process.memoryUsage().heapUsed - heapBefore) / heapSamples;
    const heapNow = process.memoryUsage().heapUsed;
    bench.taskProcessEnded.fire({ execution, exitCode: 0 });
    await sleep(200);
    return {
      hostCpuPerSampleClosedMs: closedMs,
      hostCpuPerSampleOpenMs: openMs,
      sampleMessageBytes: bytesPerMessage,
      heapGrowthPerSampleBytes: heapGrowthPerSample,
      heapAfterOneHourMiB: (heapNow + heapGrowthPerSample * (3600 - heapSamples - 120)) / 2 ** 20,
      heapNowMiB: heapNow / 2 ** 20,
    };
  } finally {
    try {
      process.kill(-(tree.pid ?? 0), 'SIGKILL');
    } catch {
      // Already gone.
    }
    await extension.deactivate();
  }
}

async function main(mode: string | undefined): Promise<void> {
  const storageDir = mkdtempSync(join(tmpdir(), 'carbon-meter-bench-ext-'));
  try {
    const figures = mode === 'sampling' ? await measureSampling(storageDir) : await measureActivation(storageDir);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    rmSync(storageDir, { recursive: true, force: true });
  }
  process.exit(0);
}

void main(process.argv[2]);
