import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MachineInterval, MachineSampler } from '../../../src/engine/machineSampler';
import type { PowerSource } from '../../../src/engine/powerSources/powerSource';
import type { RunRecord, RunSample } from '../../../src/engine/reports/runRecord';
import { RunSession, RunSink } from '../../../src/engine/runSession';
import { createRunStore, RunStore } from '../../../src/engine/runStore';
import { Sampler } from '../../../src/engine/sampler';
import { RUN_SERIES_TIERS } from '../../../src/engine/series/runSeries';
import { JOURNAL_COMPACTION_LINES } from '../../../src/engine/storage/journalCompaction';
import { parsePartialRun } from '../../../src/engine/storage/partialRun';
import { JOULES_PER_KWH } from '../../../src/engine/units';
import { buildRunHeader } from '../../fixtures/buildRun';

const SECOND_MS = 1_000;
const HOUR_SECONDS = 3_600;
const DAY_SECONDS = 24 * HOUR_SECONDS;
const DAYS = 30;
/** Days the journal test runs through the store; CARBON_METER_SCALE_JOURNAL_DAYS=30 for the whole run (a minute or more). */
const JOURNAL_DAYS = Number(process.env.CARBON_METER_SCALE_JOURNAL_DAYS ?? 2);
const TICKS = DAYS * DAY_SECONDS;
const MEASURED: ReadonlySet<'cpu' | 'gpu' | 'ram'> = new Set(['cpu', 'gpu', 'ram']);
/** Not a divisor of the compaction period, so the journal is looked at just after compactions and long after. */
const FLUSH_EVERY_SECONDS = 3_000;
const SERIES_BOUND = RUN_SERIES_TIERS.reduce((total, tier) => total + tier.maxPoints, 0);

/** A full heap collection, for heap figures that do not depend on when V8 last collected. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function constantSource(component: PowerSource['component']): PowerSource {
  return { id: 'tdp-model', component, estimated: true, description: 'unused: the test hands the sampler its intervals', probe: async () => undefined, read: async () => ({ powerWatts: 1 }), dispose: () => undefined };
}

/** Second `n` (1-based) of a machine whose CPU, GPU and RAM power wander over the day, exactly known. */
function intervalAt(n: number, startMs: number): MachineInterval {
  const cpuWatts = 20 + 15 * Math.sin(n / 700) + (n % 17);
  const gpuWatts = n % DAY_SECONDS < 8 * HOUR_SECONDS ? 120 + (n % 5) : 8;
  const ramWatts = 3 + (n % 3) * 0.25;
  return {
    endMs: n * SECOND_MS,
    intervalMs: SECOND_MS,
    timestampMs: startMs + n * SECOND_MS,
    energyJoules: { cpu: cpuWatts, gpu: gpuWatts, ram: ramWatts },
    measuredComponents: MEASURED,
    gpuDeviceEnergy: [],
    gpuDevices: undefined,
    gpuProcesses: [],
    utilizationPercent: { cpu: 40 + (n % 50), gpu: gpuWatts > 100 ? 90 : 0 },
    modelIdleWatts: {},
    busyTicks: 100,
    memory: { totalGiB: 16, usedGiB: 6 + (n % 4) },
    failures: [],
  };
}

const taskJoules = (sample: RunSample): number =>
  ((sample.taskPowerWatts.cpu + sample.taskPowerWatts.gpu + sample.taskPowerWatts.ram) * sample.intervalMs) / SECOND_MS;

interface Simulation {
  readonly sampler: Sampler;
  readonly session: RunSession;
  readonly store: RunStore;
  readonly partialPath: string;
  /** Every sample's energy, summed at full rate as it came: the reference the stored figures must meet. */
  readonly referenceJoules: () => number;
  readonly sampleCount: () => number;
  readonly lastSample: () => RunSample | undefined;
  readonly storeFailures: readonly string[];
}

/**
 * A run in `machine` mode on the real Sampler, RunSession and run store, whose machine intervals are
 * built here (intervalAt) and handed to the sampler as the machine sampler hands it one (`take`).
 * Reading fake sources through the machine sampler takes tens of microseconds a tick, over a minute for
 * 30 days, and is what sampler.test.ts and machineSampler.test.ts cover. `journal`: whether each sample
 * also goes to the store's journal, as in the engine (serialising 2.6 million journal lines alone takes
 * most of a minute here, so only the journal test does it, over fewer days).
 */
