// Brings a running run's view up to date with each streamed sample, so the figures move at the
// sampling rate without a round trip to the host. DOM-free: unit-tested in plain Node.
import type { EquivalentIdView, RunView, SampleView } from '../protocol/panelMessages';
import { appendSample, intervalEnergyKWh, MAX_CHART_POINTS } from './samples';

/** Units of each everyday equivalent per kg CO₂e, learnt from runs whose emissions are known. */
export type EquivalentFactors = Readonly<Partial<Record<EquivalentIdView, number>>>;

/**
 * Adds the factors `run` reveals (amount ÷ emissions) to `known`. A run with no emissions yet reveals
 * nothing: its amounts are all zero.
 */
export function learnEquivalentFactors(known: EquivalentFactors, run: RunView): EquivalentFactors {
  const emissionsKg = run.summary.emissionsKg;
  if (!(emissionsKg > 0)) return known;
  const learnt: Partial<Record<EquivalentIdView, number>> = { ...known };
  for (const equivalent of run.equivalents) {
    const factor = equivalent.amount / emissionsKg;
    if (Number.isFinite(factor)) learnt[equivalent.id] = factor;
  }
  return learnt;
}

const JOULES_PER_KWH = 3_600_000;

/**
 * The run after `sample`: cumulative energy and emissions from the sample, component energy integrated
 * from its power (scaled so the components add up to the sample's total), duration, mean power and
 * equivalents recomputed, and the sample appended (thinned past `maxPoints`). A sample that is not
 * newer than the run's last one is a replay and changes nothing.
 */
export function applySample(run: RunView, sample: SampleView, factors: EquivalentFactors, maxPoints = MAX_CHART_POINTS): RunView {
  const previous = run.samples[run.samples.length - 1];
  if (previous && sample.timestampMs <= previous.timestampMs) return run;

  const added = intervalEnergyKWh(sample.powerWatts, sample.intervalMs);
  const integrated = {
    cpu: run.componentEnergyKWh.cpu + added.cpu,
    gpu: run.componentEnergyKWh.gpu + added.gpu,
    ram: run.componentEnergyKWh.ram + added.ram,
  };
  const integratedTotal = integrated.cpu + integrated.gpu + integrated.ram;
  const scale = integratedTotal > 0 ? sample.energyKWh / integratedTotal : 1;
  const componentEnergyKWh = { cpu: integrated.cpu * scale, gpu: integrated.gpu * scale, ram: integrated.ram * scale };

  const durationSeconds = Math.max(run.summary.durationSeconds, (sample.timestampMs - run.summary.startedAtMs) / 1000);
  const meanWatts = (energyKWh: number): number => (energyKWh * JOULES_PER_KWH) / durationSeconds;
  const averagePowerWatts = durationSeconds > 0
    ? { cpu: meanWatts(componentEnergyKWh.cpu), gpu: meanWatts(componentEnergyKWh.gpu), ram: meanWatts(componentEnergyKWh.ram) }
    : sample.powerWatts;

  return {
    ...run,
    summary: {
      ...run.summary,
      endedAtMs: Math.max(run.summary.endedAtMs, sample.timestampMs),
      durationSeconds,
      energyKWh: sample.energyKWh,
      emissionsKg: sample.emissionsKg,
    },
    componentEnergyKWh,
    averagePowerWatts,
    equivalents: run.equivalents.map((equivalent) => {
      const factor = factors[equivalent.id];
      return factor === undefined ? equivalent : { ...equivalent, amount: sample.emissionsKg * factor };
    }),
    samples: appendSample(run.samples, sample, maxPoints),
  };
}
