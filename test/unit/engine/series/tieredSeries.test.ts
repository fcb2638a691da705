import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RunSample } from '../../../../src/engine/reports/runRecord';
import { createRunSampleSeries, RUN_SERIES_TIERS } from '../../../../src/engine/series/runSeries';
import { SeriesPoints, TieredSeries } from '../../../../src/engine/series/tieredSeries';

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** A whole day, so bucket boundaries fall on round sample times. */
const START_MS = Date.UTC(2024, 2, 15);

/** A point counting how many raw points it stands for, and the sum of their values. */
interface CountedPoint { readonly timestampMs: number; readonly count: number; readonly sum: number }
const COUNTED: SeriesPoints<CountedPoint> = {
  timestampMs: (point) => point.timestampMs,
  mergeGroup: (group) => group.reduce((older, newer) => ({ timestampMs: newer.timestampMs, count: older.count + newer.count, sum: older.sum + newer.sum })),
};

/** The `n`-th 1 Hz sample of a run drawing `watts` (1-based), with its cumulative energy. */
function secondSample(n: number, watts: number, energyKWh: number): RunSample {
  return {
    timestampMs: START_MS + n * SECOND_MS, intervalMs: SECOND_MS,
    machinePowerWatts: { cpu: watts, gpu: 0, ram: 2 }, taskPowerWatts: { cpu: watts, gpu: 0, ram: 2 },
    taskEnergyKWh: energyKWh, emissionsKg: energyKWh * 0.05,
    cpuUtilizationPercent: watts, gpuUtilizationPercent: undefined, ramUsedGiB: 3, taskCpuShare: 1,
  };
}

describe('TieredSeries', () => {
  it('keeps the last hour at full rate, minutes up to a day and quarter hours beyond', () => {
    const series = createRunSampleSeries();
    let energyKWh = 0;
    const seconds = 2 * DAY_MS / SECOND_MS;
    for (let n = 1; n <= seconds; n++) {
      const watts = 10 + (n % 7);
      energyKWh += ((watts + 2) * SECOND_MS) / 1000 / 3_600_000;
      series.add(secondSample(n, watts, energyKWh));
    }
    const samples = series.toArray();
    const newestMs = START_MS + seconds * SECOND_MS;
    const ofWidth = (widthMs: number) => samples.filter((sample) => sample.intervalMs === widthMs);
    // The hour before the newest sample: 3,600 1 s samples, none merged.
    assert.equal(ofWidth(SECOND_MS).length, 3_600);
    assert.ok(ofWidth(SECOND_MS).every((sample) => newestMs - sample.timestampMs <= HOUR_MS && sample.aggregatedSamples === undefined));
    // From an hour to a day back: whole minutes, each ending on its minute; beyond: quarter hours. The
    // bucket that straddles the boundary between two tiers is the only partial one.
    const minutes = ofWidth(MINUTE_MS);
    assert.ok(minutes.length >= 23 * 60 && minutes.length <= 23 * 60 + 1, `${minutes.length} minutes`);
    assert.ok(minutes.every((sample) => sample.aggregatedSamples === 60 && sample.timestampMs % MINUTE_MS === 0));
    const quarters = ofWidth(15 * MINUTE_MS);
    assert.ok(quarters.length >= 24 * 4 - 1 && quarters.length <= 24 * 4, `${quarters.length} quarter hours`);
    assert.ok(quarters.every((sample) => sample.aggregatedSamples === 900 && sample.timestampMs % (15 * MINUTE_MS) === 0));
    assert.ok(samples.length <= 3_600 + 23 * 60 + 1 + 24 * 4 + 1, `${samples.length} samples`);
    // Oldest first, contiguous, and every interval of the run is in exactly one point.
    samples.forEach((sample, index) => {
      const previous = samples[index - 1];
      if (previous) assert.equal(sample.timestampMs - sample.intervalMs, previous.timestampMs);
    });
    assert.equal(samples.reduce((total, sample) => total + (sample.aggregatedSamples ?? 1), 0), seconds);
    assert.equal(samples.at(-1)?.taskEnergyKWh, energyKWh);
  });

  it('stays under its bound for any length or clock, and never loses a point (property)', () => {
    const tiers = [
      { bucketMs: 0, keepForMs: 10, maxPoints: 8 },
      { bucketMs: 5, keepForMs: 100, maxPoints: 6 },
      { bucketMs: 50, keepForMs: Number.POSITIVE_INFINITY, maxPoints: 5 },
    ];
    const steps = fc.array(fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant(-500), fc.constant(10_000)), { minLength: 1, maxLength: 600 });
    fc.assert(fc.property(steps, (deltas) => {
      const series = new TieredSeries(tiers, COUNTED);
      let timestampMs = 1_000;
      let total = 0;
      deltas.forEach((delta, index) => {
        timestampMs += delta;
        total += index;
        series.add({ timestampMs, count: 1, sum: index });
        assert.ok(series.length <= 8 + 6 + 5, `${series.length} points`);
      });
      const points = series.toArray();
      assert.equal(points.reduce((count, point) => count + point.count, 0), deltas.length);
      assert.equal(points.reduce((sum, point) => sum + point.sum, 0), total);
      assert.equal(points.at(-1)?.sum, deltas.length - 1, 'the newest point is kept as it came');
    }));
  });

  it('widens its last tier rather than grow past it, over a run much longer than 30 days', () => {
    const series = new TieredSeries(RUN_SERIES_TIERS, COUNTED);
    // One point a minute for a year: 525,600 points.
    const minutes = 365 * 24 * 60;
    for (let n = 1; n <= minutes; n++) series.add({ timestampMs: START_MS + n * MINUTE_MS, count: 1, sum: 1 });
    const bound = RUN_SERIES_TIERS.reduce((total, tier) => total + tier.maxPoints, 0);
    assert.ok(series.length <= bound, `${series.length} points`);
    assert.equal(series.toArray().reduce((count, point) => count + point.count, 0), minutes);
  });

  it('refuses tiers it could not bound', () => {
    assert.throws(() => new TieredSeries([], COUNTED), RangeError);
    assert.throws(() => new TieredSeries([{ bucketMs: 0, keepForMs: 10, maxPoints: 5 }], COUNTED), /last tier/);
    assert.throws(() => new TieredSeries([{ bucketMs: 10, keepForMs: 10, maxPoints: 0 }], COUNTED), RangeError);
  });
});
