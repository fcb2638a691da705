import { performance } from 'node:perf_hooks';
import { Disposable, Emitter, Event } from './events';
import type { ComponentKind, GpuDeviceReading, GpuProcessReading, PowerReading, PowerSource } from './powerSources/powerSource';
import type { ComponentEnergyKWh, ComponentPowerWatts, RunSample } from './reports/runRecord';
import { MachineCpuTimes, readMachineCpuTimes } from './system/procStat';
import { MachineMemory, readMachineMemory } from './system/memInfo';
import { attributeEnergy, TaskAttribution } from './attribution/attributeEnergy';
import { updateIdleBaselineWatts } from './attribution/idleActiveSplit';
import { BYTES_PER_GIB, GRAMS_PER_KG, joulesFromWatts, kWhFromJoules, wattsFromJoules } from './units';

/** The sources the sampler reads, one slot per component (GPUs may have several sources). */
export interface SelectedSources {
  readonly cpu?: PowerSource;
  readonly gpu: readonly PowerSource[];
  readonly ram?: PowerSource;
}

/** What the task's process tree looked like at one instant. */
export interface TaskTreeSnapshot {
  /** Cumulative user + system CPU time of the tree, in clock ticks; never decreases. */
  readonly cpuTicks: number;
  readonly residentBytes: number;
  readonly pids: readonly number[];
}

/** Reads the task's process tree; undefined in machine mode. */
export interface TaskTreeReader {
  sample(): Promise<TaskTreeSnapshot>;
}

export interface SamplerOptions {
  readonly sources: SelectedSources;
  readonly procRoot: string;
  readonly intervalMs: number;
  /** The tracked process tree; omit to track the whole machine. */
  readonly task?: TaskTreeReader;
  /** Grid intensity × PUE, applied to the tracked energy. */
  readonly intensityGramsPerKWh: number;
  readonly pue: number;
  /** Monotonic milliseconds; injectable so tests control time. */
  readonly monotonicNowMs?: () => number;
  readonly wallClockMs?: () => number;
}

/** A source that failed at a reading, and why. */
export interface SourceFailure {
  readonly component: ComponentKind;
  readonly sourceId: string;
  readonly message: string;
}

export interface SamplerTotals {
  readonly machineEnergyKWh: ComponentEnergyKWh;
  readonly machineIdleEnergyKWh: ComponentEnergyKWh;
  readonly taskEnergyKWh: ComponentEnergyKWh;
  readonly emissionsKg: number;
  readonly durationMs: number;
  readonly taskCpuTicks: number;
  readonly cpuUtilizationPercent: number | undefined;
  readonly gpuUtilizationPercent: number | undefined;
  readonly ramUsedGiB: number | undefined;
  readonly ramTotalGiB: number | undefined;
  readonly gpuDevices: readonly GpuDeviceReading[];
}

const COMPONENTS: readonly ComponentKind[] = ['cpu', 'gpu', 'ram'];
const zeroByComponent = (): Record<ComponentKind, number> => ({ cpu: 0, gpu: 0, ram: 0 });

/** Running mean that ignores missing values. */
class Mean {
  private sum = 0;
  private count = 0;
  add(value: number | undefined): void {
    if (value === undefined || !Number.isFinite(value)) return;
    this.sum += value;
    this.count++;
  }
  get value(): number | undefined {
    return this.count > 0 ? this.sum / this.count : undefined;
  }
}

/**
 * Samples every source at a fixed interval and integrates power into energy, for the machine and for
 * the tracked task. The loop never throws: a failing source keeps its last good power for the interval
 * and is reported through `onDidFailSource`.
 */
export class Sampler implements Disposable {
  private readonly sampleEmitter = new Emitter<RunSample>();
  private readonly failureEmitter = new Emitter<SourceFailure>();
  /** Fires after each interval is integrated. */
  readonly onDidSample: Event<RunSample> = this.sampleEmitter.event;
  /** Fires when a source fails a reading; the sampler goes on with its last good value. */
  readonly onDidFailSource: Event<SourceFailure> = this.failureEmitter.event;

