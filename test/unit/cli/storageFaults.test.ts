import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCliArgs, RunArgs } from '../../../src/cli/args';
import { runRunCommand } from '../../../src/cli/commands/runCommand';
import { main } from '../../../src/cli/main';
import { CarbonEngine } from '../../../src/engine/engine';
import { parseEmissionsCsv } from '../../../src/engine/reports/csvReport';
import type { RunRecord } from '../../../src/engine/reports/runRecord';
import { journalSampleLines, waitFor } from '../../fixtures/crash/childProcesses';
import { captureCliIo } from '../../fixtures/captureCliIo';


function onlyRecord(runs: string): RunRecord {
  const files = readdirSync(runs);
  assert.equal(files.length, 1, files.join(', '));
  return JSON.parse(readFileSync(join(runs, files[0] as string), 'utf8')) as RunRecord;
}

describe('carbon-meter run when storage fails under it', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'cli-storage-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('recreates its store folder when it is deleted mid-run, and the run is complete at the end', async () => {
    const io = captureCliIo(cwd);
    const out = join(cwd, 'store');
    const running = main(['run', '--country', 'FR', '--tracking-mode', 'machine', '--interval-ms', '100', '--out', out, '--quiet', '--', 'sleep', '1.5'], io);
    await waitFor(() => journalSampleLines(join(out, 'runs')).length >= 2, 'two journal samples');
    rmSync(out, { recursive: true, force: true });
    assert.equal(await running, 0, io.err.join(''));

    const record = onlyRecord(join(out, 'runs'));
    assert.equal(record.status, 'finished');
    assert.ok(record.durationSeconds >= 1.4, `${record.durationSeconds} s: the whole run, not what followed the deletion`);
    const intervalsSeconds = record.samples.reduce((sum, sample) => sum + sample.intervalMs, 0) / 1000;
    assert.ok(Math.abs(intervalsSeconds - record.durationSeconds) < 0.2, `samples cover ${intervalsSeconds} s of ${record.durationSeconds} s`);
    assert.deepEqual(parseEmissionsCsv(readFileSync(join(out, 'emissions.csv'), 'utf8')).rows.map((row) => row.run_id), [record.id]);
  });

  it('says which path failed and how to fix it, keeps the run in memory, and writes it once storage is back', async () => {
    const out = join(cwd, 'store');
    mkdirSync(out);
    const io = captureCliIo(cwd);
    const args = parseCliArgs(['run', '--country', 'FR', '--tracking-mode', 'machine', '--interval-ms', '100', '--out', out, '--quiet', '--', 'sleep', '0.5']) as RunArgs;
    const engine = new CarbonEngine({
      dataDir: resolve(__dirname, '../../../data'), storageDir: out, sysfsRoot: '/nonexistent', procRoot: '/proc', nvidiaSmiPath: 'no-nvidia-smi', intervalMs: 100,
    }, { onWarning: (message) => io.stderr(`carbon-meter: ${message}\n`), otherStorageFolder: '--out DIR' });
    // A file where the runs folder should be: every write of the run fails (ENOTDIR/EEXIST) until it goes.
    writeFileSync(join(out, 'runs'), 'in the way');
    try {
      const running = runRunCommand(args, engine, io, { storageRetryDelaysMs: [100, 100, 100, 100, 100, 5_000], fallbackDir: join(cwd, 'fallback') });
      await waitFor(() => io.err.join('').includes('waiting up to'), 'the CLI to wait for storage');
      unlinkSync(join(out, 'runs'));
      assert.equal(await running, 0);
    } finally {
      engine.dispose();
    }
    const stderr = io.err.join('');
    assert.match(stderr, new RegExp(`could not write ${join(out, 'runs').replace(/[/.]/g, '\\$&')}/[0-9a-f-]+\\.partial\\.jsonl: the folder was removed or a file is in its place \\((ENOTDIR|EEXIST)\\)\\. `
      + 'Run [0-9a-f-]+ is kept in memory and written as soon as storage is back; to fix it, remove whatever is in its place .*or choose another folder with --out DIR\\.'));
    assert.match(stderr, /storage is back; run [0-9a-f-]+ written/);
    const record = onlyRecord(join(out, 'runs'));
    assert.equal(record.status, 'finished');
    assert.ok(record.samples.length >= 3);
    assert.equal(existsSync(join(cwd, 'fallback')), false);

    // The next run works as usual.
    const next = captureCliIo(cwd);
    assert.equal(await main(['run', '--country', 'FR', '--out', out, '--quiet', '--', 'true'], next), 0, next.err.join(''));
    assert.equal(readdirSync(join(out, 'runs')).length, 2);
    assert.equal(parseEmissionsCsv(readFileSync(join(out, 'emissions.csv'), 'utf8')).rows.length, 2);
  });

  it('keeps a run that storage never accepts in a fallback folder, readable by report', async () => {
    const out = join(cwd, 'store');
    mkdirSync(out);
    writeFileSync(join(out, 'runs'), 'in the way');
    const io = captureCliIo(cwd);
    const args = parseCliArgs(['run', '--country', 'FR', '--tracking-mode', 'machine', '--interval-ms', '100', '--out', out, '--quiet', '--', 'true']) as RunArgs;
    const engine = new CarbonEngine({
      dataDir: resolve(__dirname, '../../../data'), storageDir: out, sysfsRoot: '/nonexistent', procRoot: '/proc', nvidiaSmiPath: 'no-nvidia-smi', intervalMs: 100,
    }, { onWarning: (message) => io.stderr(`carbon-meter: ${message}\n`) });
    const fallback = join(cwd, 'fallback');
    try {
      assert.equal(await runRunCommand(args, engine, io, { storageRetryDelaysMs: [20, 20], fallbackDir: fallback }), 0);
    } finally {
      engine.dispose();
    }
    const record = onlyRecord(fallback);
    assert.match(io.err.join(''), new RegExp(`could not be written to ${join(out, 'runs').replace(/[/.]/g, '\\$&')}; it was saved as ${join(fallback, record.id).replace(/[/.]/g, '\\$&')}\\.json`));
    const report = captureCliIo(cwd);
    const printed: string[] = [];
    assert.equal(await main(['report', join(fallback, `${record.id}.json`), '--format', 'json'], { ...report, stdout: (text) => printed.push(text) }), 0);
    assert.equal((JSON.parse(printed.join('')) as RunRecord).id, record.id);
  });

  it('keeps the JSON record and says so when the emissions.csv row cannot be appended', async () => {
    const out = join(cwd, 'store');
    mkdirSync(join(out, 'emissions.csv'), { recursive: true });
    const io = captureCliIo(cwd);
    assert.equal(await main(['run', '--country', 'FR', '--out', out, '--quiet', '--', 'true'], io), 0);
    const record = onlyRecord(join(out, 'runs'));
    assert.match(io.err.join(''), new RegExp(`could not append run ${record.id} to ${join(out, 'emissions.csv').replace(/[/.]/g, '\\$&')}: .*`
      + `The run is kept in its JSON record; once storage is back, \`carbon-meter report ${record.id} --format csv\` prints its row\\.`));
  });
});
