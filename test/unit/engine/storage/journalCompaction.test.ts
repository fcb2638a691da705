import * as assert from 'node:assert/strict';
import * as fsPromises from 'node:fs/promises';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord, RunSample } from '../../../../src/engine/reports/runRecord';
import { createRunStore, RunStore, RunStoreOptions, RunTotalsSoFar } from '../../../../src/engine/runStore';
import { JOURNAL_COMPACTION_LINES, SampleJournal } from '../../../../src/engine/storage/journalCompaction';
import { parsePartialRun, PartialSampleLine } from '../../../../src/engine/storage/partialRun';
import type { StoreFileSystem } from '../../../../src/engine/storage/storeFileSystem';
import { buildRunHeader, DEFAULT_STARTED_AT_MS } from '../../../fixtures/buildRun';

const HOST = 'test-host';
const JOULES_PER_KWH = 3_600_000;

/** Second `n` (1-based) of a run drawing 10 W plus a ripple, its totals exact sums of the samples. */
function secondOf(n: number, previous: { energyKWh: number } = { energyKWh: 0 }): { sample: RunSample; totals: RunTotalsSoFar } {
  const watts = 10 + (n % 7);
  const energyKWh = previous.energyKWh + watts / JOULES_PER_KWH;
  previous.energyKWh = energyKWh;
  const sample: RunSample = {
    timestampMs: DEFAULT_STARTED_AT_MS + n * 1_000, intervalMs: 1_000,
    machinePowerWatts: { cpu: watts, gpu: 0, ram: 0 }, taskPowerWatts: { cpu: watts, gpu: 0, ram: 0 },
    taskEnergyKWh: energyKWh, emissionsKg: energyKWh * 0.056,
    // 20 % for the first hour, 80 % after: a mean over samples that ignored what aggregates merge would be off.
    cpuUtilizationPercent: n <= 3_600 ? 20 : 80, gpuUtilizationPercent: undefined, ramUsedGiB: 4, taskCpuShare: 0.5,
  };
  const energy = { cpu: energyKWh, gpu: 0, ram: 0 };
  return { sample, totals: { machineEnergyKWh: energy, machineIdleEnergyKWh: { cpu: 0, gpu: 0, ram: 0 }, taskEnergyKWh: energy, emissionsKg: energyKWh * 0.056, durationMs: n * 1_000 } };
}

