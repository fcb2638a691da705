/**
 * A run's CO₂e recomputed with the grid intensity of the hours it ran in, instead of the yearly
 * average: each sample's energy is charged at the intensity of the hour (or hours) it falls in.
 */
import type { RunRecord } from '../reports/runRecord';
import { GRAMS_PER_KG, JOULES_PER_KWH, MS_PER_SECOND } from '../units';
import type { IntensityPoint, LiveFailure, LiveIntensityProvider } from './liveIntensityApi';

const MS_PER_HOUR = 3_600_000;

/** The fields of a run the recomputation reads. */
export type RunForHourlyEmissions = Pick<RunRecord, 'startedAtMs' | 'endedAtMs' | 'energyKWh' | 'emissionsKg' | 'pue' | 'intensity' | 'samples' | 'trackingMode'>;

/** Energy charged at one intensity figure. */
export interface HourEnergy {
  readonly startMs: number;
  readonly durationMs: number;
  readonly gramsPerKWh: number;
  readonly estimated: boolean;
  readonly energyKWh: number;
}

export interface HourlyEmissions {
  /** The run's energy before PUE; always the record's own total. */
  readonly energyKWh: number;
  /** Energy in hours with a figure × that figure, plus the rest × the yearly figure, all × PUE. */
  readonly emissionsKg: number;
  /** The record's emissions, with the yearly figure. */
  readonly yearlyEmissionsKg: number;
  readonly differenceKg: number;
  readonly coveredEnergyKWh: number;
  /** Energy in spans no figure covers, charged at the yearly figure. */
  readonly uncoveredEnergyKWh: number;
  /** Energy-weighted mean of the intensities charged, before PUE. */
  readonly averageIntensityGramsPerKWh: number;
  readonly hours: readonly HourEnergy[];
  /** `hourly`: all energy had an hourly figure; `partly-hourly`: some did; `yearly`: none did. */
  readonly basis: 'hourly' | 'partly-hourly' | 'yearly';
}

interface EnergySpan {
  readonly fromMs: number;
  readonly toMs: number;
  readonly energyKWh: number;
}

/**
 * The run's energy as spans of time. Samples give the shape (their tracked power × interval); the
 * record's total is what gets spread, so nothing is gained or lost: energy after the last sample
 * (the kernel's final tail) goes to the span up to the run's end.
 */
function energySpans(run: RunForHourlyEmissions): EnergySpan[] {
  const spans = run.samples.map((sample) => {
    const power = run.trackingMode === 'machine' ? sample.machinePowerWatts : sample.taskPowerWatts;
    const joules = ((power.cpu + power.gpu + power.ram) * sample.intervalMs) / MS_PER_SECOND;
    return { fromMs: sample.timestampMs - sample.intervalMs, toMs: sample.timestampMs, energyKWh: joules / JOULES_PER_KWH };
  });
  const sampled = spans.reduce((sum, span) => sum + span.energyKWh, 0);
  if (!(sampled > 0)) return [{ fromMs: run.startedAtMs, toMs: Math.max(run.startedAtMs, run.endedAtMs), energyKWh: run.energyKWh }];
  if (run.energyKWh <= sampled) return spans.map((span) => ({ ...span, energyKWh: (span.energyKWh * run.energyKWh) / sampled }));
  const lastMs = Math.max(...spans.map((span) => span.toMs));
  return [...spans, { fromMs: lastMs, toMs: Math.max(lastMs, run.endedAtMs), energyKWh: run.energyKWh - sampled }];
}

/** Sorted, and each figure cut short where the next begins, so no span of time is charged twice. */
function normalisePoints(points: readonly IntensityPoint[]): IntensityPoint[] {
  const sorted = [...points].sort((a, b) => a.startMs - b.startMs);
  return sorted.map((point, index) => {
    const next = sorted[index + 1];
    return next && next.startMs < point.startMs + point.durationMs ? { ...point, durationMs: next.startMs - point.startMs } : point;
  }).filter((point) => point.durationMs > 0);
}

