// Keeps a run's samples short enough to draw at the sampling rate, and turns them into chart series.
// Thinning merges neighbouring samples rather than dropping them, so the energy under the power curve
// and the cumulative figures stay right. DOM-free: unit-tested in plain Node.
import type { ComponentKindView, ComponentPowerWattsView, SampleView } from '../protocol/panelMessages';
import { emissionsScaleFor, type EmissionsScale } from './format';

/** Most samples a chart draws; older ones are merged in pairs beyond it. */
export const MAX_CHART_POINTS = 600;

/**
 * One sample covering all of `group`'s intervals (oldest first, non-empty): power is the
 * interval-weighted mean, cumulative figures and the time are the last sample's.
 */
export function mergeSamples(group: readonly SampleView[]): SampleView {
  const last = group[group.length - 1];
  if (!last) throw new RangeError('mergeSamples needs at least one sample');
  if (group.length === 1) return last;
  let intervalMs = 0;
  for (const sample of group) intervalMs += sample.intervalMs;
  // Zero-length intervals carry no energy; weigh them equally rather than divide by zero.
  const weight = (sample: SampleView): number => (intervalMs > 0 ? sample.intervalMs / intervalMs : 1 / group.length);
  const meanOf = (read: (sample: SampleView) => number | undefined): number | undefined => {
    let sum = 0;
    let weights = 0;
    for (const sample of group) {
      const value = read(sample);
      if (value === undefined) continue;
      sum += value * weight(sample);
      weights += weight(sample);
    }
    return weights > 0 ? sum / weights : undefined;
  };
  const power = (component: ComponentKindView): number => meanOf((sample) => sample.powerWatts[component]) ?? 0;
  return {
    runId: last.runId,
    timestampMs: last.timestampMs,
    intervalMs,
    powerWatts: { cpu: power('cpu'), gpu: power('gpu'), ram: power('ram') },
    energyKWh: last.energyKWh,
    emissionsKg: last.emissionsKg,
    cpuUtilizationPercent: meanOf((sample) => sample.cpuUtilizationPercent),
    gpuUtilizationPercent: meanOf((sample) => sample.gpuUtilizationPercent),
  };
}

/** At most `maxPoints` samples at one resolution: runs of ⌈n / maxPoints⌉ consecutive samples merged. */
export function thinEvenly(samples: readonly SampleView[], maxPoints = MAX_CHART_POINTS): readonly SampleView[] {
  if (samples.length <= maxPoints) return samples;
  const groupSize = Math.ceil(samples.length / Math.max(1, maxPoints));
  const thinned: SampleView[] = [];
  for (let start = 0; start < samples.length; start += groupSize) {
    thinned.push(mergeSamples(samples.slice(start, start + groupSize)));
  }
  return thinned;
}

/**
 * Appends a live sample. Past `maxPoints`, the older samples (all but the newest half) are merged in
 * pairs, so recent seconds stay sharp and the cost is amortised: a thinning pass runs once per
 * `maxPoints / 4` samples.
 */
export function appendSample(samples: readonly SampleView[], sample: SampleView, maxPoints = MAX_CHART_POINTS): SampleView[] {
  const appended = [...samples, sample];
  if (appended.length <= maxPoints) return appended;
  const keepSharp = Math.floor(maxPoints / 2);
  const older = appended.slice(0, appended.length - keepSharp);
  const merged: SampleView[] = [];
  for (let index = 0; index < older.length; index += 2) merged.push(mergeSamples(older.slice(index, index + 2)));
  return [...merged, ...appended.slice(appended.length - keepSharp)];
}

export interface ChartPoint {
  /** Seconds since the run started. */
  readonly x: number;
  readonly y: number;
}

/** A point of a stacked band: `y` is the band's top (this component plus those below), `watts` its own power. */
export interface StackedPoint extends ChartPoint {
  readonly watts: number;
}

/** Bottom to top. */
export const STACK_ORDER: readonly ComponentKindView[] = ['cpu', 'gpu', 'ram'];

export interface ChartSeries {
  /**
   * Power by component as stacked bands, one point per sample at the end of its interval. The stacking
   * is done here rather than by Chart.js, whose per-point stack bookkeeping on every update cost more
   * than the drawing.
   */
  readonly powerWatts: Readonly<Record<ComponentKindView, readonly StackedPoint[]>>;
  /** Cumulative emissions in `emissionsScale.unit`. */
  readonly emissions: readonly ChartPoint[];
  readonly emissionsScale: EmissionsScale;
}

/** The two charts' series for samples of a run that started at `startedAtMs`. */
export function buildChartSeries(samples: readonly SampleView[], startedAtMs: number): ChartSeries {
  const last = samples[samples.length - 1];
  const emissionsScale = emissionsScaleFor(last ? last.emissionsKg : 0);
  const powerWatts: Record<ComponentKindView, StackedPoint[]> = { cpu: [], gpu: [], ram: [] };
  const emissions: ChartPoint[] = [];
  for (const sample of samples) {
    const x = Math.max(0, (sample.timestampMs - startedAtMs) / 1000);
    let top = 0;
    for (const component of STACK_ORDER) {
      const watts = sample.powerWatts[component];
      top += watts;
      powerWatts[component].push({ x, y: top, watts });
    }
    emissions.push({ x, y: sample.emissionsKg * emissionsScale.perKg });
  }
  return { powerWatts, emissions, emissionsScale };
}

/** Energy of one interval by component, in kWh. */
export function intervalEnergyKWh(powerWatts: ComponentPowerWattsView, intervalMs: number): ComponentPowerWattsView {
  // W × ms → kWh: 1 kWh = 3.6e6 J = 3.6e9 W·ms.
  const perWattMs = intervalMs / 3_600_000_000;
  return { cpu: powerWatts.cpu * perWattMs, gpu: powerWatts.gpu * perWattMs, ram: powerWatts.ram * perWattMs };
}