async function startSimulation(directory: string, options: { readonly journal: boolean }): Promise<Simulation> {
  const store = createRunStore({ directory, isProcessAlive: () => true });
  const storeFailures: string[] = [];
  store.onDidFail((failure) => storeFailures.push(failure.message));
  const sink: RunSink = {
    begin: async (header) => { await store.beginRun(header); },
    append: (runId, sample, totals) => { if (options.journal) void store.appendSample(runId, sample, totals); },
    finish: async (record) => { await store.finishRun(record); },
  };
  const header = { ...buildRunHeader({ id: RUN_ID }), trackingMode: 'machine' as const, pue: 1.2 };
  const procRoot = join(directory, 'proc');
  mkdirSync(procRoot);
  writeFileSync(join(procRoot, 'stat'), 'cpu  10 0 0 10 0 0 0 0 0 0\n');
  writeFileSync(join(procRoot, 'meminfo'), 'MemTotal: 16777216 kB\nMemAvailable: 8388608 kB\n');
  const machine = new MachineSampler({ sources: { cpu: constantSource('cpu'), gpu: [constantSource('gpu')], ram: constantSource('ram') }, procRoot, intervalMs: SECOND_MS });
  const sampler = new Sampler({ machine, intensityGramsPerKWh: header.intensity.gramsPerKWh, pue: header.pue });
  let wallClockMs = header.startedAtMs;
  const session = new RunSession({ header, sampler, sink, ticksPerSecond: 100, wallClockMs: () => wallClockMs });
  let referenceJoules = 0;
  let sampleCount = 0;
  let lastSample: RunSample | undefined;
  session.onDidSample((sample) => {
    referenceJoules += taskJoules(sample);
    sampleCount++;
    lastSample = sample;
    wallClockMs = sample.timestampMs;
  });
  await sink.begin(header);
  // The run's first instant, as the machine sampler's attaching tick would give it.
  sampler.begin(0);
  return {
    sampler, session, store, partialPath: join(store.runsDirectory, `${RUN_ID}.partial.jsonl`), storeFailures,
    referenceJoules: () => referenceJoules, sampleCount: () => sampleCount, lastSample: () => lastSample,
  };
}

const RUN_ID = 'long-run';

