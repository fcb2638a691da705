/**
 * Idle vs active energy of a component (Kepler's idle and dynamic power). Pure functions.
 *
 * The idle baseline is, in order of preference:
 * 1. the model's idle power when the source is a model that has one (a TDP model at 0 % load): the
 *    model defines it, and a measured minimum of a model would only echo the model;
 * 2. otherwise the lowest interval power measured so far (Kepler's choice): a sensor reads at least
 *    the idle power, so the minimum converges to it from above as quieter intervals are seen. Intervals
 *    at 0 W are skipped: they mean "not measured", not a machine drawing nothing.
 * Live figures use the minimum so far; a run's recorded split is recomputed once with the run's minimum
 * (`splitIdleActiveSeries`) so every interval uses the same baseline.
 */
import { joulesFromWatts } from '../units';

/** One component's energy over a span, split in two. */
export interface IdleActiveJoules {
  /** Baseline power × time, never more than the energy measured. */
  readonly idleJoules: number;
  readonly activeJoules: number;
}

/** The lowest power seen, `previousIdleWatts` included; a model's idle power wins when given. */
export function updateIdleBaselineWatts(
  previousIdleWatts: number | undefined,
  intervalPowerWatts: number,
  modelIdleWatts?: number,
): number | undefined {
  if (modelIdleWatts !== undefined) return modelIdleWatts;
  if (!(intervalPowerWatts > 0)) return previousIdleWatts;
  return previousIdleWatts === undefined ? intervalPowerWatts : Math.min(previousIdleWatts, intervalPowerWatts);
}

/** Splits one interval's energy at the idle baseline; with no baseline yet, everything counts as active. */
export function splitIdleActive(
  energyJoules: number,
  intervalMs: number,
  idlePowerWatts: number | undefined,
): IdleActiveJoules {
  const energy = Math.max(0, energyJoules);
  const idleJoules = Math.min(energy, joulesFromWatts(Math.max(0, idlePowerWatts ?? 0), intervalMs));
  return { idleJoules, activeJoules: energy - idleJoules };
}

/** One interval of a component's series. */
export interface PowerInterval {
  readonly powerWatts: number;
  readonly intervalMs: number;
  /** Measured energy when the source has a counter; power × interval otherwise. */
  readonly energyJoules?: number;
}

/** Splits a whole series with one baseline: the model's idle power, or the series' lowest nonzero power. */
export function splitIdleActiveSeries(
  intervals: readonly PowerInterval[],
  modelIdleWatts?: number,
): IdleActiveJoules & { readonly idlePowerWatts: number | undefined } {
  let idlePowerWatts = modelIdleWatts;
  if (modelIdleWatts === undefined) {
    for (const interval of intervals) idlePowerWatts = updateIdleBaselineWatts(idlePowerWatts, interval.powerWatts);
  }
  let idleJoules = 0;
  let activeJoules = 0;
  for (const interval of intervals) {
    const energy = interval.energyJoules ?? joulesFromWatts(interval.powerWatts, interval.intervalMs);
    const split = splitIdleActive(energy, interval.intervalMs, idlePowerWatts);
    idleJoules += split.idleJoules;
    activeJoules += split.activeJoules;
  }
  return { idleJoules, activeJoules, idlePowerWatts };
}
