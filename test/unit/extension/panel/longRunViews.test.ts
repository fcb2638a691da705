import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Equivalent } from '../../../../src/engine/intensity/intensityTable';
import type { RunSample } from '../../../../src/engine/reports/runRecord';
import { createRunSampleSeries, RUN_SERIES_TIERS } from '../../../../src/engine/series/runSeries';
import { MAX_VIEW_SAMPLES, runViewFromActive, runViewFromRecord } from '../../../../src/extension/panel/runViews';
import { HostToPanelMessage, parseHostToPanel } from '../../../../src/protocol/panelMessages';
import { buildRunHeader, buildRunRecord, DEFAULT_STARTED_AT_MS } from '../../../fixtures/buildRun';

const equivalents = (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'runs', 'equivalents.json'), 'utf8')) as {
  equivalents: Equivalent[];
}).equivalents;

const DAY_MS = 24 * 3_600_000;
const RUN_MS = 30 * DAY_MS;

/**
 * The series a RunSession holds after 30 days at 1 Hz. Feeding it 2.6 million samples takes seconds
 * (scale.test.ts does); the same tiers fed 1-minute samples for all but the last hour, and 1 s samples
 * then, hold the same points: 1-minute and 15-minute aggregates, and the last hour at full rate.
 */
function thirtyDaySeries(): RunSample[] {
  const series = createRunSampleSeries();
  let energyKWh = 0;
  let atMs = 0;
  const add = (intervalMs: number): void => {
    atMs += intervalMs;
    const watts = 20 + 10 * Math.sin(atMs / 3_600_000);
    energyKWh += (watts * intervalMs) / 1000 / 3_600_000;
    series.add({
      timestampMs: DEFAULT_STARTED_AT_MS + atMs, intervalMs,
      machinePowerWatts: { cpu: watts, gpu: 0, ram: 3 }, taskPowerWatts: { cpu: watts, gpu: 0, ram: 0 },
      taskEnergyKWh: energyKWh, emissionsKg: energyKWh * 0.056,
      cpuUtilizationPercent: 40, gpuUtilizationPercent: undefined, ramUsedGiB: 6, taskCpuShare: 0.8,
    });
  };
  while (atMs < RUN_MS - 3_600_000) add(60_000);
  while (atMs < RUN_MS) add(1_000);
  return series.toArray();
}

/** Builds a snapshot message as the panel host does, and how long the view took. */
function timedSnapshot(build: () => HostToPanelMessage): { message: HostToPanelMessage; buildMs: number; bytes: number } {
  build();
  const started = performance.now();
  const message = build();
  const buildMs = performance.now() - started;
  return { message, buildMs, bytes: Buffer.byteLength(JSON.stringify(message), 'utf8') };
}

describe('panel views of a 30-day run', () => {
  const samples = thirtyDaySeries();
  const last = samples[samples.length - 1] as RunSample;

  it('sends a bounded, small snapshot of a run still being measured', () => {
    assert.ok(samples.length > 7_000 && samples.length <= RUN_SERIES_TIERS.reduce((total, tier) => total + tier.maxPoints, 0), `${samples.length} samples held`);
    const header = buildRunHeader();
    const totals = { taskEnergyKWh: { cpu: last.taskEnergyKWh, gpu: 0, ram: 0 }, emissionsKg: last.emissionsKg, durationMs: RUN_MS };
    const { message, buildMs, bytes } = timedSnapshot(() => ({
      type: 'snapshot', run: runViewFromActive(header, samples, totals, equivalents), recentRuns: [], diagnostics: undefined,
    }));
    assert.ok(message.type === 'snapshot' && message.run);
    assert.ok(message.run.samples.length <= MAX_VIEW_SAMPLES, `${message.run.samples.length} samples sent`);
    assert.equal(message.run.samples.at(-1)?.energyKWh, last.taskEnergyKWh, 'the chart ends on the run\'s exact energy');
    assert.ok(parseHostToPanel(JSON.parse(JSON.stringify(message))), 'the panel accepts it as it arrives');
    // 600 samples of about 250 bytes; 7,800 samples would be about 2 MB.
    assert.ok(bytes < 256 * 1024, `${bytes} bytes`);
    // Generous for a loaded machine: about 5 ms on a quiet one.
    assert.ok(buildMs < 500, `${buildMs} ms`);
    if (process.env.CARBON_METER_SCALE_REPORT) console.log(JSON.stringify({ activeSnapshotMs: Number(buildMs.toFixed(2)), activeSnapshotKiB: Number((bytes / 1024).toFixed(1)) }));
  });

  it('sends a bounded, small view of a stored one', () => {
    const record = buildRunRecord({ samples, endedAtMs: DEFAULT_STARTED_AT_MS + RUN_MS, durationSeconds: RUN_MS / 1000 });
    const { message, buildMs, bytes } = timedSnapshot(() => ({ type: 'runDetails', run: runViewFromRecord(record, equivalents) }));
    assert.ok(message.type === 'runDetails');
    assert.ok(message.run.samples.length <= MAX_VIEW_SAMPLES);
    assert.ok(parseHostToPanel(JSON.parse(JSON.stringify(message))), 'the panel accepts it as it arrives');
    assert.ok(bytes < 256 * 1024, `${bytes} bytes`);
    assert.ok(buildMs < 500, `${buildMs} ms`);
    if (process.env.CARBON_METER_SCALE_REPORT) console.log(JSON.stringify({ storedViewMs: Number(buildMs.toFixed(2)), storedViewKiB: Number((bytes / 1024).toFixed(1)) }));
  });
});
