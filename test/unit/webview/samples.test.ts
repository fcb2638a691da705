import * as assert from 'node:assert/strict';
import type { SampleView } from '../../../src/protocol/panelMessages';
import {
  appendSample,
  buildChartSeries,
  intervalEnergyKWh,
  MAX_CHART_POINTS,
  mergeSamples,
  thinEvenly,
} from '../../../src/webview/samples';
import { buildSample, buildSamples, KG_PER_SAMPLE, STARTED_AT_MS } from './viewBuilders';

/** Σ power × interval over the samples, in W·ms, per component. */
function energyUnderCurve(samples: readonly SampleView[]) {
  const total = { cpu: 0, gpu: 0, ram: 0 };
  for (const sample of samples) {
    total.cpu += sample.powerWatts.cpu * sample.intervalMs;
    total.gpu += sample.powerWatts.gpu * sample.intervalMs;
    total.ram += sample.powerWatts.ram * sample.intervalMs;
  }
  return total;
}

function assertClose(actual: number, expected: number, label: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${label}: ${actual} ≠ ${expected}`);
}

/** Samples whose power changes every second, so merging them has something to average. */
function varyingSamples(count: number): SampleView[] {
  return buildSamples(count).map((sample, index) => ({
    ...sample,
    intervalMs: 500 + (index % 3) * 500,
    powerWatts: { cpu: 10 + (index % 7) * 5, gpu: index % 2 === 0 ? 100 : 0, ram: 3 },
  }));
}

describe('panel samples', () => {
  it('merges samples into one with the interval-weighted mean power and the last cumulative figures', () => {
    const short = buildSample(1, { intervalMs: 1000, powerWatts: { cpu: 10, gpu: 0, ram: 2 }, cpuUtilizationPercent: 20, gpuUtilizationPercent: undefined });
    const long = buildSample(4, { intervalMs: 3000, powerWatts: { cpu: 30, gpu: 8, ram: 2 }, cpuUtilizationPercent: 60, gpuUtilizationPercent: 40 });
    const merged = mergeSamples([short, long]);
    assert.deepEqual(merged.powerWatts, { cpu: 25, gpu: 6, ram: 2 });
    assert.equal(merged.intervalMs, 4000);
    assert.equal(merged.timestampMs, long.timestampMs);
    assert.equal(merged.energyKWh, long.energyKWh);
    assert.equal(merged.emissionsKg, long.emissionsKg);
    assert.equal(merged.cpuUtilizationPercent, 50);
    assert.equal(merged.gpuUtilizationPercent, 40, 'a missing reading is left out, not counted as 0');
  });

  it('weighs zero-length intervals equally instead of dividing by zero', () => {
    const merged = mergeSamples([
      buildSample(1, { intervalMs: 0, powerWatts: { cpu: 10, gpu: 0, ram: 0 } }),
      buildSample(2, { intervalMs: 0, powerWatts: { cpu: 20, gpu: 0, ram: 0 } }),
    ]);
    assert.equal(merged.powerWatts.cpu, 15);
    assert.throws(() => mergeSamples([]), RangeError);
  });

  it('thins a long run evenly to at most the cap, keeping its energy and its final figures', () => {
    const samples = varyingSamples(10_000);
    const thinned = thinEvenly(samples, 600);
    assert.ok(thinned.length <= 600 && thinned.length > 500, String(thinned.length));
    const before = energyUnderCurve(samples);
    const after = energyUnderCurve(thinned);
    for (const component of ['cpu', 'gpu', 'ram'] as const) assertClose(after[component], before[component], component);
    assert.equal(thinned[thinned.length - 1]?.emissionsKg, samples[samples.length - 1]?.emissionsKg);
    for (let index = 1; index < thinned.length; index++) {
      assert.ok((thinned[index]?.timestampMs ?? 0) > (thinned[index - 1]?.timestampMs ?? 0), 'times stay in order');
    }
  });

  it('leaves a run within the cap as it is', () => {
    const samples = buildSamples(MAX_CHART_POINTS);
    assert.equal(thinEvenly(samples), samples);
  });

  it('appends live samples, merging the older half in pairs past the cap and never the newest half', () => {
    let samples: SampleView[] = [];
    const all = varyingSamples(5_000);
    for (const sample of all) {
      samples = appendSample(samples, sample, 100);
      assert.ok(samples.length <= 100);
    }
    assert.deepEqual(samples.slice(-50), all.slice(-50), 'the newest 50 are the samples themselves');
    const before = energyUnderCurve(all);
    const after = energyUnderCurve(samples);
    for (const component of ['cpu', 'gpu', 'ram'] as const) assertClose(after[component], before[component], component);
  });

  it('copies rather than changes the list it appends to', () => {
    const samples = buildSamples(3);
    const appended = appendSample(samples, buildSample(4));
    assert.equal(samples.length, 3);
    assert.equal(appended.length, 4);
  });

  it('stacks the power bands from the bottom, keeping each band its own watts', () => {
    const series = buildChartSeries([
      buildSample(1, { powerWatts: { cpu: 30, gpu: 50, ram: 6 } }),
      buildSample(2, { powerWatts: { cpu: 20, gpu: 0, ram: 6 } }),
    ], STARTED_AT_MS);
    assert.deepEqual(series.powerWatts.cpu, [{ x: 1, y: 30, watts: 30 }, { x: 2, y: 20, watts: 20 }]);
    assert.deepEqual(series.powerWatts.gpu, [{ x: 1, y: 80, watts: 50 }, { x: 2, y: 20, watts: 0 }]);
    assert.deepEqual(series.powerWatts.ram, [{ x: 1, y: 86, watts: 6 }, { x: 2, y: 26, watts: 6 }]);
  });

  it('draws cumulative emissions in the unit of the newest value, over seconds since the start', () => {
    const series = buildChartSeries(buildSamples(3), STARTED_AT_MS);
    assert.equal(series.emissionsScale.unit, 'mg');
    assert.deepEqual(series.emissions.map((point) => point.x), [1, 2, 3]);
    series.emissions.forEach((point, index) => assertClose(point.y, (index + 1) * KG_PER_SAMPLE * 1e6, `point ${index}`));
  });

  it('never draws a point before the start, and draws nothing for no samples', () => {
    const early = buildChartSeries([buildSample(1, { timestampMs: STARTED_AT_MS - 500 })], STARTED_AT_MS);
    assert.equal(early.emissions[0]?.x, 0);
    const empty = buildChartSeries([], STARTED_AT_MS);
    assert.deepEqual(empty.emissions, []);
    assert.deepEqual(empty.powerWatts.cpu, []);
  });

  it('turns an interval of power into kWh', () => {
    const energy = intervalEnergyKWh({ cpu: 30, gpu: 0, ram: 6 }, 1000);
    assertClose(energy.cpu + energy.gpu + energy.ram, 1e-5, 'total');
    assertClose(intervalEnergyKWh({ cpu: 1000, gpu: 0, ram: 0 }, 3_600_000).cpu, 1, '1 kW for an hour');
  });
});
