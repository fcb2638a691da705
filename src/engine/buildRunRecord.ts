import type { ComponentDiagnostics } from './powerSources/powerSource';
import type { SamplerTotals } from './sampler';
export type { RunHeader } from './reports/runRecord';
import type {
  ComponentEnergyKWh, ComponentPowerWatts, MachineFacts, RunHeader, RunRecord, RunSample, RunSourceSummary, RunStatus,
} from './reports/runRecord';
import { GRAMS_PER_KG, JOULES_PER_KWH, MS_PER_SECOND } from './units';


/** The source summary stored with a run, from the diagnostics of source selection. */
export function summariseSources(components: readonly ComponentDiagnostics[]): RunSourceSummary[] {
  return components.map((diagnostics) => ({
    component: diagnostics.component,
    sourceId: diagnostics.inUse,
    estimated: diagnostics.estimated,
    description: diagnostics.description,
  }));
}

/** "2 x NVIDIA A100-SXM4-40GB" as CodeCarbon writes gpu_model, names joined when they differ. */
function describeGpuModels(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, count]) => `${count} x ${name}`).join(', ');
}

const sumKWh = (energy: ComponentEnergyKWh): number => energy.cpu + energy.gpu + energy.ram;

/** The final record of a run from its header and the sampler's totals. */
export function buildRunRecord(header: RunHeader, ending: {
  readonly status: RunStatus;
  readonly exitCode: number | undefined;
  readonly endedAtMs: number;
  readonly totals: SamplerTotals;
  readonly samples: readonly RunSample[];
  /** Clock ticks per second of the CPU times (USER_HZ). */
  readonly ticksPerSecond: number;
}): RunRecord {
  const { totals } = ending;
  const trackedEnergy = header.trackingMode === 'machine' ? totals.machineEnergyKWh : totals.taskEnergyKWh;
  const energyKWh = sumKWh(trackedEnergy);
  const durationSeconds = Math.max(0, ending.endedAtMs - header.startedAtMs) / MS_PER_SECOND;
  const integratedSeconds = totals.durationMs / MS_PER_SECOND;
  const averageWatts = (kWh: number): number => (integratedSeconds > 0 ? (kWh * JOULES_PER_KWH) / integratedSeconds : 0);
  const averagePowerWatts: ComponentPowerWatts = {
    cpu: averageWatts(trackedEnergy.cpu), gpu: averageWatts(trackedEnergy.gpu), ram: averageWatts(trackedEnergy.ram),
  };
  // GPUs are known for sure only once a GPU source has reported its devices.
  const gpuNames = totals.gpuDevices.map((device) => device.name);
  const machine: MachineFacts = gpuNames.length > 0
    ? { ...header.machine, gpuCount: gpuNames.length, gpuModel: describeGpuModels(gpuNames) }
    : header.machine;
  return {
    ...header,
    machine,
    status: ending.status,
    exitCode: ending.exitCode,
    endedAtMs: ending.endedAtMs,
    durationSeconds,
    machineEnergyKWh: totals.machineEnergyKWh,
    machineIdleEnergyKWh: totals.machineIdleEnergyKWh,
    taskEnergyKWh: header.trackingMode === 'machine' ? totals.machineEnergyKWh : totals.taskEnergyKWh,
    energyKWh,
    emissionsKg: (energyKWh * header.pue * header.intensity.gramsPerKWh) / GRAMS_PER_KG,
    averagePowerWatts,
    cpuUtilizationPercent: totals.cpuUtilizationPercent,
    gpuUtilizationPercent: totals.gpuUtilizationPercent,
    ramUtilizationPercent: totals.ramUsedGiB !== undefined && totals.ramTotalGiB ? (100 * totals.ramUsedGiB) / totals.ramTotalGiB : undefined,
    ramUsedGiB: totals.ramUsedGiB,
    taskCpuSeconds: header.trackingMode === 'process' ? totals.taskCpuTicks / ending.ticksPerSecond : undefined,
    samples: ending.samples,
  };
}
