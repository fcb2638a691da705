import * as assert from 'node:assert/strict';
import * as fsPromises from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunStore, RunLookupError, RunStore, RunStoreOptions, StoreWriteFailure } from '../../../src/engine/runStore';
import { parseEmissionsCsv } from '../../../src/engine/reports/csvReport';
import { readProcessIdentity } from '../../../src/engine/storage/processAlive';
import type { StoreFileSystem } from '../../../src/engine/storage/storeFileSystem';
import { buildNthSample, buildRunHeader, buildRunRecord, buildTotalsSoFar } from '../../fixtures/buildRun';

const HOST = 'test-host';
const DEAD_PID = 999_999_001;

function partialLines(text: string): unknown[] {
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown);
}

function hostTag(hostname: string): string {
  return createHash('sha256').update(hostname).digest('hex').slice(0, 8);
}

describe('run store', () => {
  let directory: string;
  let runsDirectory: string;
  const stores: RunStore[] = [];
  const openStore = (options: Partial<RunStoreOptions> = {}): RunStore => {
    const store = createRunStore({ directory, hostname: HOST, isProcessAlive: (pid) => pid === process.pid, ...options });
    stores.push(store);
    return store;
  };

  /** A crashed writer's journal: its header, then a whole line per number, or a garbage line. */
  const writeJournal = async (id: string, pid: number, lines: readonly (number | 'garbage' | 'zeros')[]): Promise<void> => {
    const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
    const text = line({ kind: 'header', writer: { pid, hostname: HOST }, run: buildRunHeader({ id }) }) + lines.map((entry) => {
      if (entry === 'garbage') return 'not json at all }{\n';
      if (entry === 'zeros') return `${'\u0000'.repeat(64)}\n`;
      return line({ kind: 'sample', sample: buildNthSample(entry), totals: buildTotalsSoFar(entry) });
    }).join('');
    await mkdir(runsDirectory, { recursive: true });
    await writeFile(join(runsDirectory, `${id}.partial.jsonl`), text);
  };

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'carbon-store-'));
    runsDirectory = join(directory, 'runs');
  });
  afterEach(async () => {
    stores.splice(0).forEach((store) => store.dispose());
    await rm(directory, { recursive: true, force: true });
  });

  it('journals the header, then one complete line per sample as it comes', async () => {
    const store = openStore();
    const header = buildRunHeader();
    await store.beginRun(header);
    const partialPath = join(runsDirectory, `${header.id}.partial.jsonl`);
    assert.equal(partialLines(await readFile(partialPath, 'utf8')).length, 1);
    const status = await store.appendSample(header.id, buildNthSample(1), buildTotalsSoFar(1));
    assert.deepEqual(status, { persisted: true, pendingLines: 0, error: undefined });
    await store.appendSample(header.id, buildNthSample(2), buildTotalsSoFar(2));
    const text = await readFile(partialPath, 'utf8');
    assert.ok(text.endsWith('\n'));
    const lines = partialLines(text);
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[0], { kind: 'header', writer: { pid: process.pid, hostname: HOST, ...readProcessIdentity(process.pid) }, run: JSON.parse(JSON.stringify(header)) });
    assert.equal(typeof (lines[0] as { writer: { startTicks?: unknown } }).writer.startTicks, 'number', 'Linux gives the start time');
    assert.deepEqual((lines[2] as { totals: unknown }).totals, buildTotalsSoFar(2));
  });

  it('writes the final record atomically and removes the journal', async () => {
    const store = openStore();
    const record = buildRunRecord();
    await store.beginRun(buildRunHeader());
    await store.appendSample(record.id, buildNthSample(1), buildTotalsSoFar(1));
    const status = await store.finishRun(record);
    assert.equal(status.persisted, true);
    assert.deepEqual(await readdir(runsDirectory), [`${record.id}.json`]);
    assert.deepEqual(await store.readRun(record.id), JSON.parse(JSON.stringify(record)));
  });

  it('recovers a crashed run as interrupted, with totals up to its last complete sample', async () => {
    const header = buildRunHeader({ id: 'crashed-run' });
    const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
    const sampleLine = (n: number): string => line({ kind: 'sample', sample: buildNthSample(n), totals: buildTotalsSoFar(n) });
    await mkdir(runsDirectory, { recursive: true });
    await writeFile(join(runsDirectory, 'crashed-run.partial.jsonl'),
      line({ kind: 'header', writer: { pid: DEAD_PID, hostname: HOST }, run: header })
      + sampleLine(1) + sampleLine(2) + sampleLine(3).slice(0, 40));

    const report = await openStore().recoverInterrupted();

    assert.deepEqual(report.recovered.map(({ id, samples, skippedLines }) => ({ id, samples, skippedLines })), [{ id: 'crashed-run', samples: 2, skippedLines: 1 }]);
    assert.equal(report.recovered[0]?.durationSeconds, 120);
    assert.deepEqual(await readdir(runsDirectory), ['crashed-run.json']);
    const record = await openStore().readRun('crashed-run');
    assert.equal(record.status, 'interrupted');
    assert.equal(record.exitCode, undefined);
    assert.equal(record.samples.length, 2);
    assert.equal(record.durationSeconds, 120);
    assert.equal(record.endedAtMs, buildNthSample(2).timestampMs);
    assert.deepEqual(record.taskEnergyKWh, buildTotalsSoFar(2).taskEnergyKWh);
    assert.ok(Math.abs(record.energyKWh - 0.0007) < 1e-12);
    assert.ok(Math.abs(record.emissionsKg - 0.0000392) < 1e-12);
    assert.ok(Math.abs(record.averagePowerWatts.cpu - 18) < 1e-9);
    assert.equal(record.taskCpuSeconds, 60);
  });

  it('skips and counts garbage lines in the middle of a journal and keeps every sample around them', async () => {
    await writeJournal('garbled', DEAD_PID, [1, 2, 'garbage', 3, 'zeros', 4]);
    const report = await openStore().recoverInterrupted();
    assert.deepEqual(report.recovered.map(({ samples, skippedLines }) => [samples, skippedLines]), [[4, 2]]);
    const record = await openStore().readRun('garbled');
    assert.deepEqual(record.taskEnergyKWh, buildTotalsSoFar(4).taskEnergyKWh);
    assert.equal(record.durationSeconds, 240);
  });

  it('leaves a journal of zeros or with no header in place and reports it, without throwing', async () => {
    await mkdir(runsDirectory, { recursive: true });
    await writeFile(join(runsDirectory, 'zeros.partial.jsonl'), Buffer.alloc(8192));
    await writeFile(join(runsDirectory, 'empty.partial.jsonl'), '');
    const report = await openStore().recoverInterrupted();
    assert.deepEqual(report.recovered, []);
    assert.deepEqual(report.problems.map((problem) => problem.file).sort(),
      [join(runsDirectory, 'empty.partial.jsonl'), join(runsDirectory, 'zeros.partial.jsonl')]);
    assert.deepEqual((await readdir(runsDirectory)).sort(), ['empty.partial.jsonl', 'zeros.partial.jsonl']);
  });

  it('appends a recovered run to emissions.csv once, with its energy and CO2e up to the last sample', async () => {
    const csvPath = join(directory, 'emissions.csv');
    await writeJournal('crashed', DEAD_PID, [1, 2, 3]);
    const first = await openStore({ emissionsCsvPath: csvPath }).recoverInterrupted();
    const second = await openStore({ emissionsCsvPath: csvPath }).recoverInterrupted();
    assert.deepEqual(first.recovered.map((run) => run.id), ['crashed']);
    assert.deepEqual(second.recovered, []);
    const { rows } = parseEmissionsCsv(await readFile(csvPath, 'utf8'));
    assert.deepEqual(rows.map((row) => row.run_id), ['crashed']);
    assert.equal(Number(rows[0]?.emissions), buildTotalsSoFar(3).emissionsKg);
    assert.equal(Number(rows[0]?.duration), 180);
  });

  it('still writes the recovered record when its emissions.csv row cannot be appended, and says why', async () => {
    const csvPath = join(directory, 'emissions.csv');
    await mkdir(csvPath);
    await writeJournal('crashed', DEAD_PID, [1]);
    const report = await openStore({ emissionsCsvPath: csvPath }).recoverInterrupted();
    assert.match(report.recovered[0]?.csvError ?? '', /EISDIR|illegal operation on a directory/);
    assert.equal((await openStore().readRun('crashed')).status, 'interrupted');
  });

  it('recovers each journal exactly once when several processes recover the same store at once', async () => {
    const csvPath = join(directory, 'emissions.csv');
    const ids = Array.from({ length: 12 }, (_, index) => `crashed-${index}`);
    for (const id of ids) await writeJournal(id, DEAD_PID, [1, 2]);
    const claimers = [1_001, 1_002, 1_003, 1_004];
    const alive = (pid: number): boolean => claimers.includes(pid) || pid === process.pid;
    const reports = await Promise.all(claimers.map((pid) => openStore({ pid, isProcessAlive: alive, emissionsCsvPath: csvPath }).recoverInterrupted()));
    const recovered = reports.flatMap((report) => report.recovered.map((run) => run.id));
    assert.deepEqual(recovered.sort(), [...ids].sort());
    assert.deepEqual(reports.flatMap((report) => report.problems), []);
    const { rows } = parseEmissionsCsv(await readFile(csvPath, 'utf8'));
    assert.deepEqual(rows.map((row) => row.run_id).sort(), [...ids].sort());
    assert.deepEqual((await readdir(runsDirectory)).sort(), ids.map((id) => `${id}.json`).sort());
  });

  it('takes over a claim whose claimer died mid-recovery, and leaves a live claimer\'s alone', async () => {
    await writeJournal('orphaned', DEAD_PID, [1, 2]);
    await writeJournal('in-hand', DEAD_PID, [1]);
    // What a recoverer's rename leaves when it dies before writing the record.
    const claimOf = (id: string, pid: number): Promise<void> =>
      rename(join(runsDirectory, `${id}.partial.jsonl`), join(runsDirectory, `${id}.claim-${hostTag(HOST)}-${pid}-abcd.jsonl`));
    await claimOf('orphaned', 2_001);
    await claimOf('in-hand', process.pid);
    const report = await openStore().recoverInterrupted();
    assert.deepEqual(report.recovered.map((run) => run.id), ['orphaned']);
    assert.deepEqual(report.recoveringElsewhere, ['in-hand']);
    assert.equal((await openStore().readRun('orphaned')).samples.length, 2);
  });

  it('deletes the temporary file of an atomic write killed midway, once stale, and keeps a live writer\'s', async () => {
    await mkdir(runsDirectory, { recursive: true });
    const dead = `.crashed.json.${DEAD_PID}.0a1b2c3d.tmp`;
    const live = `.writing.json.${process.pid}.0a1b2c3d.tmp`;
    await writeFile(join(runsDirectory, dead), '{"formatVersion":1,"id":"cra');
    await writeFile(join(runsDirectory, live), '{"formatVersion":1,"id":"wri');
    const fresh = await openStore().recoverInterrupted();
    assert.deepEqual(fresh.removedTempFiles, [], 'a fresh one may be another host\'s write in progress');
    const later = await openStore({ nowMs: () => Date.now() + 11 * 60 * 1000 }).recoverInterrupted();
    assert.deepEqual(later.removedTempFiles, [dead]);
    assert.deepEqual(await readdir(runsDirectory), [live]);
    assert.deepEqual((await openStore().listRuns()).runs, []);
  });

  it('recovers a journal whose writer\'s pid now belongs to another process (PID reuse, or a reboot)', async () => {
    const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
    const own = readProcessIdentity(process.pid);
    const journal = (id: string, writer: object): string => line({ kind: 'header', writer: { pid: process.pid, hostname: HOST, ...writer }, run: buildRunHeader({ id }) })
      + line({ kind: 'sample', sample: buildNthSample(1), totals: buildTotalsSoFar(1) });
    await mkdir(runsDirectory, { recursive: true });
    await writeFile(join(runsDirectory, 'reused-pid.partial.jsonl'), journal('reused-pid', { bootId: own.bootId, startTicks: (own.startTicks ?? 0) - 1 }));
    await writeFile(join(runsDirectory, 'before-reboot.partial.jsonl'), journal('before-reboot', { bootId: 'another-boot', startTicks: own.startTicks }));
    await writeFile(join(runsDirectory, 'really-alive.partial.jsonl'), journal('really-alive', own));
    const report = await openStore().recoverInterrupted();
    assert.deepEqual(report.recovered.map((run) => run.id).sort(), ['before-reboot', 'reused-pid']);
    assert.deepEqual(report.stillRunning, ['really-alive']);
  });

  it('leaves alone the journal of a writer that is still alive on this host', async () => {
    const first = openStore();
    await first.beginRun(buildRunHeader({ id: 'live-run' }));
    const report = await openStore().recoverInterrupted();
    assert.deepEqual(report.stillRunning, ['live-run']);
    assert.deepEqual(report.recovered, []);
    assert.deepEqual(await readdir(runsDirectory), ['live-run.partial.jsonl']);
  });

  it('recovers a journal from another host only once it has gone stale', async () => {
    const writer = openStore({ hostname: 'other-host' });
    await writer.beginRun(buildRunHeader({ id: 'foreign-run' }));
    const fresh = await openStore({ nowMs: () => Date.now() }).recoverInterrupted();
    assert.deepEqual(fresh.stillRunning, ['foreign-run']);
    const stale = await openStore({ nowMs: () => Date.now() + 60 * 60 * 1000 }).recoverInterrupted();
    assert.deepEqual(stale.recovered.map((run) => run.id), ['foreign-run']);
  });

  it('removes a leftover journal whose final record already exists', async () => {
    const record = buildRunRecord();
    await openStore().finishRun(record);
    await writeFile(join(runsDirectory, `${record.id}.partial.jsonl`), '{"kind":"header"}\n');
    const report = await openStore().recoverInterrupted();
    assert.deepEqual(report.removedLeftovers, [record.id]);
    assert.deepEqual(await readdir(runsDirectory), [`${record.id}.json`]);
  });

  it('finds a run by a unique id prefix and explains unknown and ambiguous ones', async () => {
    const store = openStore();
    await store.finishRun(buildRunRecord({ id: 'abc123' }));
    await store.finishRun(buildRunRecord({ id: 'abd456' }));
    assert.equal((await store.readRun('abc')).id, 'abc123');
    await assert.rejects(store.readRun('ab'), (error: unknown) => error instanceof RunLookupError
      && error.reason === 'ambiguous' && /abc123, abd456/.test(error.message));
    await assert.rejects(store.readRun('zzz'), (error: unknown) => error instanceof RunLookupError
      && error.reason === 'unknown' && /"zzz"/.test(error.message));
    await assert.rejects(store.readRun(''), RunLookupError);
  });

  it('lists runs newest first and reports corrupt files instead of throwing', async () => {
    const store = openStore();
    await store.finishRun(buildRunRecord({ id: 'older', startedAtMs: 1_000 }));
    await store.finishRun(buildRunRecord({ id: 'newer', startedAtMs: 2_000 }));
    await writeFile(join(runsDirectory, 'broken.json'), '{"formatVersion": 1, "id": "bro');
    await writeFile(join(runsDirectory, 'alien.json'), '{"formatVersion": 7}');
    const listing = await store.listRuns();
    assert.deepEqual(listing.runs.map((run) => run.id), ['newer', 'older']);
    assert.equal(listing.runs[0]?.estimated, true);
    assert.deepEqual(listing.problems.map((problem) => problem.file).sort(),
      [join(runsDirectory, 'alien.json'), join(runsDirectory, 'broken.json')]);
  });

  it('lists the good runs beside an empty final file, one of zeros and a truncated one, each reported', async () => {
    const store = openStore();
    await store.finishRun(buildRunRecord({ id: 'good' }));
    await writeFile(join(runsDirectory, 'empty.json'), '');
    await writeFile(join(runsDirectory, 'zeros.json'), Buffer.alloc(4096));
    const whole = await readFile(join(runsDirectory, 'good.json'), 'utf8');
    await writeFile(join(runsDirectory, 'torn.json'), whole.slice(0, whole.length / 2));
    const listing = await openStore().listRuns();
    assert.deepEqual(listing.runs.map((run) => run.id), ['good']);
    assert.deepEqual(listing.problems.map((problem) => problem.file).sort(),
      ['empty.json', 'torn.json', 'zeros.json'].map((name) => join(runsDirectory, name)));
  });

  it('lists nothing, without error, before any run was stored', async () => {
    assert.deepEqual(await openStore().listRuns(), { runs: [], problems: [] });
  });

  it('keeps samples in memory while the runs folder is unusable, and flushes them once it is back', async () => {
    await writeFile(runsDirectory, 'a file where the folder should be');
    const failures: StoreWriteFailure[] = [];
    const store = openStore();
    store.onDidFail((failure) => failures.push(failure));
    const header = buildRunHeader();

    const begun = await store.beginRun(header);
    const appended = await store.appendSample(header.id, buildNthSample(1), buildTotalsSoFar(1));
    assert.equal(begun.persisted, false);
    assert.equal(appended.persisted, false);
    assert.equal(appended.pendingLines, 2);
    assert.ok(appended.error?.code === 'EEXIST' || appended.error?.code === 'ENOTDIR');
    assert.equal(failures.length, 1, 'one event for the episode, not one per retry');

    await rm(runsDirectory);
    const recovered = await store.appendSample(header.id, buildNthSample(2), buildTotalsSoFar(2));
    assert.deepEqual(recovered, { persisted: true, pendingLines: 0, error: undefined });
    assert.equal(partialLines(await readFile(join(runsDirectory, `${header.id}.partial.jsonl`), 'utf8')).length, 3);
  });

  it('keeps a sample that arrives while an append is in flight, and writes it next', async () => {
    let releaseAppend: () => void = () => undefined;
    let appendStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => { appendStarted = resolve; });
    let slow = false;
    const fileSystem: StoreFileSystem = {
      ...fsPromises,
      appendFile: async (...args: Parameters<typeof fsPromises.appendFile>) => {
        if (slow) {
          slow = false;
          appendStarted();
          await new Promise<void>((resolve) => { releaseAppend = resolve; });
        }
        return fsPromises.appendFile(...args);
      },
    };
    const store = openStore({ fileSystem });
    const header = buildRunHeader();
    await store.beginRun(header);
    slow = true;
    const first = store.appendSample(header.id, buildNthSample(1), buildTotalsSoFar(1));
    await started;
    const second = store.appendSample(header.id, buildNthSample(2), buildTotalsSoFar(2));
    releaseAppend();
    await Promise.all([first, second]);
    const lines = partialLines(await readFile(join(runsDirectory, `${header.id}.partial.jsonl`), 'utf8'));
    assert.deepEqual(lines.map((line) => (line as { kind: string }).kind), ['header', 'sample', 'sample']);
    assert.deepEqual(await second, { persisted: true, pendingLines: 0, error: undefined });
  });

  it('cuts a torn line left by a failed append before writing again (ENOSPC)', async () => {
    let failNext = false;
    const fileSystem: StoreFileSystem = {
      ...fsPromises,
      appendFile: async (...args: Parameters<typeof fsPromises.appendFile>) => {
        if (!failNext) return fsPromises.appendFile(...args);
        failNext = false;
        await fsPromises.appendFile(args[0], '{"kind":"sample","sam');
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    };
    const store = openStore({ fileSystem });
    const header = buildRunHeader();
    await store.beginRun(header);
    failNext = true;
    const failed = await store.appendSample(header.id, buildNthSample(1), buildTotalsSoFar(1));
    assert.equal(failed.error?.code, 'ENOSPC');
    await store.appendSample(header.id, buildNthSample(2), buildTotalsSoFar(2));
    const lines = partialLines(await readFile(join(runsDirectory, `${header.id}.partial.jsonl`), 'utf8'));
    assert.deepEqual(lines.map((line) => (line as { kind: string }).kind), ['header', 'sample', 'sample']);
  });

  it('holds a final record it could not write (EROFS) and writes it on the next flush', async () => {
    let readOnly = true;
    const fileSystem: StoreFileSystem = {
      ...fsPromises,
      open: async (...args: Parameters<typeof fsPromises.open>) => {
        if (readOnly && args[1] === 'wx') throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
        return fsPromises.open(...args);
      },
    };
    const store = openStore({ fileSystem });
    const record = buildRunRecord();
    const failed = await store.finishRun(record);
    assert.equal(failed.persisted, false);
    assert.equal(failed.error?.code, 'EROFS');
    assert.equal((await store.readRun(record.id)).id, record.id, 'still readable from memory');
    assert.deepEqual((await store.listRuns()).runs.map((run) => run.id), [record.id]);
    readOnly = false;
    assert.equal(await store.flush(), true);
    assert.deepEqual(await readdir(runsDirectory), [`${record.id}.json`]);
  });

  it('reports an append to a run it never began instead of throwing', async () => {
    const status = await openStore().appendSample('nope', buildNthSample(1), buildTotalsSoFar(1));
    assert.equal(status.persisted, false);
    assert.match(status.error?.message ?? '', /not begun/);
  });

  it('refuses a run id that is not a safe file name', async () => {
    await assert.rejects(openStore().beginRun(buildRunHeader({ id: '../escape' })), /not a safe file name/);
  });
});
