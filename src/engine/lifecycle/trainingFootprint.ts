/**
 * A training job's footprint from its published inputs, so a paper's table can be reproduced: dynamic GPU
 * energy, idle (infrastructure) energy, the data centre's overhead (PUE), and the embodied emissions of the
 * GPUs and their servers by SCI's M = TE × TR/EL × RR, per GPU-hour.
 */
import { GRAMS_PER_KG } from '../units';
import { hoursFromYears, SciEmbodiedShare, sciEmbodiedShare, SourcedFigure } from './sciEmbodied';

const WATTS_PER_KW = 1_000;

/** Idle energy: a share of the dynamic energy, a figure in kWh, or a power per GPU over the job's GPU-hours. */
export type IdleInput =
  | { readonly kind: 'share'; readonly share: SourcedFigure }
  | { readonly kind: 'energy'; readonly energyKWh: SourcedFigure }
  | { readonly kind: 'power'; readonly wattsPerGpu: SourcedFigure };

export interface TrainingJobInputs {
  /** GPUs × wall-clock hours. */
  readonly gpuHours: SourcedFigure;
  /** Mean power of one GPU while training (its TDP when nothing better is known), W. */
  readonly gpuPowerWatts: SourcedFigure;
  readonly pue: SourcedFigure;
  readonly intensityGramsPerKWh: SourcedFigure;
  readonly idle: IdleInput | undefined;
  readonly embodied: {
    readonly gpuKg: SourcedFigure;
    readonly serverKg: SourcedFigure;
    readonly gpusPerServer: SourcedFigure;
    readonly lifetimeYears: SourcedFigure;
    /** Share of its lifetime the hardware is busy: EL becomes lifetime × this share. */
    readonly usageShare: SourcedFigure;
  };
}

export interface EnergyLine {
  readonly energyKWh: number;
  readonly emissionsKg: number;
}

export interface TrainingJobFootprint {
  readonly inputs: TrainingJobInputs;
  /** GPUs at their training power: GPU-hours × W. */
  readonly dynamic: EnergyLine;
  readonly idle: EnergyLine & { readonly basis: string };
  /** (dynamic + idle) × (PUE − 1): cooling, power conversion. */
  readonly facility: EnergyLine;
  readonly operational: EnergyLine;
  readonly embodiedGpus: SciEmbodiedShare;
  readonly embodiedServers: SciEmbodiedShare;
  readonly embodiedKg: number;
  readonly totalKg: number;
}

function check(name: string, figure: SourcedFigure, ok: (value: number) => boolean, range: string): void {
  if (!Number.isFinite(figure.value) || !ok(figure.value)) throw new RangeError(`${name} must be ${range}, not ${figure.value} (${figure.source})`);
}

function idleEnergy(idle: IdleInput | undefined, dynamicKWh: number, gpuHours: number): { energyKWh: number; basis: string } {
  if (!idle) return { energyKWh: 0, basis: 'not counted' };
  switch (idle.kind) {
    case 'share':
      check('Idle share', idle.share, (v) => v >= 0, 'a number ≥ 0');
      return { energyKWh: idle.share.value * dynamicKWh, basis: `${idle.share.value} × dynamic energy (${idle.share.source})` };
    case 'energy':
      check('Idle energy', idle.energyKWh, (v) => v >= 0, 'a number ≥ 0 kWh');
      return { energyKWh: idle.energyKWh.value, basis: `${idle.energyKWh.value} kWh (${idle.energyKWh.source})` };
    case 'power':
      check('Idle power', idle.wattsPerGpu, (v) => v >= 0, 'a number ≥ 0 W');
      return { energyKWh: (idle.wattsPerGpu.value * gpuHours) / WATTS_PER_KW, basis: `${idle.wattsPerGpu.value} W per GPU over the GPU-hours (${idle.wattsPerGpu.source})` };
  }
}

/** Computes every line of the footprint; throws RangeError naming a figure out of range. */
export function computeTrainingFootprint(inputs: TrainingJobInputs): TrainingJobFootprint {
  check('GPU-hours', inputs.gpuHours, (v) => v >= 0, 'a number ≥ 0');
  check('GPU power', inputs.gpuPowerWatts, (v) => v >= 0, 'a number ≥ 0 W');
  check('PUE', inputs.pue, (v) => v >= 1, 'a number ≥ 1');
  check('Grid intensity', inputs.intensityGramsPerKWh, (v) => v >= 0, 'a number ≥ 0 g/kWh');
  check('GPUs per server', inputs.embodied.gpusPerServer, (v) => v >= 1, 'a number ≥ 1');
  check('Usage share', inputs.embodied.usageShare, (v) => v > 0 && v <= 1, 'a share above 0, up to 1');
  check('Lifetime', inputs.embodied.lifetimeYears, (v) => v > 0, 'a number > 0 years');
  const kg = (energyKWh: number): number => (energyKWh * inputs.intensityGramsPerKWh.value) / GRAMS_PER_KG;
  const line = (energyKWh: number): EnergyLine => ({ energyKWh, emissionsKg: kg(energyKWh) });

  const gpuHours = inputs.gpuHours.value;
  const dynamicKWh = (gpuHours * inputs.gpuPowerWatts.value) / WATTS_PER_KW;
  const idle = idleEnergy(inputs.idle, dynamicKWh, gpuHours);
  const facilityKWh = (dynamicKWh + idle.energyKWh) * (inputs.pue.value - 1);

  // Per GPU-hour: each GPU-hour reserves one GPU, and 1/gpusPerServer of a server, for an hour of its busy life.
  const { lifetimeYears, usageShare } = inputs.embodied;
  const expectedLifetimeHours = {
    value: hoursFromYears(lifetimeYears.value) * usageShare.value,
    source: `${lifetimeYears.value} years (${lifetimeYears.source}) × ${usageShare.value} in use (${usageShare.source})`,
  };
  const embodiedGpus = sciEmbodiedShare({ totalEmbodiedKg: inputs.embodied.gpuKg, reservedHours: inputs.gpuHours, expectedLifetimeHours, reservedShare: { value: 1, source: 'one GPU per GPU-hour' } });
  const embodiedServers = sciEmbodiedShare({
    totalEmbodiedKg: inputs.embodied.serverKg, reservedHours: inputs.gpuHours, expectedLifetimeHours,
    reservedShare: { value: 1 / inputs.embodied.gpusPerServer.value, source: `1 of ${inputs.embodied.gpusPerServer.value} GPUs per server (${inputs.embodied.gpusPerServer.source})` },
  });
  const operationalKWh = dynamicKWh + idle.energyKWh + facilityKWh;
  const embodiedKg = embodiedGpus.embodiedKg + embodiedServers.embodiedKg;
  return {
    inputs,
    dynamic: line(dynamicKWh),
    idle: { ...line(idle.energyKWh), basis: idle.basis },
    facility: line(facilityKWh),
    operational: line(operationalKWh),
    embodiedGpus,
    embodiedServers,
    embodiedKg,
    totalKg: kg(operationalKWh) + embodiedKg,
  };
}
