/** The contract every power source implements, and the diagnostics they produce. */
import type { MachineCpuTimes } from '../system/procStat';
import type { MachineMemory } from '../system/memInfo';

export type ComponentKind = 'cpu' | 'gpu' | 'ram';

export type PowerSourceId = 'rapl' | 'nvidia-smi' | 'amd-hwmon' | 'tdp-model' | 'ram-model';

/** One GPU's state at a reading. */
export interface GpuDeviceReading {
  /** Stable id: the NVIDIA UUID or the hwmon/DRM card path. */
  readonly deviceId: string;
  readonly index: number;
  readonly name: string;
  /** 0 when `powerUnknownReason` is set; such a device is left out of the reading's `powerWatts`. */
  readonly powerWatts: number;
  /** Set when the driver gave no power for this device (e.g. nvidia-smi `[N/A]`): why its power is unknown. */
  readonly powerUnknownReason?: string;
  readonly utilizationPercent: number | undefined;
  readonly memoryUsedMiB: number | undefined;
  readonly memoryTotalMiB: number | undefined;
}

/** A process using a GPU, as the driver reports it; used to attribute GPU energy to a process tree. */
export interface GpuProcessReading {
  readonly pid: number;
  readonly deviceId: string;
  /** Memory the process holds on that GPU; undefined when the driver does not say. */
  readonly usedMemoryMiB: number | undefined;
}

/** What a source measured since its previous reading. */
export interface PowerReading {
  /** Average power since the previous reading (counters) or the latest instantaneous power (sensors, models). */
  readonly powerWatts: number;
  /**
   * Energy measured directly since the previous reading, when the source has an energy counter (RAPL).
   * The sampler prefers it over power × interval because it is exact whatever the timing jitter.
   */
  readonly energyJoules?: number;
  /**
   * A model's own idle power (its curve at 0 % utilisation). Measured sources leave it out and the
   * sampler takes the lowest power it has seen instead.
   */
  readonly idlePowerWatts?: number;
  /** Component utilisation, 0–100, where the source knows it. */
  readonly utilizationPercent?: number;
  /** GPU sources: one entry per device. */
  readonly devices?: readonly GpuDeviceReading[];
  /** GPU sources: the compute processes seen at this reading. */
  readonly processes?: readonly GpuProcessReading[];
  /**
   * Faults the source found and worked around in this reading (a RAPL counter reset): the reading stands, and
   * the sampler reports each one as a source failure whose figure was corrected rather than held.
   */
  readonly notices?: readonly string[];
}

/**
 * What the sampler has already read of the machine at this instant, so that a model reading the same
 * files does not read them again. A missing field means it could not be read: read it yourself.
 */
export interface MachineProcReadings {
  /** `/proc/stat` now. */
  readonly cpuTimes?: MachineCpuTimes;
  /** `/proc/meminfo` now. */
  readonly memory?: MachineMemory;
}

/** Instantaneous power of one component. */
export interface PowerSource {
  readonly id: PowerSourceId;
  readonly component: ComponentKind;
  /** True when the figure comes from a model rather than a sensor; shown as `estimated` everywhere. */
  readonly estimated: boolean;
  /** Human-readable basis, e.g. "RAPL package-0 + package-1" or "TDP 65 W (Intel Core i7-8700, CodeCarbon table) × utilisation". */
  readonly description: string;
  /** Why this source cannot run here, or undefined if it can. Never throws. */
  probe(): Promise<string | undefined>;
  /** After a rejected probe: the command or step that would make this source usable (e.g. the RAPL permission fix). */
  readonly fix?: string;
  /**
   * Reads the component. May throw; the sampler marks the source unavailable with the message.
   * `machine`: what the sampler read of /proc at this instant, for sources that need it.
   */
  read(machine?: MachineProcReadings): Promise<PowerReading>;
  /**
   * Nothing is being measured for a while: stop what only serves the next read (the nvidia-smi stream).
   * The next read starts it again. Optional: most sources keep nothing running between reads.
   */
  suspend?(): void;
  /** Releases long-lived resources (child processes, timers). */
  dispose(): void;
}

/** One source that was considered for a component. */
export interface SourceAttempt {
  readonly id: PowerSourceId;
  readonly accepted: boolean;
  /** Why it was rejected, or what it measures when accepted. */
  readonly detail: string;
  /** A command or step that would make a rejected source usable (e.g. the RAPL permission fix). */
  readonly fix?: string;
}

/** Which source is in use for one component, and what else was tried. */
export interface ComponentDiagnostics {
  readonly component: ComponentKind;
  /** The id of the source in use, or undefined when nothing could measure this component (e.g. no GPU). */
  readonly inUse: PowerSourceId | undefined;
  readonly estimated: boolean;
  readonly description: string;
  readonly attempts: readonly SourceAttempt[];
}

export interface PowerDiagnostics {
  readonly components: readonly ComponentDiagnostics[];
}
