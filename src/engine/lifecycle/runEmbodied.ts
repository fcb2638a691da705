import type { RunRecord } from '../reports/runRecord';
import { SECONDS_PER_HOUR } from '../units';
import { EmbodiedChoices, matchDeviceEmbodied } from './deviceEmbodied';
import type { EmbodiedData } from './embodiedData';
import { hoursFromYears, SciEmbodiedShare, sciEmbodiedShare, SourcedFigure } from './sciEmbodied';

/** One device's part of a run's embodied emissions. */
export interface EmbodiedItem extends SciEmbodiedShare {
  readonly component: 'host' | 'gpus';
  readonly label: string;
}

/** A run's embodied share beside its operational emissions. */
export interface RunEmbodied {
  readonly items: readonly EmbodiedItem[];
  readonly embodiedKg: number;
  readonly operationalKg: number;
  readonly totalKg: number;
}

/**
 * The task's share of a component: all of it in machine mode; in process mode its energy over the machine's,
 * which the attribution made its share of CPU time (CPU) or of GPU memory (GPU).
 */
function taskShare(record: RunRecord, component: 'cpu' | 'gpu'): SourcedFigure {
  if (record.trackingMode === 'machine') return { value: 1, source: 'machine mode: the whole machine' };
  const machine = record.machineEnergyKWh[component];
  const task = record.taskEnergyKWh[component];
  if (!(machine > 0)) return { value: 1, source: `no ${component.toUpperCase()} energy measured: the whole ${component.toUpperCase()}` };
  const what = component === 'cpu' ? 'CPU time' : 'GPU memory';
  return { value: Math.min(1, task / machine), source: `the task's share of the machine's ${what} (its ${component.toUpperCase()} energy over the machine's)` };
}

/** SCI's M for each device of a stored run, from its machine facts and duration, and the user's figures. */
export function computeRunEmbodied(record: RunRecord, data: EmbodiedData, choices: EmbodiedChoices = {}): RunEmbodied {
  const device = matchDeviceEmbodied(record.machine, data, choices);
  const reservedHours = { value: record.durationSeconds / SECONDS_PER_HOUR, source: 'the run\'s duration' };
  const years = (figure: SourcedFigure): SourcedFigure => ({ value: hoursFromYears(figure.value), source: figure.source });
  const cpu = taskShare(record, 'cpu');
  const hostShare = device.host.instanceShare.value === 1 ? cpu
    : { value: device.host.instanceShare.value * cpu.value, source: `${device.host.instanceShare.source} × ${cpu.source}` };
  const items: EmbodiedItem[] = [{
    component: 'host', label: device.host.label,
    ...sciEmbodiedShare({ totalEmbodiedKg: device.host.totalEmbodiedKg, reservedHours, expectedLifetimeHours: years(device.host.lifetimeYears), reservedShare: hostShare }),
  }];
  if (device.gpus) {
    items.push({
      component: 'gpus', label: `${device.gpus.count} GPU${device.gpus.count === 1 ? '' : 's'} (${record.machine.gpuModel})`,
      ...sciEmbodiedShare({ totalEmbodiedKg: device.gpus.totalEmbodiedKg, reservedHours, expectedLifetimeHours: years(device.gpus.lifetimeYears), reservedShare: taskShare(record, 'gpu') }),
    });
  }
  const embodiedKg = items.reduce((sum, item) => sum + item.embodiedKg, 0);
  return { items, embodiedKg, operationalKg: record.emissionsKg, totalKg: embodiedKg + record.emissionsKg };
}