describe('journal compaction', () => {
  let directory: string;
  const stores: RunStore[] = [];
  const openStore = (options: Partial<RunStoreOptions> = {}): RunStore => {
    const store = createRunStore({ directory, hostname: HOST, isProcessAlive: (pid) => pid === process.pid, ...options });
    stores.push(store);
    return store;
  };
  const partialPath = (id: string): string => join(directory, 'runs', `${id}.partial.jsonl`);

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'carbon-journal-'));
  });
  afterEach(async () => {
    stores.splice(0).forEach((store) => store.dispose());
    await rm(directory, { recursive: true, force: true });
  });

  it('is due every JOURNAL_COMPACTION_LINES lines and rewrites the header and the downsampled lines', () => {
    const journal = new SampleJournal();
    const energy = { energyKWh: 0 };
    let last: PartialSampleLine | undefined;
    for (let n = 1; n <= 2 * 3_600; n++) {
      const { sample, totals } = secondOf(n, energy);
      last = { kind: 'sample', sample, totals };
      journal.add(last);
      assert.equal(journal.isDue, n >= JOURNAL_COMPACTION_LINES, `after ${n} lines`);
    }
    const compaction = journal.compact('{"kind":"header","writer":{"pid":1,"hostname":"h"},"run":{"id":"r","startedAtMs":0}}\n');
    const parsed = parsePartialRun(compaction.text);
    assert.equal(parsed.skippedLines, 0);
    assert.equal(parsed.header?.run.id, 'r');
    // The last hour as it came, the hour before as 60 minutes.
    assert.equal(parsed.samples.length, 3_600 + 60);
    assert.equal(journal.length, parsed.samples.length);
    assert.deepEqual(parsed.samples.at(-1), JSON.parse(JSON.stringify(last)));
    assert.equal(parsed.samples.reduce((total, line) => total + (line.sample.aggregatedSamples ?? 1), 0), 7_200);
    journal.add(last as PartialSampleLine);
    compaction.written();
    assert.equal(journal.isDue, false, 'the line added after the compaction counts towards the next one');
  });

  it('keeps a long run\'s journal small and its recovery exact to the last sample', async () => {
    const store = openStore({ pid: 4242, isProcessAlive: () => false });
    const header = buildRunHeader({ id: 'long', trackingMode: 'process' });
    await store.beginRun(header);
    const energy = { energyKWh: 0 };
    const seconds = 3 * 3_600 + 600;
    let last = secondOf(1);
    for (let n = 1; n <= seconds; n++) {
      last = secondOf(n, energy);
      void store.appendSample(header.id, last.sample, last.totals);
      if (n % 600 === 0) {
        assert.equal(await store.flush(), true);
        const lines = parsePartialRun(await readFile(partialPath(header.id), 'utf8')).samples.length;
        assert.ok(lines <= 3_600 + 180 + JOURNAL_COMPACTION_LINES, `${lines} lines after ${n} s`);
      }
    }
    assert.equal(await store.flush(), true);
    const journal = parsePartialRun(await readFile(partialPath(header.id), 'utf8'));
    // Compacted at 1, 2 and 3 hours: the last compaction left 3,600 samples and 120 minutes, then 600 samples came.
    assert.equal(journal.samples.length, 3_600 + 120 + 600);
    assert.equal(journal.samples.reduce((total, line) => total + (line.sample.aggregatedSamples ?? 1), 0), seconds);
    const joules = journal.samples.reduce((total, line) => total + (line.sample.taskPowerWatts.cpu * line.sample.intervalMs) / 1_000, 0);
    assert.ok(Math.abs(joules / JOULES_PER_KWH - energy.energyKWh) < 1e-12, 'the journal\'s samples still hold the run\'s energy');

    const report = await openStore({ hostname: HOST, pid: 1 }).recoverInterrupted();
    assert.deepEqual(report.recovered.map((run) => run.id), ['long']);
    const record = JSON.parse(await readFile(join(directory, 'runs', 'long.json'), 'utf8')) as RunRecord;
    assert.equal(record.energyKWh, last.totals.taskEnergyKWh.cpu);
    assert.equal(record.emissionsKg, last.totals.emissionsKg);
    assert.equal(record.durationSeconds, seconds);
    assert.equal(record.endedAtMs, last.sample.timestampMs);
    const meanUtilization = (3_600 * 20 + (seconds - 3_600) * 80) / seconds;
    assert.ok(Math.abs((record.cpuUtilizationPercent ?? 0) - meanUtilization) < 1e-9, `${record.cpuUtilizationPercent} % recovered, ${meanUtilization} % measured`);
  });

  it('leaves the journal whole when a compaction fails (ENOSPC), and compacts on the next write', async () => {
    let full = false;
    const fileSystem: StoreFileSystem = {
      ...fsPromises,
      open: async (...args: Parameters<typeof fsPromises.open>) => {
        if (full && args[1] === 'wx') throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return fsPromises.open(...args);
      },
    };
    const store = openStore({ fileSystem });
    const header = buildRunHeader({ id: 'full-disk' });
    await store.beginRun(header);
    const energy = { energyKWh: 0 };
    for (let n = 1; n < JOURNAL_COMPACTION_LINES; n++) {
      const { sample, totals } = secondOf(n, energy);
      void store.appendSample(header.id, sample, totals);
    }
    assert.equal(await store.flush(), true);
    const before = await readFile(partialPath(header.id), 'utf8');
    full = true;
    const due = secondOf(JOURNAL_COMPACTION_LINES, energy);
    const failed = await store.appendSample(header.id, due.sample, due.totals);
    assert.equal(failed.persisted, false);
    assert.equal(failed.error?.code, 'ENOSPC');
    assert.equal(failed.pendingLines, 1);
    assert.equal(await readFile(partialPath(header.id), 'utf8'), before, 'the old journal is untouched');
    full = false;
    const next = secondOf(JOURNAL_COMPACTION_LINES + 1, energy);
    const status = await store.appendSample(header.id, next.sample, next.totals);
    assert.deepEqual(status, { persisted: true, pendingLines: 0, error: undefined });
    const journal = parsePartialRun(await readFile(partialPath(header.id), 'utf8'));
    assert.equal(journal.samples.reduce((total, line) => total + (line.sample.aggregatedSamples ?? 1), 0), JOURNAL_COMPACTION_LINES + 1);
    assert.deepEqual(journal.samples.at(-1)?.totals, next.totals);
  });

  it('keeps lines that come while a compaction is being written', async () => {
    let releaseWrite: (() => void) | undefined;
    const fileSystem: StoreFileSystem = {
      ...fsPromises,
      open: async (...args: Parameters<typeof fsPromises.open>) => {
        if (args[1] === 'wx') await new Promise<void>((resolve) => { releaseWrite = resolve; });
        return fsPromises.open(...args);
      },
    };
    const store = openStore({ fileSystem });
    const header = buildRunHeader({ id: 'slow-disk' });
    await store.beginRun(header);
    const energy = { energyKWh: 0 };
    for (let n = 1; n <= JOURNAL_COMPACTION_LINES; n++) {
      const { sample, totals } = secondOf(n, energy);
      void store.appendSample(header.id, sample, totals);
    }
    while (!releaseWrite) await new Promise((resolve) => setImmediate(resolve));
    const late = secondOf(JOURNAL_COMPACTION_LINES + 1, energy);
    const lateStatus = store.appendSample(header.id, late.sample, late.totals);
    releaseWrite();
    assert.equal((await lateStatus).persisted, true);
    const journal = parsePartialRun(await readFile(partialPath(header.id), 'utf8'));
    assert.equal(journal.samples.reduce((total, line) => total + (line.sample.aggregatedSamples ?? 1), 0), JOURNAL_COMPACTION_LINES + 1);
    assert.deepEqual(journal.samples.at(-1)?.totals, late.totals);
  });
});