  private readonly now: () => number;
  private readonly wallClock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  private startedAt = 0;
  private lastAt = 0;
  private lastCpuTimes: MachineCpuTimes | undefined;
  private lastTaskTicks = 0;
  private readonly lastGoodPowerWatts = new Map<PowerSource, number>();
  /**
   * Energy credited to a counter source from its last good power while its reads failed. Its next good
   * reading covers the whole gap, so that credit is taken back from it rather than counted twice.
   */
  private readonly heldJoules = new Map<PowerSource, number>();
  /** Sources that report measured energy (counters) rather than power alone. */
  private readonly counterSources = new Set<PowerSource>();
  private readonly machineJoules = zeroByComponent();
  private readonly taskJoules = zeroByComponent();
  /** Lowest non-zero interval power seen per component: the idle baseline (Kepler's idle/dynamic split). */
  private readonly idleWatts = new Map<ComponentKind, number>();
  /** Time integrated per component; idle energy = idle baseline × this time. */
  private readonly integratedMs = zeroByComponent();
  private readonly cpuUtilization = new Mean();
  private readonly gpuUtilization = new Mean();
  private readonly ramUsed = new Mean();
  private ramTotalGiB: number | undefined;
  private gpuDevices: readonly GpuDeviceReading[] = [];

  constructor(private readonly options: SamplerOptions) {
    this.now = options.monotonicNowMs ?? (() => performance.now());
    this.wallClock = options.wallClockMs ?? (() => Date.now());
  }

  /** Primes counters (RAPL, /proc/stat, the task tree) and starts the timer. */
  async start(): Promise<void> {
    this.startedAt = this.now();
    this.lastAt = this.startedAt;
    await Promise.all([
      ...this.allSources().map((source) => this.readSource(source)),
      this.readCpuTimes().then((times) => { this.lastCpuTimes = times; }),
      this.readTask().then((snapshot) => { this.lastTaskTicks = snapshot?.cpuTicks ?? 0; }),
    ]);
    this.schedule();
  }

  /** Integrates the interval since the last sample now, outside the timer (used by tests and at stop). */
  sampleNow(finalTaskCpuTicks?: number): Promise<RunSample> {
    // Chained so two intervals never overlap: counter sources must see their reads one after another.
    const next = this.queue.then(() => this.integrateInterval(finalTaskCpuTicks));
    this.queue = next.then(() => undefined, () => undefined);
    return next;
  }

