/** Exact unit constants and conversions used across the engine. Names carry their units. */

export const JOULES_PER_KWH = 3_600_000;
export const MS_PER_SECOND = 1_000;
export const SECONDS_PER_HOUR = 3_600;
export const BYTES_PER_GIB = 1_073_741_824;
export const KIB_PER_GIB = 1_048_576;
export const GRAMS_PER_KG = 1_000;
export const MICROJOULES_PER_JOULE = 1_000_000;

/** Energy delivered by a constant power over an interval. */
export function joulesFromWatts(powerWatts: number, intervalMs: number): number {
  return (powerWatts * intervalMs) / MS_PER_SECOND;
}

export function kWhFromJoules(energyJoules: number): number {
  return energyJoules / JOULES_PER_KWH;
}

export function joulesFromKWh(energyKWh: number): number {
  return energyKWh * JOULES_PER_KWH;
}

/** Average power over an interval, 0 for an empty interval. */
export function wattsFromJoules(energyJoules: number, intervalMs: number): number {
  return intervalMs > 0 ? (energyJoules * MS_PER_SECOND) / intervalMs : 0;
}
