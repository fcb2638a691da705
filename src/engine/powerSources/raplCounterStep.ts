/**
 * What one RAPL counter step means. Pure: `rapl.ts` reads the counters, this judges two successive values.
 *
 * `energy_uj` only grows, except in two cases that look alike: it wraps to 0 after `max_energy_range_uj`, and it
 * is reset (suspend/resume on some firmware, a reloaded intel_rapl module). Read as a wrap, a reset adds almost a
 * whole range (2^32 µJ ≈ 4.3 kJ on many Intel parts, far more on AMD) to one interval. The power a step implies
 * tells them apart: a wrap over a sampling interval implies an ordinary power, a reset read as a wrap implies more
 * than the zone can draw.
 */
import { MICROJOULES_PER_JOULE, MS_PER_SECOND } from '../units';

/**
 * A zone's power bound when its `constraint_*_max_power_uw` files give none. No CPU package or DRAM zone draws a
 * kilowatt (the largest server packages are rated around 400–500 W), so a step above it is not energy.
 */
export const FALLBACK_MAX_ZONE_WATTS = 1_000;

/**
 * The least bound taken from constraint files: a firmware that gives a DRAM zone a tiny maximum must not make
 * ordinary steps look like jumps. A reset read as a wrap implies kilowatts anyway.
 */
export const MIN_MAX_ZONE_WATTS = 100;

/**
 * `constraint_*_max_power_uw` is the highest limit the firmware lets one set (PL1 or PL2), and a package can run
 * above its limit for a few milliseconds, so the bound is this many times the largest constraint.
 */
export const CONSTRAINT_HEADROOM = 2;

/** The energy a counter step stands for, and what was odd about it. */
export interface CounterStep {
  /** Energy to count for the step; never negative. */
  readonly microjoules: number;
  /** Set when the step was not a plain advance or a wrap: what happened and what was counted. */
  readonly notice?: string;
}

/** Average power of `microjoules` over `elapsedMs`. */
function wattsOf(microjoules: number, elapsedMs: number): number {
  return (microjoules / MICROJOULES_PER_JOULE) * (MS_PER_SECOND / elapsedMs);
}

/**
 * Judges the step of one counter from `beforeMicrojoules` to `afterMicrojoules` over `elapsedMs` (monotonic).
 * - Forward, at a plausible power: the difference.
 * - Backwards, where adding the range back gives a plausible power: a wrap.
 * - Backwards otherwise (or without a known range): a reset. The counter restarted from 0 inside the interval, so
 *   `afterMicrojoules` is the energy since then; what came before the reset is lost (at most one interval).
 * - Any energy above `maxWatts` × `elapsedMs` (a forward jump, or a reset whose new value is itself too large):
 *   not energy; 0 is counted for the step.
 * With no elapsed time (`elapsedMs` ≤ 0) no power can be judged, and a backward step counts as a wrap when the
 * range is known.
 */
export function judgeCounterStep(
  beforeMicrojoules: number,
  afterMicrojoules: number,
  rangeMicrojoules: number | undefined,
  elapsedMs: number,
  maxWatts: number,
): CounterStep {
  // Compared as energies, so that a step at exactly the bound is not lost to rounding in a division.
  const plausible = (microjoules: number): boolean => !(elapsedMs > 0) || microjoules <= maxWatts * elapsedMs * (MICROJOULES_PER_JOULE / MS_PER_SECOND);
  const over = (microjoules: number): string =>
    `${Math.round(wattsOf(microjoules, elapsedMs))} W over ${Math.round(elapsedMs)} ms, above the zone's ${maxWatts} W`;
  if (afterMicrojoules >= beforeMicrojoules) {
    const advance = afterMicrojoules - beforeMicrojoules;
    if (plausible(advance)) return { microjoules: advance };
    return { microjoules: 0, notice: `counter jumped from ${beforeMicrojoules} to ${afterMicrojoules} µJ (${over(advance)}); counted nothing for it` };
  }
  // A value above the range means the range file is wrong: no wrap can explain the step then.
  if (rangeMicrojoules !== undefined && beforeMicrojoules <= rangeMicrojoules) {
    const wrapped = rangeMicrojoules - beforeMicrojoules + afterMicrojoules;
    if (plausible(wrapped)) return { microjoules: wrapped };
  }
  const why = rangeMicrojoules === undefined
    ? 'max_energy_range_uj is unknown'
    : beforeMicrojoules > rangeMicrojoules
      ? `it was above max_energy_range_uj ${rangeMicrojoules}`
      : `a wrap at max_energy_range_uj ${rangeMicrojoules} would mean ${over(rangeMicrojoules - beforeMicrojoules + afterMicrojoules)}`;
  const went = `counter went back from ${beforeMicrojoules} to ${afterMicrojoules} µJ: a reset (suspend/resume?), not a wrap (${why})`;
  if (plausible(afterMicrojoules)) return { microjoules: afterMicrojoules, notice: `${went}; counted the ${afterMicrojoules} µJ since the reset` };
  return { microjoules: 0, notice: `${went}; its new value is not plausible either, counted nothing for it` };
}

/** The power bound of a zone from its `constraint_*_max_power_uw` values (µW); the fallback when there are none. */
export function maxZoneWatts(constraintMaxPowerMicrowatts: readonly number[]): number {
  const largest = Math.max(0, ...constraintMaxPowerMicrowatts.filter((value) => Number.isFinite(value) && value > 0));
  return largest > 0 ? Math.max(MIN_MAX_ZONE_WATTS, (CONSTRAINT_HEADROOM * largest) / 1_000_000) : FALLBACK_MAX_ZONE_WATTS;
}