/** Recomputes a run's emissions with the given intensity figures; spans they do not cover keep the yearly figure. */
export function recomputeWithHourlyIntensity(run: RunForHourlyEmissions, points: readonly IntensityPoint[]): HourlyEmissions {
  const figures = normalisePoints(points);
  const charged = figures.map(() => 0);
  let uncovered = 0;
  // First figure that ends after `ms`.
  const firstEndingAfter = (ms: number): number => {
    let low = 0;
    let high = figures.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const figure = figures[middle] as IntensityPoint;
      if (figure.startMs + figure.durationMs <= ms) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  for (const span of energySpans(run)) {
    const durationMs = span.toMs - span.fromMs;
    let coveredMs = 0;
    for (let index = firstEndingAfter(span.fromMs); index < figures.length; index++) {
      const figure = figures[index] as IntensityPoint;
      if (figure.startMs > span.toMs || (durationMs > 0 && figure.startMs >= span.toMs)) break;
      if (durationMs <= 0) {
        // An instant (a run shorter than its clock's resolution): the figure holding it takes all.
        if (figure.startMs <= span.fromMs) {
          charged[index] = (charged[index] ?? 0) + span.energyKWh;
          coveredMs = 1;
        }
        break;
      }
      const overlapMs = Math.min(span.toMs, figure.startMs + figure.durationMs) - Math.max(span.fromMs, figure.startMs);
      if (overlapMs <= 0) continue;
      charged[index] = (charged[index] ?? 0) + (span.energyKWh * overlapMs) / durationMs;
      coveredMs += overlapMs;
    }
    uncovered += durationMs > 0 ? (span.energyKWh * (durationMs - coveredMs)) / durationMs : coveredMs > 0 ? 0 : span.energyKWh;
  }

  const hours: HourEnergy[] = [];
  let grams = uncovered * run.intensity.gramsPerKWh;
  figures.forEach((figure, index) => {
    const energyKWh = charged[index] ?? 0;
    if (energyKWh <= 0) return;
    hours.push({ startMs: figure.startMs, durationMs: figure.durationMs, gramsPerKWh: figure.gramsPerKWh, estimated: figure.estimated, energyKWh });
    grams += energyKWh * figure.gramsPerKWh;
  });
  const covered = hours.reduce((sum, hour) => sum + hour.energyKWh, 0);
  const emissionsKg = (grams * run.pue) / GRAMS_PER_KG;
  const total = covered + uncovered;
  return {
    energyKWh: run.energyKWh,
    emissionsKg,
    yearlyEmissionsKg: run.emissionsKg,
    differenceKg: emissionsKg - run.emissionsKg,
    coveredEnergyKWh: covered,
    uncoveredEnergyKWh: uncovered,
    averageIntensityGramsPerKWh: total > 0 ? grams / total : run.intensity.gramsPerKWh,
    hours,
    basis: covered > 0 && uncovered <= total * 1e-12 ? 'hourly' : covered > 0 ? 'partly-hourly' : 'yearly',
  };
}

/** The recomputation, where the figures came from, and why the yearly figure was kept if it was. */
export interface RunLiveEmissions extends HourlyEmissions {
  readonly zone: string | undefined;
  readonly source: string;
  readonly fallbackReason?: string;
  readonly failure?: LiveFailure;
}

/**
 * Asks the provider for the figures of the hours a run spans and recomputes its emissions; any
 * failure keeps the record's yearly figure and says why. Never rejects.
 */
export async function recomputeRunEmissions(provider: LiveIntensityProvider | undefined, zone: string | undefined, run: RunForHourlyEmissions, noProviderReason = 'live intensity is off'): Promise<RunLiveEmissions> {
  const yearly = (reason: string, failure?: LiveFailure): RunLiveEmissions => ({
    ...recomputeWithHourlyIntensity(run, []), zone, source: run.intensity.source, fallbackReason: `${reason} Keeping the yearly figure.`, failure,
  });
  if (!provider) return yearly(`${noProviderReason}.`);
  if (!zone) return yearly(`No ${provider.label} zone is known for this run's location.`);
  const startMs = Math.floor(run.startedAtMs / MS_PER_HOUR) * MS_PER_HOUR;
  const endMs = Math.max(startMs + MS_PER_HOUR, Math.ceil(run.endedAtMs / MS_PER_HOUR) * MS_PER_HOUR);
  let result;
  try {
    result = await provider.pastRange(zone, startMs, endMs);
  } catch (error) {
    result = { ok: false as const, failure: { kind: 'unavailable' as const, message: (error as Error).message } };
  }
  if (!result.ok) return yearly(`${provider.label}: ${result.failure.message}`, result.failure);
  const recomputed = recomputeWithHourlyIntensity(run, result.value);
  return {
    ...recomputed,
    zone,
    source: `${provider.label}, zone ${zone}, hourly`,
    fallbackReason: recomputed.basis === 'partly-hourly' ? `${provider.label} had no figure for part of the run; that part keeps the yearly figure.` : undefined,
  };
}
