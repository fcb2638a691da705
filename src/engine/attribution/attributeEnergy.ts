/**
 * The task's share of one interval's machine energy, per component. Pure: the caller measures, this divides.
 *
 * CPU by CPU time (CodeCarbon's and Scaphandre's approach), RAM by resident memory, GPU per device by
 * the memory the task's processes hold on it.
 */
import type { GpuProcessReading } from '../powerSources/powerSource';

/** Energy of each component over one interval, in joules. */
export interface ComponentJoules {
  readonly cpu: number;
  readonly gpu: number;
  readonly ram: number;
}

/** One GPU's energy over the interval (its power × interval when it has no energy counter). */
export interface GpuDeviceEnergy {
  readonly deviceId: string;
  readonly energyJoules: number;
}

/** What was measured over one interval. */
export interface AttributionInput {
  /** Whole-machine energy of CPU and RAM; GPU energy comes per device in `gpuDevices`. */
  readonly machineCpuEnergyJoules: number;
  readonly machineRamEnergyJoules: number;
  /** Busy clock ticks of all CPUs together in the interval (MachineCpuTimes.busyTicks difference). */
  readonly machineBusyTicks: number;
  /** The tree's CPU ticks in the interval (ProcessTreeSample.cpuTicks difference). */
  readonly treeCpuTicks: number;
  /** MemTotal − MemAvailable, in bytes. */
  readonly machineUsedBytes: number;
  readonly treeResidentBytes: number;
  readonly gpuDevices: readonly GpuDeviceEnergy[];
  /** The driver's compute processes; pids must be in our pid namespace to match the tree. */
  readonly gpuProcesses: readonly GpuProcessReading[];
  readonly treePids: ReadonlySet<number>;
}

/** The task's part of one interval. Shares are 0–1. */
export interface TaskAttribution {
  readonly energyJoules: ComponentJoules;
  readonly cpuShare: number;
  readonly ramShare: number;
  /** Task GPU energy over machine GPU energy: the devices' shares weighted by their energy. */
  readonly gpuShare: number;
}

/** Keeps a ratio in 0–1; an empty denominator gives 1 when the task used something, else 0. */
function clampedShare(part: number, whole: number): number {
  if (!(part > 0)) return 0;
  if (!(whole > 0)) return 1;
  return Math.min(1, part / whole);
}

/**
 * Share of machine CPU time that the tree used. The tree can show more ticks than the machine's busy
 * ticks: per-process times are exact runtimes rounded to ticks at each read, while /proc/stat counts
 * whole ticks per CPU, and the two are read a few µs apart. So the share is clamped to 1.
 */
export function cpuShareOf(treeCpuTicks: number, machineBusyTicks: number): number {
  return clampedShare(treeCpuTicks, machineBusyTicks);
}

/**
 * Share of used machine memory held by the tree. RSS counts shared and file-backed pages, which the
 * machine's "used" (total − available) may leave out, so it is clamped to 1 as well.
 */
export function ramShareOf(treeResidentBytes: number, machineUsedBytes: number): number {
  return clampedShare(treeResidentBytes, machineUsedBytes);
}

/**
 * Share of one GPU used by the tree: the tree's memory on the device over all processes' memory on it.
 * When any process's memory is unknown (some drivers and MIG setups do not report it) or the total is 0,
 * the share is by process count instead. A device with no listed process gives 0: nothing of the tree runs on it.
 */
export function gpuDeviceShareOf(
  deviceId: string,
  processes: readonly GpuProcessReading[],
  treePids: ReadonlySet<number>,
): number {
  const onDevice = processes.filter((process) => process.deviceId === deviceId);
  const inTree = onDevice.filter((process) => treePids.has(process.pid));
  const memoryMiB = (list: readonly GpuProcessReading[]): number =>
    list.reduce((sum, process) => sum + (process.usedMemoryMiB ?? 0), 0);
  const memoryKnown = onDevice.every((process) => process.usedMemoryMiB !== undefined);
  const allMemoryMiB = memoryMiB(onDevice);
  if (memoryKnown && allMemoryMiB > 0) return clampedShare(memoryMiB(inTree), allMemoryMiB);
  return onDevice.length > 0 ? inTree.length / onDevice.length : 0;
}

/** Splits one interval's machine energy into the task's part. */
export function attributeEnergy(input: AttributionInput): TaskAttribution {
  const cpuShare = cpuShareOf(input.treeCpuTicks, input.machineBusyTicks);
  const ramShare = ramShareOf(input.treeResidentBytes, input.machineUsedBytes);
  let machineGpuJoules = 0;
  let taskGpuJoules = 0;
  for (const device of input.gpuDevices) {
    machineGpuJoules += device.energyJoules;
    taskGpuJoules += device.energyJoules * gpuDeviceShareOf(device.deviceId, input.gpuProcesses, input.treePids);
  }
  return {
    energyJoules: {
      cpu: input.machineCpuEnergyJoules * cpuShare,
      ram: input.machineRamEnergyJoules * ramShare,
      gpu: taskGpuJoules,
    },
    cpuShare,
    ramShare,
    gpuShare: clampedShare(taskGpuJoules, machineGpuJoules),
  };
}