describe('a 30-day run at 1 Hz', function () {
  // A few seconds on a quiet machine; a loaded shared one can take several times that.
  this.timeout(300_000);
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'scale-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps memory flat and the stored series downsampled, with totals exact to the full-rate sum', async () => {
    const gc = collectGarbage();
    const run = await startSimulation(directory, { journal: false });
    const startMs = run.session.header.startedAtMs;
    let heapAfterDayOne = 0;
    const started = performance.now();
    for (let n = 1; n <= TICKS; n++) {
      run.sampler.take(intervalAt(n, startMs), false);
      if (n % HOUR_SECONDS === 0) assert.ok(run.session.sampleCount <= SERIES_BOUND, `${run.session.sampleCount} samples held`);
      if (n === DAY_SECONDS) {
        gc();
        heapAfterDayOne = process.memoryUsage().heapUsed;
      }
    }
    gc();
    const heapGrowthBytes = process.memoryUsage().heapUsed - heapAfterDayOne;
    const simulatedMs = performance.now() - started;
    // What 29 more days add is a few thousand aggregates, where keeping every sample would add 2.5 million (~1 GB).
    assert.ok(heapGrowthBytes < 16 * 1024 * 1024, `heap grew ${(heapGrowthBytes / 1024 / 1024).toFixed(1)} MiB from day 1 to day 30`);

    const record = await run.session.finish({ exitCode: 0, status: 'finished' });
    assert.equal(run.sampleCount(), TICKS);
    assert.ok(record.samples.length <= SERIES_BOUND && record.samples.length > 7_000, `${record.samples.length} samples stored`);
    assert.equal(record.samples.reduce((total, sample) => total + (sample.aggregatedSamples ?? 1), 0), TICKS, 'every interval is in one stored sample');
    assert.equal(record.samples.filter((sample) => sample.aggregatedSamples === undefined).length, HOUR_SECONDS, 'the last hour at full rate');
    const referenceKWh = run.referenceJoules() / JOULES_PER_KWH;
    assert.ok(Math.abs(record.energyKWh - referenceKWh) <= 1e-9 * referenceKWh, `${record.energyKWh} kWh stored, ${referenceKWh} kWh at full rate`);
    const storedSeriesKWh = record.samples.reduce((total, sample) => total + taskJoules(sample), 0) / JOULES_PER_KWH;
    assert.ok(Math.abs(storedSeriesKWh - referenceKWh) <= 1e-9 * referenceKWh, `the stored series holds ${storedSeriesKWh} kWh`);
    assert.equal(record.samples.at(-1)?.taskEnergyKWh, run.lastSample()?.taskEnergyKWh);
    assert.equal(record.samples.at(-1)?.emissionsKg, run.lastSample()?.emissionsKg);
    assert.equal(record.durationSeconds, TICKS);
    const stored = await run.store.readRun(RUN_ID);
    assert.equal(stored.energyKWh, record.energyKWh);
    assert.equal(stored.samples.length, record.samples.length);
    assert.deepEqual(run.storeFailures, []);
    report({
      simulatedSeconds: simulatedMs / 1000, heapGrowthMiB: heapGrowthBytes / 1024 / 1024, recordSamples: record.samples.length,
      recordMiB: statSync(join(run.store.runsDirectory, `${RUN_ID}.json`)).size / 1024 / 1024,
    });
  });

  it(`keeps the journal bounded and its recovery exact (${JOURNAL_DAYS} days at 1 Hz through the store)`, async () => {
    const run = await startSimulation(directory, { journal: true });
    const startMs = run.session.header.startedAtMs;
    const ticks = JOURNAL_DAYS * DAY_SECONDS;
    let largestPartialBytes = 0;
    let largestPartialLines = 0;
    const started = performance.now();
    for (let n = 1; n <= ticks; n++) {
      run.sampler.take(intervalAt(n, startMs), false);
      if (n % FLUSH_EVERY_SECONDS === 0) {
        // The store writes these lines in one append, or one compaction when one is due.
        assert.equal(await run.store.flush(), true);
        const text = readFileSync(run.partialPath, 'utf8');
        largestPartialBytes = Math.max(largestPartialBytes, Buffer.byteLength(text));
        const lines = parsePartialRun(text).samples.length;
        largestPartialLines = Math.max(largestPartialLines, lines);
        assert.ok(lines <= SERIES_BOUND + JOURNAL_COMPACTION_LINES, `${lines} journal lines after ${n} s`);
      }
    }
    // Samples since the last flush: the lines appended after the last compaction are in the file too.
    for (let n = ticks + 1; n <= ticks + HOUR_SECONDS / 2; n++) run.sampler.take(intervalAt(n, startMs), false);
    assert.equal(await run.store.flush(), true);
    const simulatedMs = performance.now() - started;
    const journal = parsePartialRun(readFileSync(run.partialPath, 'utf8'));
    assert.equal(journal.skippedLines, 0);
    assert.ok(largestPartialLines < ticks / 10, `the journal held up to ${largestPartialLines} lines for ${ticks} samples`);
    assert.equal(journal.samples.reduce((total, line) => total + (line.sample.aggregatedSamples ?? 1), 0), run.sampleCount(), 'every interval is in the journal once');

    // A crash now: a copy of the store as the dead process left it, recovered by a new one.
    const crashed = join(directory, 'crashed');
    mkdirSync(join(crashed, 'runs'), { recursive: true });
    copyFileSync(run.partialPath, join(crashed, 'runs', `${RUN_ID}.partial.jsonl`));
    const recoveryStarted = performance.now();
    const recovery = await createRunStore({ directory: crashed, isProcessAlive: () => false }).recoverInterrupted();
    const recoveryMs = performance.now() - recoveryStarted;
    assert.deepEqual(recovery.recovered.map((recovered) => recovered.id), [RUN_ID]);
    const recovered = JSON.parse(readFileSync(join(crashed, 'runs', `${RUN_ID}.json`), 'utf8')) as RunRecord;
    const totals = run.session.totals;
    assert.equal(recovered.status, 'interrupted');
    assert.deepEqual(recovered.machineEnergyKWh, totals.machineEnergyKWh);
    assert.equal(recovered.emissionsKg, totals.emissionsKg);
    assert.equal(recovered.durationSeconds, totals.durationMs / SECOND_MS);
    const referenceKWh = run.referenceJoules() / JOULES_PER_KWH;
    assert.ok(Math.abs(recovered.energyKWh - referenceKWh) <= 1e-9 * referenceKWh, `${recovered.energyKWh} kWh recovered, ${referenceKWh} kWh at full rate`);
    assert.equal(recovered.samples.at(-1)?.taskEnergyKWh, run.lastSample()?.taskEnergyKWh);
    assert.deepEqual(run.storeFailures, []);
    report({
      journalDays: JOURNAL_DAYS, simulatedSeconds: simulatedMs / 1000, largestPartialLines, largestPartialMiB: largestPartialBytes / 1024 / 1024,
      recoveryMs, recoveredSamples: recovered.samples.length,
    });
    await run.session.finish({ exitCode: 0, status: 'finished' });
  });
});

/** Figures for the README, printed only when asked for (CARBON_METER_SCALE_REPORT=1). */
function report(figures: Record<string, number>): void {
  if (!process.env.CARBON_METER_SCALE_REPORT) return;
  console.log(JSON.stringify(Object.fromEntries(Object.entries(figures).map(([key, value]) => [key, Number(value.toFixed(2))]))));
}
