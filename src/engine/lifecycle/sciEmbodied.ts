/**
 * The Green Software Foundation's SCI embodied share, M = TE × TR/EL × RR: the part of a device's embodied
 * emissions (TE) that a workload owns, for the time it reserved the device (TR) out of its expected
 * lifetime (EL), times the share of the device it reserved (RR).
 */

/** A figure and where it comes from: a data file's source, the user's flag, or a measurement. */
export interface SourcedFigure {
  readonly value: number;
  readonly source: string;
}

export interface SciEmbodiedInputs {
  /** TE: total embodied emissions of the device, kg CO₂e. */
  readonly totalEmbodiedKg: SourcedFigure;
  /** TR: hours the workload reserved the device (GPU-hours when TE is per GPU). */
  readonly reservedHours: SourcedFigure;
  /** EL: expected lifetime in service, hours. */
  readonly expectedLifetimeHours: SourcedFigure;
  /** RR: share of the device reserved, 0–1 (GPUs used / GPUs in the server, the task's CPU share…). */
  readonly reservedShare: SourcedFigure;
}

export interface SciEmbodiedShare extends SciEmbodiedInputs {
  /** M, kg CO₂e. */
  readonly embodiedKg: number;
}

export const HOURS_PER_YEAR = 8_760;

/** Hours in `years` of 365 days, as CCF's 35,040 h for 4 years. */
export function hoursFromYears(years: number): number {
  return years * HOURS_PER_YEAR;
}

/** M = TE × TR/EL × RR. Throws on a figure outside its range, naming it and its source. */
export function sciEmbodiedShare(inputs: SciEmbodiedInputs): SciEmbodiedShare {
  const check = (name: string, figure: SourcedFigure, ok: (value: number) => boolean, range: string): void => {
    if (!Number.isFinite(figure.value) || !ok(figure.value)) throw new RangeError(`${name} must be ${range}, not ${figure.value} (${figure.source})`);
  };
  check('Total embodied emissions (TE)', inputs.totalEmbodiedKg, (v) => v >= 0, 'a number ≥ 0 kg');
  check('Time reserved (TR)', inputs.reservedHours, (v) => v >= 0, 'a number ≥ 0 h');
  check('Expected lifetime (EL)', inputs.expectedLifetimeHours, (v) => v > 0, 'a number > 0 h');
  check('Resources reserved (RR)', inputs.reservedShare, (v) => v >= 0 && v <= 1, 'a share from 0 to 1');
  const embodiedKg = (inputs.totalEmbodiedKg.value * inputs.reservedHours.value * inputs.reservedShare.value) / inputs.expectedLifetimeHours.value;
  return { ...inputs, embodiedKg };
}
