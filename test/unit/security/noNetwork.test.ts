import '../extension/useFakeVscode';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CarbonEngine } from '../../../src/engine/engine';
import { activate, deactivate } from '../../../src/extension/extension';
import { ELECTRICITY_MAPS_SECRET } from '../../../src/extension/regionAdvisor/liveIntensity';
import { fake, fakeContext, Uri } from '../extension/fakeVscode';

const REPO_ROOT = resolve(__dirname, '../../..');
const PRELOAD = join(REPO_ROOT, 'test/fixtures/recordConnections.cjs');
const TYPESCRIPT = join(REPO_ROOT, 'test/registerTypeScript.cjs');
const CLI = join(REPO_ROOT, 'src/cli/main.ts');
const FAKE_NVIDIA_SMI = join(REPO_ROOT, 'test/fixtures/nvidia-smi/h100-idle');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { install } = require(PRELOAD) as { install(onAttempt: (attempt: { api: string; target: string }) => void): () => void };

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

describe('no network call unless the user turned live data on', () => {
  let directory: string;
  let log: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'carbon-meter-offline-'));
    log = join(directory, 'connections.jsonl');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  /** Runs `node -r <recorder> <args>` in the temporary folder, with an environment that holds no key or proxy. */
  function node(args: string[]): { status: number | null; stderr: string } {
    const result = spawnSync(process.execPath, ['-r', PRELOAD, ...args], {
      cwd: directory,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: directory, TZ: 'Europe/Paris', CARBON_METER_CONNECTIONS_LOG: log },
    });
    return { status: result.status, stderr: result.stderr };
  }
  const attempts = (): unknown[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : []);

  it('the recorder sees fetch, http, sockets and DNS (so that zero below means zero)', () => {
    node(['-e', `
      fetch('http://127.0.0.1:9/').catch(() => {});
      try { require('node:http').get('http://127.0.0.1:9/'); } catch {}
      try { new (require('node:net').Socket)().connect(9, '127.0.0.1'); } catch {}
      try { require('node:dns').lookup('example.invalid', () => {}); } catch {}
    `]);
    assert.deepEqual(attempts().map((attempt) => (attempt as { api: string }).api), ['fetch', 'http.get', 'net.Socket.connect', 'dns.lookup']);
  });

  it('the CLI commands run, regions, report, doctor and intensity (--live without a key included) make no connection', function () {
    this.timeout(120_000);
    const cli = (...args: string[]) => {
      const result = node(['-r', TYPESCRIPT, CLI, ...args]);
      assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
    };
    const roots = ['--sysfs-root', join(directory, 'no-sysfs'), '--nvidia-smi', FAKE_NVIDIA_SMI];
    cli('run', '--country', 'FR', '--interval-ms', '200', '--quiet', ...roots, '--', process.execPath, '-e', 'setTimeout(() => {}, 600)');
    const [runFile] = readdirSync(join(directory, '.carbon-meter/runs'));
    const runId = (runFile ?? '').replace(/\.json$/, '');
    cli('regions', '--energy-kwh', '1', '--limit', '3');
    cli('regions', '--run', runId, '--json');
    cli('report');
    cli('report', '--format', 'html', '--out', join(directory, 'reports'));
    cli('doctor', ...roots);
    cli('doctor', '--json', ...roots);
    cli('intensity', '--country', 'FR');
    cli('intensity', '--cloud', 'gcp:europe-west1', '--live');
    cli('intensity', '--run', runId, '--live');
    assert.deepEqual(attempts(), []);
  });

  it('the engine measures a process tree without a connection', async () => {
    const seen: unknown[] = [];
    const restore = install((attempt) => seen.push(attempt));
    const engine = new CarbonEngine({
      dataDir: join(REPO_ROOT, 'data'), storageDir: directory, sysfsRoot: join(directory, 'no-sysfs'), procRoot: '/proc',
      nvidiaSmiPath: FAKE_NVIDIA_SMI, intervalMs: 100,
    }, { onWarning: () => undefined });
    const child = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 400) {}']);
    try {
      const session = await engine.startRun({
        command: 'busy', projectName: 'offline', experimentName: 'no network', trackingMode: 'process', rootPid: child.pid,
        location: engine.resolveLocation({ flags: { country: 'FR' }, env: {} }),
      });
      await new Promise((done) => child.once('exit', done));
      const record = await session.finish({ exitCode: 0, status: 'finished' });
      assert.ok(record.samples.length > 0);
    } finally {
      engine.dispose();
      restore();
    }
    assert.deepEqual(seen, []);
  });

  /**
   * Activates the extension over the fake vscode with a key stored and France as the location (it has an
   * Electricity Maps zone), tracks a task, opens the panel and the Region Advisor; returns the attempts.
   */
  async function exerciseExtension(liveIntensity: { workspaceValue?: boolean; globalValue?: boolean }, workspace?: { trusted: boolean; file: object }): Promise<{ api: string; target: string }[]> {
    fake.reset();
    if (workspace) {
      const folder = mkdtempSync(join(directory, 'folder-'));
      writeFileSync(join(folder, '.carbon-meter.json'), JSON.stringify(workspace.file));
      fake.workspaceFolders = [{ uri: Uri.file(folder), name: 'folder', index: 0 }];
      fake.isTrusted = workspace.trusted;
    }
    fake.secrets.set(ELECTRICITY_MAPS_SECRET, 'em-key-never-sent');
    fake.settings.set('carbonMeter.liveIntensity', { defaultValue: false, ...liveIntensity });
    fake.settings.set('carbonMeter.nvidiaSmiPath', { defaultValue: FAKE_NVIDIA_SMI });
    fake.settings.set('carbonMeter.country', { globalValue: 'FR' });
    const seen: { api: string; target: string }[] = [];
    const restore = install((attempt) => seen.push(attempt));
    const storage = mkdtempSync(join(directory, 'extension-'));
    const context = fakeContext(REPO_ROOT, storage);
    try {
      activate(context as never);
      await sleep(300);
      const execution = { task: { name: 'busy', source: 'Workspace', execution: { commandLine: 'busy' } }, terminate: () => undefined };
      const child = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 1500) {}']);
      fake.set('carbonMeter.autoTrackTasks', 'globalValue', true);
      fake.taskProcessStarted.fire({ execution, processId: child.pid });
      await new Promise((done) => child.once('exit', done));
      fake.taskProcessEnded.fire({ execution, exitCode: 0 });
      await sleep(300);
      await fake.commands.get('carbonMeter.openPanel')?.();
      fake.panels.at(-1)?.send({ type: 'ready', protocolVersion: 1 });
      // The quick pick's answer opens the Region Advisor panel, which asks for a live figure when ready.
      fake.answer = { label: 'Open Region Advisor panel', key: undefined };
      await fake.commands.get('carbonMeter.recommendRegion')?.();
      const advisor = fake.panels.at(-1);
      assert.equal(advisor?.viewType, 'carbonMeter.regionAdvisor', JSON.stringify(fake.messages));
      advisor?.send({ type: 'ready', protocolVersion: 2 });
      await sleep(500);
      const snapshot = advisor?.posted.find((message) => (message as { type: string }).type === 'snapshot') as { rows: unknown[] } | undefined;
      assert.ok(snapshot && snapshot.rows.length > 0, 'the regions were ranked');
      assert.ok(readdirSync(join(storage, 'workspace', 'runs')).some((file) => file.endsWith('.json')), 'the task\'s run was stored');
      return seen;
    } finally {
      await deactivate();
      for (const subscription of context.subscriptions) subscription.dispose();
      restore();
    }
  }

  it('the extension activates, tracks a task, opens both panels and ranks regions without a connection, a stored key and a workspace\'s liveIntensity notwithstanding', async () => {
    assert.deepEqual(await exerciseExtension({ workspaceValue: true }), []);
    assert.deepEqual(await exerciseExtension({}), []);
  });

  it('makes no connection for an untrusted workspace whose .carbon-meter.json names a Pushgateway', async () => {
    const file = { country: 'FR', pushgateway: 'http://127.0.0.1:9/' };
    assert.deepEqual(await exerciseExtension({ workspaceValue: true }, { trusted: false, file }), []);
  });

  it('pushes the finished run to the Pushgateway a trusted workspace names, and to nothing else', async () => {
    const file = { country: 'FR', pushgateway: 'http://127.0.0.1:9/' };
    const seen = await exerciseExtension({ workspaceValue: true }, { trusted: true, file });
    assert.ok(seen.length > 0 && seen.every((attempt) => attempt.target.includes('127.0.0.1:9')), JSON.stringify(seen));
  });

  it('asks Electricity Maps only once the user turned live data on (the request is refused here, never sent)', async () => {
    const seen = await exerciseExtension({ globalValue: true });
    assert.deepEqual(seen.map((attempt) => attempt.api), ['fetch']);
    assert.match(seen[0]?.target ?? '', /\/v3\/carbon-intensity\/latest\?zone=FR&/);
    assert.ok(!JSON.stringify(seen).includes('em-key-never-sent'));
  });
});
