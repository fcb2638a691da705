import type { PowerReading } from './powerSources/powerSource';

/** A source's reading, or why there is none. */
export interface ReadOutcome {
  readonly reading?: PowerReading;
  readonly error?: string;
}

/**
 * A reading the sampler can integrate: power and energy finite and not negative (else it throws, and the source
 * counts as failed), utilisations kept in 0–100, GPUs with an impossible power counted as unknown. Sources check
 * their own input; this is the last guard, so no source bug can make a negative or NaN energy.
 */
export function checkedReading(reading: PowerReading): PowerReading {
  if (!Number.isFinite(reading.powerWatts) || reading.powerWatts < 0) {
    throw new Error(`reported an impossible power of ${reading.powerWatts} W`);
  }
  if (reading.energyJoules !== undefined && (!Number.isFinite(reading.energyJoules) || reading.energyJoules < 0)) {
    throw new Error(`reported an impossible energy of ${reading.energyJoules} J`);
  }
  const devices = reading.devices?.map((device) => {
    const utilizationPercent = percentOrUndefined(device.utilizationPercent);
    return Number.isFinite(device.powerWatts) && device.powerWatts >= 0
      ? { ...device, utilizationPercent }
      : { ...device, powerWatts: 0, powerUnknownReason: `reported an impossible power of ${device.powerWatts} W`, utilizationPercent };
  });
  return { ...reading, utilizationPercent: percentOrUndefined(reading.utilizationPercent), ...(devices ? { devices } : {}) };
}

function percentOrUndefined(value: number | undefined): number | undefined {
  return value === undefined || !Number.isFinite(value) ? undefined : Math.min(100, Math.max(0, value));
}
