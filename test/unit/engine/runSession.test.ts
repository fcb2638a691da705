import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunSession, RunSink } from '../../../src/engine/runSession';
import { Sampler } from '../../../src/engine/sampler';
import type { PowerSource } from '../../../src/engine/powerSources/powerSource';
import type { RunRecord, RunSample } from '../../../src/engine/reports/runRecord';
import { buildRunHeader } from '../../fixtures/buildRun';

function constantCpu(powerWatts: number): PowerSource {
  return { id: 'tdp-model', component: 'cpu', estimated: true, description: 'constant', probe: async () => undefined, read: async () => ({ powerWatts }), dispose: () => undefined };
}

function procRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'session-proc-'));
  writeFileSync(join(dir, 'stat'), 'cpu  10 0 0 10 0 0 0 0 0 0\ncpu0 10 0 0 10 0 0 0 0 0 0\n');
  writeFileSync(join(dir, 'meminfo'), 'MemTotal: 1048576 kB\nMemAvailable: 524288 kB\n');
  return dir;
}

describe('RunSession', () => {
  it('streams every sample to the sink and closes into one record, whatever the number of finish calls', async () => {
    let nowMs = 0;
    const appended: RunSample[] = [];
    const finished: RunRecord[] = [];
    const sink: RunSink = { begin: async () => undefined, append: (_id, sample) => appended.push(sample), finish: async (record) => { finished.push(record); } };
    const base = buildRunHeader({});
    const header = { ...base, trackingMode: 'machine' as const, pue: 1.2, intensity: { ...base.intensity, gramsPerKWh: 500 } };
    const sampler = new Sampler({ sources: { cpu: constantCpu(30), gpu: [] }, procRoot: procRoot(), intervalMs: 60_000, intensityGramsPerKWh: 500, pue: 1.2, monotonicNowMs: () => nowMs });
    const session = await RunSession.start({ header, sampler, sink, ticksPerSecond: 100, wallClockMs: () => header.startedAtMs + 2_000 });
    nowMs = 1_000;
    await sampler.sampleNow();
    nowMs = 2_000;
    const [first, second] = await Promise.all([session.finish({ exitCode: 0, status: 'finished' }), session.finish({ exitCode: 0, status: 'finished' })]);
    assert.equal(first, second);
    assert.equal(finished.length, 1);
    assert.equal(appended.length, 2);
    assert.deepEqual(first.samples, appended);
    // 30 W for 2 s = 60 J; × PUE 1.2 × 500 g/kWh
    assert.ok(Math.abs(first.energyKWh - 60 / 3_600_000) < 1e-15, `${first.energyKWh * 3_600_000} J, ${JSON.stringify(first.machineEnergyKWh)}`);
    assert.ok(Math.abs(first.emissionsKg - (60 / 3_600_000) * 1.2 * 0.5) < 1e-15);
    assert.ok(Math.abs((appended.at(-1) as RunSample).emissionsKg - first.emissionsKg) < 1e-15, 'the live figure ends where the record does');
    assert.equal(first.durationSeconds, 2);
  });

  it('releases its resources when the run cannot start', async () => {
    let released = 0;
    const sink: RunSink = { begin: async () => { throw new Error('EROFS'); }, append: () => undefined, finish: async () => undefined };
    const sampler = new Sampler({ sources: { cpu: constantCpu(1), gpu: [] }, procRoot: procRoot(), intervalMs: 1_000, intensityGramsPerKWh: 1, pue: 1 });
    await assert.rejects(RunSession.start({ header: buildRunHeader({}), sampler, sink, ticksPerSecond: 100, resources: [{ dispose: () => released++ }] }), /EROFS/);
    assert.equal(released, 1);
  });

  it('keeps its samples downsampled while the sink gets every one, and ends on the exact totals', async () => {
    let nowMs = 0;
    let wallMs = 1_710_000_000_000;
    const appended: RunSample[] = [];
    const sink: RunSink = { begin: async () => undefined, append: (_id, sample) => appended.push(sample), finish: async () => undefined };
    const header = { ...buildRunHeader({}), trackingMode: 'machine' as const };
    const sampler = new Sampler({ sources: { cpu: constantCpu(30), gpu: [] }, procRoot: procRoot(), intervalMs: 1_000, intensityGramsPerKWh: 100, pue: 1, monotonicNowMs: () => nowMs, wallClockMs: () => wallMs });
    const session = await RunSession.start({ header, sampler, sink, ticksPerSecond: 100, wallClockMs: () => wallMs });
    // Two hours of 1 s samples: the first hour goes into minute aggregates.
    for (let second = 1; second <= 7_200; second++) {
      nowMs += 1_000;
      wallMs += 1_000;
      await sampler.sampleNow();
    }
    assert.equal(appended.length, 7_200);
    assert.ok(session.sampleCount < 3_700, `${session.sampleCount} samples held`);
    const record = await session.finish({ exitCode: 0, status: 'finished' });
    assert.equal(record.samples.length, session.samples.length);
    assert.equal(record.samples.reduce((total, sample) => total + (sample.aggregatedSamples ?? 1), 0), appended.length);
    const joules = record.samples.reduce((total, sample) => total + (sample.taskPowerWatts.cpu * sample.intervalMs) / 1_000, 0);
    assert.ok(Math.abs(joules - 30 * 7_200) < 1e-6, `${joules} J in the stored samples`);
    assert.equal(record.samples.at(-1)?.taskEnergyKWh, appended.at(-1)?.taskEnergyKWh);
    assert.ok(Math.abs(record.energyKWh - (30 * 7_200) / 3_600_000) < 1e-15);
  });
});
