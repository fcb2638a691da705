import type { ComponentPowerWatts, RunSample } from '../reports/runRecord';

/** How many sampling intervals a sample stands for: 1 unless it is already an aggregate. */
export function aggregatedCount(sample: RunSample): number {
  return sample.aggregatedSamples ?? 1;
}

/**
 * One sample standing for consecutive ones (`group`, oldest first, at least one). Merging a merged
 * sample again gives the same result as merging its samples at once.
 *
 * - The interval is the sum of theirs: the span they cover end to end, since a run's intervals are
 *   contiguous. Power × interval, the energy every reader derives from a sample, is kept exactly:
 *   powers are interval-weighted means (mean power = energy / time).
 * - Cumulative energy and emissions, and the time, are the newest sample's: the series still ends on
 *   the run's exact totals.
 * - Utilisations, RAM and the task's CPU share are interval-weighted means of the samples that have them.
 */
export function mergeRunSampleGroup(group: readonly RunSample[]): RunSample {
  const newest = group[group.length - 1];
  if (!newest) throw new RangeError('mergeRunSampleGroup needs at least one sample');
  if (group.length === 1) return newest;
  let intervalMs = 0;
  let aggregatedSamples = 0;
  for (const sample of group) {
    intervalMs += sample.intervalMs;
    aggregatedSamples += aggregatedCount(sample);
  }
  const machine = new PowerMean();
  const task = new PowerMean();
  const cpu = new KnownMean();
  const gpu = new KnownMean();
  const ram = new KnownMean();
  const share = new KnownMean();
  for (const sample of group) {
    // Zero-length intervals carry no energy; when all are, they are weighed equally rather than divided by zero.
    const weight = intervalMs > 0 ? sample.intervalMs / intervalMs : 1 / group.length;
    machine.add(sample.machinePowerWatts, weight);
    task.add(sample.taskPowerWatts, weight);
    cpu.add(sample.cpuUtilizationPercent, weight);
    gpu.add(sample.gpuUtilizationPercent, weight);
    ram.add(sample.ramUsedGiB, weight);
    share.add(sample.taskCpuShare, weight);
  }
  return {
    timestampMs: newest.timestampMs,
    intervalMs,
    machinePowerWatts: machine.value,
    taskPowerWatts: task.value,
    taskEnergyKWh: newest.taskEnergyKWh,
    emissionsKg: newest.emissionsKg,
    cpuUtilizationPercent: cpu.value,
    gpuUtilizationPercent: gpu.value,
    ramUsedGiB: ram.value,
    taskCpuShare: share.value ?? 0,
    aggregatedSamples,
  };
}

/** One sample standing for two consecutive ones, `older` first. */
export function mergeRunSamples(older: RunSample, newer: RunSample): RunSample {
  return mergeRunSampleGroup([older, newer]);
}

/** Weighted sum of per-component powers; the weights of a group add up to 1. */
class PowerMean {
  private cpu = 0;
  private gpu = 0;
  private ram = 0;
  add(power: ComponentPowerWatts, weight: number): void {
    this.cpu += power.cpu * weight;
    this.gpu += power.gpu * weight;
    this.ram += power.ram * weight;
  }
  get value(): ComponentPowerWatts {
    return { cpu: this.cpu, gpu: this.gpu, ram: this.ram };
  }
}

/** Weighted mean of the values that are known; undefined when none is. */
class KnownMean {
  private sum = 0;
  private weights = 0;
  private plainSum = 0;
  private count = 0;
  add(value: number | undefined, weight: number): void {
    if (value === undefined || !Number.isFinite(value)) return;
    this.sum += value * weight;
    this.weights += weight;
    this.plainSum += value;
    this.count++;
  }
  get value(): number | undefined {
    if (this.count === 0) return undefined;
    // Only zero-length intervals had the figure: nothing to weigh it by.
    return this.weights > 0 ? this.sum / this.weights : this.plainSum / this.count;
  }
}

/**
 * At most `maxPoints` samples: runs of ⌈n / maxPoints⌉ consecutive samples merged into one. Unlike
 * picking every k-th sample, the energy under the power curve and the last cumulative figures stay
 * those of all the samples.
 */
export function mergeRunSamplesToAtMost(samples: readonly RunSample[], maxPoints: number): RunSample[] {
  if (samples.length <= maxPoints) return [...samples];
  const groupSize = Math.ceil(samples.length / Math.max(1, maxPoints));
  const merged: RunSample[] = [];
  for (let start = 0; start < samples.length; start += groupSize) merged.push(mergeRunSampleGroup(samples.slice(start, start + groupSize)));
  return merged;
}
