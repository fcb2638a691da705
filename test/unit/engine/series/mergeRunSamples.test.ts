import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RunSample } from '../../../../src/engine/reports/runRecord';
import { aggregatedCount, mergeRunSamples, mergeRunSamplesToAtMost } from '../../../../src/engine/series/mergeRunSamples';
import { buildNthSample } from '../../../fixtures/buildRun';

const taskJoules = (sample: RunSample): number =>
  ((sample.taskPowerWatts.cpu + sample.taskPowerWatts.gpu + sample.taskPowerWatts.ram) * sample.intervalMs) / 1000;
const machineJoules = (sample: RunSample): number =>
  ((sample.machinePowerWatts.cpu + sample.machinePowerWatts.gpu + sample.machinePowerWatts.ram) * sample.intervalMs) / 1000;
const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const close = (actual: number, expected: number, relative = 1e-12): boolean => Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected));

const watts = fc.double({ min: 0, max: 500, noNaN: true });
const components = fc.record({ cpu: watts, gpu: watts, ram: watts });
const percent = fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined });

/** Consecutive samples as a sampler fires them: cumulative energy from their own power × interval. */
const consecutiveSamples = fc.array(
  fc.record({ intervalMs: fc.integer({ min: 0, max: 5_000 }), task: components, machine: components, cpu: percent, ram: percent, share: fc.double({ min: 0, max: 1, noNaN: true }) }),
  { minLength: 1, maxLength: 200 },
).map((intervals) => {
  let timestampMs = 1_700_000_000_000;
  let energyKWh = 0;
  return intervals.map((interval): RunSample => {
    timestampMs += interval.intervalMs;
    energyKWh += ((interval.task.cpu + interval.task.gpu + interval.task.ram) * interval.intervalMs) / 1000 / 3_600_000;
    return {
      timestampMs, intervalMs: interval.intervalMs, machinePowerWatts: interval.machine, taskPowerWatts: interval.task,
      taskEnergyKWh: energyKWh, emissionsKg: energyKWh * 0.4,
      cpuUtilizationPercent: interval.cpu, gpuUtilizationPercent: undefined, ramUsedGiB: interval.ram, taskCpuShare: interval.share,
    };
  });
});

describe('mergeRunSamples', () => {
  it('keeps the span, the energy and the last cumulative figures of the samples it merges', () => {
    const first = buildNthSample(1, { intervalMs: 1_000, taskPowerWatts: { cpu: 10, gpu: 0, ram: 2 }, cpuUtilizationPercent: 20, taskCpuShare: 0.2 });
    const second = buildNthSample(2, { intervalMs: 3_000, taskPowerWatts: { cpu: 30, gpu: 4, ram: 2 }, cpuUtilizationPercent: 60, taskCpuShare: 0.6 });
    const merged = mergeRunSamples(first, second);
    assert.equal(merged.intervalMs, 4_000);
    assert.equal(merged.timestampMs, second.timestampMs);
    // (10 W × 1 s + 30 W × 3 s) / 4 s = 25 W: mean power = energy / time.
    assert.ok(close(merged.taskPowerWatts.cpu, 25) && close(merged.taskPowerWatts.gpu, 3) && close(merged.taskPowerWatts.ram, 2));
    assert.ok(close(merged.cpuUtilizationPercent ?? 0, 50));
    assert.ok(close(merged.taskCpuShare, 0.5));
    assert.equal(merged.taskEnergyKWh, second.taskEnergyKWh);
    assert.equal(merged.emissionsKg, second.emissionsKg);
    assert.equal(merged.aggregatedSamples, 2);
    assert.equal(aggregatedCount(mergeRunSamples(merged, first)), 3);
  });

  it('keeps a figure only one side has, and weighs zero-length intervals equally', () => {
    const known = buildNthSample(1, { intervalMs: 0, ramUsedGiB: 4, gpuUtilizationPercent: undefined, taskCpuShare: 0 });
    const unknown = buildNthSample(2, { intervalMs: 0, ramUsedGiB: undefined, gpuUtilizationPercent: 30, taskCpuShare: 1 });
    const merged = mergeRunSamples(known, unknown);
    assert.equal(merged.ramUsedGiB, 4);
    assert.equal(merged.gpuUtilizationPercent, 30);
    assert.equal(merged.taskCpuShare, 0.5);
    assert.equal(merged.intervalMs, 0);
  });

  it('conserves energy and never leaves the range of its samples, whatever the samples (property)', () => {
    fc.assert(fc.property(consecutiveSamples, (samples) => {
      const merged = samples.reduce((left, right) => mergeRunSamples(left, right));
      assert.ok(close(taskJoules(merged), sum(samples.map(taskJoules)), 1e-9));
      assert.ok(close(machineJoules(merged), sum(samples.map(machineJoules)), 1e-9));
      assert.equal(merged.intervalMs, sum(samples.map((sample) => sample.intervalMs)));
      assert.equal(merged.taskEnergyKWh, samples.at(-1)?.taskEnergyKWh);
      assert.equal(merged.aggregatedSamples ?? 1, samples.length);
      const cpu = samples.map((sample) => sample.cpuUtilizationPercent).filter((value) => value !== undefined);
      if (cpu.length === 0) assert.equal(merged.cpuUtilizationPercent, undefined);
      else assert.ok((merged.cpuUtilizationPercent ?? -1) >= Math.min(...cpu) - 1e-9 && (merged.cpuUtilizationPercent ?? 101) <= Math.max(...cpu) + 1e-9);
      assert.ok(merged.taskPowerWatts.cpu >= 0 && merged.taskCpuShare >= 0 && merged.taskCpuShare <= 1 + 1e-12);
    }));
  });

  it('merges a list down to a bound without losing energy (property)', () => {
    fc.assert(fc.property(consecutiveSamples, fc.integer({ min: 1, max: 50 }), (samples, maxPoints) => {
      const merged = mergeRunSamplesToAtMost(samples, maxPoints);
      assert.ok(merged.length <= Math.max(maxPoints, 1));
      assert.ok(close(sum(merged.map(taskJoules)), sum(samples.map(taskJoules)), 1e-9));
      assert.equal(merged.at(-1)?.taskEnergyKWh, samples.at(-1)?.taskEnergyKWh);
      assert.equal(sum(merged.map(aggregatedCount)), samples.length);
    }));
  });
});
