// The real extension in a real extension host (code-server 4.139.1 on Node 24): activation, the manifest's
// commands and settings, and a task tracked from start to record.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'carbon-meter.carbon-meter';

interface ManifestCommand { command: string; title: string; category: string }
interface ManifestSetting { default?: unknown }
interface Manifest {
  contributes: { commands: ManifestCommand[]; configuration: { properties: Record<string, ManifestSetting> } };
}

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not loaded`);
  return found;
}

const manifest = (): Manifest => extension().packageJSON as Manifest;

/** Waits until `check` returns a value other than undefined, polling every 200 ms. */
async function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

suite('Carbon Meter in the extension host', () => {
  suiteSetup(async () => {
    // run() starts before onStartupFinished: activate explicitly, as a user's first command would.
    await extension().activate();
  });

  test('activates', () => {
    assert.equal(extension().isActive, true);
  });

  test('registers every command that package.json contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = manifest().contributes.commands;
    assert.ok(contributed.length >= 7, `only ${contributed.length} commands contributed`);
    assert.deepEqual(contributed.filter(({ command }) => !registered.has(command)).map(({ command }) => command), []);
    for (const { command, category } of contributed) assert.equal(category, 'Carbon Meter', command);
  });

  test('every setting reads as its manifest default', () => {
    const properties = manifest().contributes.configuration.properties;
    const keys = Object.keys(properties);
    for (const name of ['country', 'region', 'cloud', 'pue', 'samplingIntervalMs', 'trackingMode', 'autoTrackTasks', 'storageLocation', 'nvidiaSmiPath']) {
      assert.ok(keys.includes(`carbonMeter.${name}`), `carbonMeter.${name} is not contributed`);
    }
    const configuration = vscode.workspace.getConfiguration();
    for (const [key, schema] of Object.entries(properties)) {
      const inspected = configuration.inspect(key);
      assert.deepEqual(inspected?.defaultValue, schema.default, `default of ${key}`);
      assert.deepEqual(configuration.get(key), schema.default, `value of ${key}`);
    }
  });

  suite('a tracked task', () => {
    let storage: string;

    suiteSetup(async () => {
      storage = mkdtempSync(join(tmpdir(), 'cm-runs-'));
      const configuration = vscode.workspace.getConfiguration('carbonMeter');
      await configuration.update('storageLocation', storage, vscode.ConfigurationTarget.Global);
      await configuration.update('autoTrackTasks', true, vscode.ConfigurationTarget.Global);
    });

    suiteTeardown(async () => {
      const configuration = vscode.workspace.getConfiguration('carbonMeter');
      await configuration.update('storageLocation', undefined, vscode.ConfigurationTarget.Global);
      await configuration.update('autoTrackTasks', undefined, vscode.ConfigurationTarget.Global);
      rmSync(storage, { recursive: true, force: true });
    });

    test('writes a finished run record and an emissions.csv row', async () => {
      const task = (await vscode.tasks.fetchTasks()).find((candidate) => candidate.name === 'Burn CPU (4 s)');
      assert.ok(task, 'the sample workspace has no task "Burn CPU (4 s)"');
      const ended = new Promise<number | undefined>((resolve) => {
        const listener = vscode.tasks.onDidEndTaskProcess((event) => {
          if (event.execution.task.name !== task.name) return;
          listener.dispose();
          resolve(event.exitCode);
        });
      });
      await vscode.tasks.executeTask(task);
      assert.equal(await ended, 0);

      const runsDir = join(storage, 'runs');
      const recordFile = await waitFor('runs/<id>.json', 20_000, () => {
        try {
          return readdirSync(runsDir).find((name) => /^[0-9a-f-]+\.json$/.test(name));
        } catch {
          return undefined;
        }
      });
      const record = JSON.parse(readFileSync(join(runsDir, recordFile), 'utf8'));
      assert.equal(record.status, 'finished');
      assert.equal(record.exitCode, 0);
      assert.equal(record.experimentName, 'Burn CPU (4 s)');
      assert.equal(recordFile, `${record.id}.json`);
      // The run starts once the tracker is up, which can be a second after the task's process on a loaded
      // machine (3.2 s measured in CI for this 4 s task).
      assert.ok(record.durationSeconds >= 2 && record.durationSeconds < 30, `duration ${record.durationSeconds} s`);
      assert.ok(record.samples.length >= 2, `${record.samples.length} samples`);
      assert.ok(record.energyKWh > 0 && record.emissionsKg > 0, `energy ${record.energyKWh} kWh, ${record.emissionsKg} kg`);
      // The task's tree burnt one core for ~4 s: its CPU time is much of that, and not the whole machine's.
      assert.ok(record.taskCpuSeconds > 1.5 && record.taskCpuSeconds < 8, `task CPU ${record.taskCpuSeconds} s`);

      const csv = readFileSync(join(storage, 'emissions.csv'), 'utf8').trimEnd().split('\n');
      assert.ok(csv.length >= 2, 'a header and a row');
      assert.match(csv[0] ?? '', /^timestamp,project_name,run_id,/);
      assert.ok(csv.some((line) => line.includes(record.id)), 'a row is the run');
    });

    /** The final records in the storage folder for one experiment (task name), newest last. */
    function recordsOf(experimentName: string): { id: string; status: string; startedAtMs: number; endedAtMs: number; durationSeconds: number; taskCpuSeconds: number; exitCode?: number }[] {
      const runsDir = join(storage, 'runs');
      let names: string[];
      try {
        names = readdirSync(runsDir).filter((file) => /^[0-9a-f-]+\.json$/.test(file));
      } catch {
        return [];
      }
      return names.map((name) => JSON.parse(readFileSync(join(runsDir, name), 'utf8')))
        .filter((record) => record.experimentName === experimentName)
        .sort((a, b) => a.startedAtMs - b.startedAtMs);
    }

    async function startTask(name: string): Promise<void> {
      const task = (await vscode.tasks.fetchTasks()).find((candidate) => candidate.name === name);
      assert.ok(task, `the sample workspace has no task "${name}"`);
      await vscode.tasks.executeTask(task);
    }

    test('keeps two overlapping tasks apart: each run has its own tree\'s CPU time', async () => {
      const sleepsBefore = recordsOf('Sleep (10 s)').length;
      const burnsBefore = recordsOf('Burn CPU (4 s)').length;
      await startTask('Sleep (10 s)');
      await startTask('Burn CPU (4 s)');
      const burn = await waitFor('the CPU task\'s record', 30_000, () => recordsOf('Burn CPU (4 s)')[burnsBefore]);
      const sleep = await waitFor('the idle task\'s record', 30_000, () => recordsOf('Sleep (10 s)')[sleepsBefore]);
      assert.ok(burn.startedAtMs < sleep.endedAtMs && sleep.startedAtMs < burn.endedAtMs, 'the two runs overlap in time');
      assert.ok(burn.taskCpuSeconds > 1.5, `CPU task: ${burn.taskCpuSeconds} s of CPU`);
      assert.ok(sleep.taskCpuSeconds < 0.5, `idle task: ${sleep.taskCpuSeconds} s of CPU, none of the other task's`);
      assert.equal(sleep.status, 'finished');
    });

    test('"Stop Tracking" terminates a tracked task and stores its run as interrupted', async () => {
      const before = recordsOf('Sleep (10 s)').length;
      const partialBefore = () => {
        try {
          return readdirSync(join(storage, 'runs')).some((file) => file.endsWith('.partial.jsonl'));
        } catch {
          return false;
        }
      };
      await startTask('Sleep (10 s)');
      await waitFor('the run to start', 15_000, () => (partialBefore() ? true : undefined));
      await vscode.commands.executeCommand('carbonMeter.stopTracking');
      const stopped = await waitFor('the stopped run\'s record', 20_000, () => recordsOf('Sleep (10 s)')[before]);
      assert.equal(stopped.status, 'interrupted');
      assert.ok(stopped.durationSeconds < 9, `stopped after ${stopped.durationSeconds} s`);
    });

    test('turns each command of a tracked terminal into a run with its exit code', async () => {
      const terminal = vscode.window.createTerminal({ name: 'tracked', shellPath: '/bin/bash' });
      await vscode.commands.executeCommand('carbonMeter.trackTerminalCommands', terminal);
      const shell = await waitFor('shell integration', 20_000, () => terminal.shellIntegration);
      // About 2 s of one busy core, then exit 3: the run must carry the command line and the exit code.
      const command = 'node -e "const end = Date.now() + 2000; while (Date.now() < end) {} process.exit(3)"';
      const ended = new Promise<number | undefined>((resolve) => {
        const listener = vscode.window.onDidEndTerminalShellExecution((event) => {
          if (event.terminal !== terminal) return;
          listener.dispose();
          resolve(event.exitCode);
        });
      });
      shell.executeCommand(command);
      assert.equal(await ended, 3);

      const runsDir = join(storage, 'runs');
      const record = await waitFor('the terminal run record', 20_000, () => {
        for (const name of readdirSync(runsDir).filter((file) => /^[0-9a-f-]+\.json$/.test(file))) {
          const candidate = JSON.parse(readFileSync(join(runsDir, name), 'utf8'));
          if (candidate.experimentName === 'terminal') return candidate;
        }
        return undefined;
      });
      terminal.dispose();
      assert.equal(record.command, command);
      assert.equal(record.exitCode, 3);
      assert.equal(record.status, 'finished');
      assert.ok(record.taskCpuSeconds > 0.8 && record.taskCpuSeconds < 6, `task CPU ${record.taskCpuSeconds} s`);
      assert.ok(record.energyKWh > 0, `energy ${record.energyKWh} kWh`);
    });
  });
});
