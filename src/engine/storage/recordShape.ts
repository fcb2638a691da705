import type { ComponentEnergyKWh, RunRecord, RunSample } from '../reports/runRecord';

/** Narrowing helpers for JSON read back from disk, which may be from an older or broken writer. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isComponentEnergy(value: unknown): value is ComponentEnergyKWh {
  return isObject(value) && isFiniteNumber(value.cpu) && isFiniteNumber(value.gpu) && isFiniteNumber(value.ram);
}

/** A sample as written by this version: the fields every report and recovery rely on. */
export function isRunSample(value: unknown): value is RunSample {
  return isObject(value)
    && isFiniteNumber(value.timestampMs)
    && isFiniteNumber(value.intervalMs)
    && isComponentEnergy(value.machinePowerWatts)
    && isComponentEnergy(value.taskPowerWatts)
    && isFiniteNumber(value.taskEnergyKWh)
    && isFiniteNumber(value.emissionsKg);
}

const STATUSES: ReadonlySet<unknown> = new Set(['running', 'finished', 'interrupted', 'failed']);

/**
 * Checks that a parsed final run file has the shape reports need. Returns the reason when it does not,
 * so `listRuns` can report the file instead of throwing.
 */
export function checkRunRecord(value: unknown): { record: RunRecord } | { problem: string } {
  if (!isObject(value)) return { problem: 'not a JSON object' };
  if (value.formatVersion !== 1) return { problem: `unsupported formatVersion ${String(value.formatVersion)}` };
  if (typeof value.id !== 'string' || value.id === '') return { problem: 'missing id' };
  if (!STATUSES.has(value.status)) return { problem: `unknown status ${String(value.status)}` };
  for (const key of ['startedAtMs', 'endedAtMs', 'durationSeconds', 'energyKWh', 'emissionsKg', 'pue'] as const) {
    if (!isFiniteNumber(value[key])) return { problem: `${key} is not a number` };
  }
  for (const key of ['machineEnergyKWh', 'machineIdleEnergyKWh', 'taskEnergyKWh', 'averagePowerWatts'] as const) {
    if (!isComponentEnergy(value[key])) return { problem: `${key} is not a per-component record` };
  }
  for (const key of ['location', 'intensity', 'machine'] as const) {
    if (!isObject(value[key])) return { problem: `${key} is missing` };
  }
  if (!Array.isArray(value.sources)) return { problem: 'sources is not a list' };
  if (!Array.isArray(value.samples) || !value.samples.every(isRunSample)) return { problem: 'samples are malformed' };
  return { record: value as unknown as RunRecord };
}