  /**
   * Takes the last interval (the tail after the last sample) and stops. `finalTaskCpuTicks` is the
   * kernel's own total for the tree when the caller has it (the reaped child's rusage); it replaces
   * the last /proc reading, which misses the time spent after it.
   */
  async stop(finalTaskCpuTicks?: number): Promise<SamplerTotals> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sampleNow(finalTaskCpuTicks);
    return this.totals;
  }

  get totals(): SamplerTotals {
    const toKWh = (joules: Record<ComponentKind, number>): ComponentEnergyKWh => ({
      cpu: kWhFromJoules(joules.cpu), gpu: kWhFromJoules(joules.gpu), ram: kWhFromJoules(joules.ram),
    });
    const idleJoules = zeroByComponent();
    for (const component of COMPONENTS) {
      idleJoules[component] = joulesFromWatts(this.idleWatts.get(component) ?? 0, this.integratedMs[component]);
    }
    const taskEnergyKWh = toKWh(this.taskJoules);
    return {
      machineEnergyKWh: toKWh(this.machineJoules),
      machineIdleEnergyKWh: toKWh(idleJoules),
      taskEnergyKWh,
      emissionsKg: this.emissionsKgFor(taskEnergyKWh.cpu + taskEnergyKWh.gpu + taskEnergyKWh.ram),
      durationMs: this.lastAt - this.startedAt,
      taskCpuTicks: this.lastTaskTicks,
      cpuUtilizationPercent: this.cpuUtilization.value,
      gpuUtilizationPercent: this.gpuUtilization.value,
      ramUsedGiB: this.ramUsed.value,
      ramTotalGiB: this.ramTotalGiB,
      gpuDevices: this.gpuDevices,
    };
  }

  dispose(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.sampleEmitter.dispose();
    this.failureEmitter.dispose();
  }

  private schedule(): void {
    if (this.stopped) return;
    // A chained timeout rather than setInterval: a slow reading delays the next one instead of piling up.
    const dueIn = Math.max(0, this.lastAt + this.options.intervalMs - this.now());
    this.timer = setTimeout(() => {
      void this.sampleNow().finally(() => this.schedule());
    }, dueIn);
    this.timer.unref();
  }

  private emissionsKgFor(energyKWh: number): number {
    return (energyKWh * this.options.pue * this.options.intensityGramsPerKWh) / GRAMS_PER_KG;
  }

  private allSources(): PowerSource[] {
    const { cpu, gpu, ram } = this.options.sources;
    return [...(cpu ? [cpu] : []), ...gpu, ...(ram ? [ram] : [])];
  }

  private async readSource(source: PowerSource): Promise<PowerReading | undefined> {
    try {
      const reading = await source.read();
      if (!Number.isFinite(reading.powerWatts) || reading.powerWatts < 0) {
        throw new Error(`reported an impossible power of ${reading.powerWatts} W`);
      }
      this.lastGoodPowerWatts.set(source, reading.powerWatts);
      return reading;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.failureEmitter.fire({ component: source.component, sourceId: source.id, message });
      return undefined;
    }
  }

  private intervalJoules(source: PowerSource, reading: PowerReading | undefined, powerWatts: number, intervalMs: number): number {
    if (reading?.energyJoules !== undefined) {
      this.counterSources.add(source);
      const held = this.heldJoules.get(source) ?? 0;
      this.heldJoules.delete(source);
      return Math.max(0, reading.energyJoules - held);
    }
    const joules = joulesFromWatts(powerWatts, intervalMs);
    if (!reading && this.counterSources.has(source)) this.heldJoules.set(source, (this.heldJoules.get(source) ?? 0) + joules);
    return joules;
  }

  private async readCpuTimes(): Promise<MachineCpuTimes | undefined> {
    try {
      return await readMachineCpuTimes(this.options.procRoot);
    } catch {
      return undefined;
    }
  }

  private async readMemory(): Promise<MachineMemory | undefined> {
    try {
      return await readMachineMemory(this.options.procRoot);
    } catch {
      return undefined;
    }
  }

  private async readTask(): Promise<TaskTreeSnapshot | undefined> {
    try {
      return await this.options.task?.sample();
    } catch {
      return undefined;
    }
  }

  private async integrateInterval(finalTaskCpuTicks: number | undefined): Promise<RunSample> {
    const sources = this.allSources();
    const [readings, cpuTimes, memory, task] = await Promise.all([
      Promise.all(sources.map((source) => this.readSource(source))),
      this.readCpuTimes(),
      this.readMemory(),
      this.readTask(),
    ]);
    const at = this.now();
    const intervalMs = at - this.lastAt;
    this.lastAt = at;

    const machineJoules = zeroByComponent();
    const gpuDevices: { deviceId: string; energyJoules: number }[] = [];
    const gpuProcesses: GpuProcessReading[] = [];
    const utilization: Partial<Record<ComponentKind, number>> = {};
    const modelIdleWatts: Partial<Record<ComponentKind, number>> = {};
    const measuredComponents = new Set<ComponentKind>();
    sources.forEach((source, index) => {
      const reading = readings[index];
      // A failed reading holds the source's last good power for this interval rather than a silent 0 W.
      const powerWatts = reading?.powerWatts ?? this.lastGoodPowerWatts.get(source) ?? 0;
      machineJoules[source.component] += this.intervalJoules(source, reading, powerWatts, intervalMs);
      if (reading?.utilizationPercent !== undefined) utilization[source.component] = reading.utilizationPercent;
      if (reading?.idlePowerWatts !== undefined) modelIdleWatts[source.component] = (modelIdleWatts[source.component] ?? 0) + reading.idlePowerWatts;
      else measuredComponents.add(source.component);
      for (const device of reading?.devices ?? []) {
        gpuDevices.push({ deviceId: device.deviceId, energyJoules: joulesFromWatts(device.powerWatts, intervalMs) });
      }
      if (reading?.devices) this.gpuDevices = reading.devices;
      gpuProcesses.push(...(reading?.processes ?? []));
    });

    const busyTicks = cpuTimes && this.lastCpuTimes ? Math.max(0, cpuTimes.busyTicks - this.lastCpuTimes.busyTicks) : 0;
    if (cpuTimes && this.lastCpuTimes && cpuTimes.totalTicks > this.lastCpuTimes.totalTicks) {
      utilization.cpu ??= (100 * busyTicks) / (cpuTimes.totalTicks - this.lastCpuTimes.totalTicks);
    }
    if (cpuTimes) this.lastCpuTimes = cpuTimes;

    const taskTicksNow = Math.max(this.lastTaskTicks, finalTaskCpuTicks ?? task?.cpuTicks ?? this.lastTaskTicks);
    const taskCpuTicks = taskTicksNow - this.lastTaskTicks;
    this.lastTaskTicks = taskTicksNow;

    const attribution: TaskAttribution = this.options.task
      ? attributeEnergy({
        machineCpuEnergyJoules: machineJoules.cpu,
        machineRamEnergyJoules: machineJoules.ram,
        machineBusyTicks: busyTicks,
        treeCpuTicks: taskCpuTicks,
        machineUsedBytes: (memory?.usedGiB ?? 0) * BYTES_PER_GIB,
        treeResidentBytes: task?.residentBytes ?? 0,
        gpuDevices,
        gpuProcesses,
        treePids: new Set(task?.pids ?? []),
      })
      : { energyJoules: machineJoules, cpuShare: 1, ramShare: 1, gpuShare: 1 };

    for (const component of COMPONENTS) {
      this.machineJoules[component] += machineJoules[component];
      this.taskJoules[component] += attribution.energyJoules[component];
      if (intervalMs > 0 && (component !== 'gpu' || this.options.sources.gpu.length > 0)) {
        // A model's idle power is used only when every source of the component is a model that gave one.
        const modelIdle = measuredComponents.has(component) ? undefined : modelIdleWatts[component];
        const idle = updateIdleBaselineWatts(this.idleWatts.get(component), wattsFromJoules(machineJoules[component], intervalMs), modelIdle);
        if (idle !== undefined) this.idleWatts.set(component, idle);
        this.integratedMs[component] += intervalMs;
      }
    }
    this.cpuUtilization.add(utilization.cpu);
    this.gpuUtilization.add(utilization.gpu);
    this.ramUsed.add(memory?.usedGiB);
    if (memory) this.ramTotalGiB = memory.totalGiB;

    const watts = (joules: Record<ComponentKind, number>): ComponentPowerWatts => ({
      cpu: wattsFromJoules(joules.cpu, intervalMs), gpu: wattsFromJoules(joules.gpu, intervalMs), ram: wattsFromJoules(joules.ram, intervalMs),
    });
    const taskEnergyKWh = kWhFromJoules(this.taskJoules.cpu + this.taskJoules.gpu + this.taskJoules.ram);
    const sample: RunSample = {
      timestampMs: this.wallClock(),
      intervalMs,
      machinePowerWatts: watts(machineJoules),
      taskPowerWatts: watts({ ...attribution.energyJoules }),
      taskEnergyKWh,
      emissionsKg: this.emissionsKgFor(taskEnergyKWh),
      cpuUtilizationPercent: utilization.cpu,
      gpuUtilizationPercent: utilization.gpu,
      ramUsedGiB: memory?.usedGiB,
      taskCpuShare: attribution.cpuShare,
    };
    this.sampleEmitter.fire(sample);
    return sample;
  }
}
