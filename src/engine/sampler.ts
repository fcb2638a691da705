import { Disposable, Emitter, Event } from './events';
import type { ComponentKind, GpuDeviceReading } from './powerSources/powerSource';
import type { ComponentEnergyKWh, ComponentPowerWatts, RunSample } from './reports/runRecord';
import { attributeEnergy, TaskAttribution } from './attribution/attributeEnergy';
import { updateIdleBaselineWatts } from './attribution/idleActiveSplit';
import { LateCpuTimeAccount } from './attribution/lateCpuTime';
import { IntervalListener, MachineInterval, MachineSampler, MachineSamplerOptions, SourceFailure } from './machineSampler';
import { BYTES_PER_GIB, GRAMS_PER_KG, joulesFromWatts, kWhFromJoules, wattsFromJoules } from './units';

export type { SelectedSources, SourceFailure } from './machineSampler';

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

/** What one run attributes and how it is priced. */
export interface RunSamplerOptions {
  /** The tracked process tree; omit to track the whole machine. */
  readonly task?: TaskTreeReader;
  /** Grid intensity × PUE, applied to the tracked energy. */
  readonly intensityGramsPerKWh: number;
  readonly pue: number;
}

/**
 * A run measured on the engine's shared machine sampler (`machine`), or, given the sampler's own options
 * instead, on a machine sampler of its own (a single run: tests, the bench).
 */
export type SamplerOptions = RunSamplerOptions & ({ readonly machine: MachineSampler } | MachineSamplerOptions);

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
const NO_PIDS: ReadonlySet<number> = new Set();
const zeroByComponent = (): Record<ComponentKind, number> => ({ cpu: 0, gpu: 0, ram: 0 });

/**
 * Intervals shorter than this share of the sampling interval (another run starting or stopping, the tail
 * at the end) do not set a measured idle baseline unless the run has nothing longer: over a few
 * milliseconds a counter that updates every millisecond or so gives a power far from the real one.
 */
const MIN_BASELINE_INTERVAL_SHARE = 0.5;

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
 * One run's measurement: takes the machine's intervals from `start` to `stop`, attributes each to the
 * run's process tree (or counts the whole machine), and keeps the run's totals, idle baseline and
 * means. Every sample is fired through `onDidSample`.
 */
export class Sampler implements Disposable, IntervalListener {
  private readonly sampleEmitter = new Emitter<RunSample>();
  private readonly failureEmitter = new Emitter<SourceFailure>();
  /** Fires after each interval is integrated. */
  readonly onDidSample: Event<RunSample> = this.sampleEmitter.event;
  /** Fires when a source fails a reading within the run; the interval holds its last good power. */
  readonly onDidFailSource: Event<SourceFailure> = this.failureEmitter.event;

  private readonly machine: MachineSampler;
  private readonly ownsMachine: boolean;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private taskSnapshot: TaskTreeSnapshot | undefined;
  /** The kernel's total for the tree, for the run's last interval. */
  private finalTaskCpuTicks: number | undefined;
  private lastSample: RunSample | undefined;

  private startedAt = 0;
  private lastAt = 0;
  private lastTaskTicks = 0;
  private readonly lateCpuTime = new LateCpuTimeAccount();
  private readonly machineJoules = zeroByComponent();
  private readonly taskJoules = zeroByComponent();
  /** Lowest non-zero power of a full-length interval, per component: the idle baseline (Kepler's idle/dynamic split). */
  private readonly idleWatts = new Map<ComponentKind, number>();
  /** The same over short intervals, used only while the run has no full-length one. */
  private readonly shortIntervalIdleWatts = new Map<ComponentKind, number>();
  /** Time integrated per component with energy measured; idle energy = idle baseline × this time. */
  private readonly integratedMs = zeroByComponent();
  private readonly cpuUtilization = new Mean();
  private readonly gpuUtilization = new Mean();
  private readonly ramUsed = new Mean();
  private ramTotalGiB: number | undefined;
  private gpuDevices: readonly GpuDeviceReading[] = [];

  constructor(private readonly options: SamplerOptions) {
    this.ownsMachine = !('machine' in options);
    this.machine = 'machine' in options ? options.machine : new MachineSampler(options);
  }

  /** Starts the run at the machine sampler's next instant: primes the tree, and the sources if nothing else runs. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error('a sampler starts once');
    await this.machine.attach(this);
  }

  /** Closes the current interval now, for every run on the machine sampler; resolves to this run's sample. */
  async sampleNow(): Promise<RunSample> {
    await this.machine.sampleNow();
    if (!this.lastSample) throw new Error('the run has not been sampled: start it first');
    return this.lastSample;
  }

  /**
   * Takes the last interval (the tail after the last sample) and stops. `finalTaskCpuTicks` is the
   * kernel's own total for the tree when the caller has it (the reaped child's rusage); it replaces
   * the last /proc reading, which misses the time spent after it.
   */
  async stop(finalTaskCpuTicks?: number): Promise<SamplerTotals> {
    if (this.state === 'running') {
      this.finalTaskCpuTicks = finalTaskCpuTicks;
      await this.machine.detach(this);
    }
    this.state = 'stopped';
    return this.totals;
  }

  get totals(): SamplerTotals {
    const toKWh = (joules: Record<ComponentKind, number>): ComponentEnergyKWh => ({
      cpu: kWhFromJoules(joules.cpu), gpu: kWhFromJoules(joules.gpu), ram: kWhFromJoules(joules.ram),
    });
    const idleJoules = zeroByComponent();
    for (const component of COMPONENTS) {
      // Never more than was measured: a short interval can fall below the baseline of the full-length ones.
      idleJoules[component] = Math.min(this.machineJoules[component], joulesFromWatts(this.idleBaselineWatts(component) ?? 0, this.integratedMs[component]));
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
    this.state = 'stopped';
    this.machine.remove(this);
    if (this.ownsMachine) this.machine.dispose();
    this.sampleEmitter.dispose();
    this.failureEmitter.dispose();
  }

  /** @internal Called by the machine sampler. */
  async readAtTick(): Promise<void> {
    try {
      this.taskSnapshot = await this.options.task?.sample();
    } catch {
      this.taskSnapshot = undefined;
    }
  }

  /** @internal Called by the machine sampler. */
  begin(startMs: number): void {
    this.state = 'running';
    this.startedAt = startMs;
    this.lastAt = startMs;
    this.lastTaskTicks = this.taskSnapshot?.cpuTicks ?? 0;
  }

  /** @internal Called by the machine sampler. */
  take(interval: MachineInterval, last: boolean): void {
    const { intervalMs, energyJoules: machineJoules } = interval;
    this.lastAt = interval.endMs;
    const task = this.taskSnapshot;
    const finalTicks = last ? this.finalTaskCpuTicks : undefined;
    const taskTicksNow = Math.max(this.lastTaskTicks, finalTicks ?? task?.cpuTicks ?? this.lastTaskTicks);
    const taskCpuTicks = taskTicksNow - this.lastTaskTicks;
    this.lastTaskTicks = taskTicksNow;

    const inInterval: TaskAttribution = this.options.task
      ? attributeEnergy({
        machineCpuEnergyJoules: machineJoules.cpu,
        machineRamEnergyJoules: machineJoules.ram,
        machineBusyTicks: interval.busyTicks,
        treeCpuTicks: taskCpuTicks,
        machineUsedBytes: (interval.memory?.usedGiB ?? 0) * BYTES_PER_GIB,
        treeResidentBytes: task?.residentBytes ?? 0,
        gpuDevices: interval.gpuDeviceEnergy,
        gpuProcesses: interval.gpuProcesses,
        // Only GPU attribution looks pids up: no set of the tree's pids for a machine without GPU processes.
        treePids: interval.gpuProcesses.length > 0 ? new Set(task?.pids ?? []) : NO_PIDS,
      })
      : { energyJoules: machineJoules, cpuShare: 1, ramShare: 1, gpuShare: 1 };
    // Ticks beyond the machine's busy ticks were spent in earlier intervals (a member read late): their energy.
    const lateCpuJoules = this.options.task ? this.lateCpuTime.take(taskCpuTicks, interval.busyTicks, machineJoules.cpu) : 0;
    const attribution: TaskAttribution = lateCpuJoules > 0
      ? { ...inInterval, energyJoules: { ...inInterval.energyJoules, cpu: inInterval.energyJoules.cpu + lateCpuJoules } }
      : inInterval;

    const fullLength = intervalMs >= MIN_BASELINE_INTERVAL_SHARE * this.machine.intervalMs;
    for (const component of COMPONENTS) {
      this.machineJoules[component] += machineJoules[component];
      this.taskJoules[component] += attribution.energyJoules[component];
      // An interval at 0 J was not measured (a source with nothing to hold): it is no idle time either.
      if (intervalMs > 0 && interval.measuredComponents.has(component) && machineJoules[component] > 0) {
        const baselines = fullLength ? this.idleWatts : this.shortIntervalIdleWatts;
        const idle = updateIdleBaselineWatts(baselines.get(component), wattsFromJoules(machineJoules[component], intervalMs), interval.modelIdleWatts[component]);
        if (idle !== undefined) baselines.set(component, idle);
        this.integratedMs[component] += intervalMs;
      }
    }
    const { utilizationPercent, memory } = interval;
    this.cpuUtilization.add(utilizationPercent.cpu);
    this.gpuUtilization.add(utilizationPercent.gpu);
    this.ramUsed.add(memory?.usedGiB);
    if (memory) this.ramTotalGiB = memory.totalGiB;
    if (interval.gpuDevices) this.gpuDevices = interval.gpuDevices;

    const watts = (joules: Readonly<Record<ComponentKind, number>>): ComponentPowerWatts => ({
      cpu: wattsFromJoules(joules.cpu, intervalMs), gpu: wattsFromJoules(joules.gpu, intervalMs), ram: wattsFromJoules(joules.ram, intervalMs),
    });
    const taskEnergyKWh = kWhFromJoules(this.taskJoules.cpu + this.taskJoules.gpu + this.taskJoules.ram);
    const sample: RunSample = {
      timestampMs: interval.timestampMs,
      intervalMs,
      machinePowerWatts: watts(machineJoules),
      taskPowerWatts: watts(attribution.energyJoules),
      taskEnergyKWh,
      emissionsKg: this.emissionsKgFor(taskEnergyKWh),
      cpuUtilizationPercent: utilizationPercent.cpu,
      gpuUtilizationPercent: utilizationPercent.gpu,
      ramUsedGiB: memory?.usedGiB,
      taskCpuShare: attribution.cpuShare,
    };
    this.lastSample = sample;
    for (const failure of interval.failures) this.failureEmitter.fire(failure);
    this.sampleEmitter.fire(sample);
  }

  private idleBaselineWatts(component: ComponentKind): number | undefined {
    return this.idleWatts.get(component) ?? this.shortIntervalIdleWatts.get(component);
  }

  private emissionsKgFor(energyKWh: number): number {
    return (energyKWh * this.options.pue * this.options.intensityGramsPerKWh) / GRAMS_PER_KG;
  }
}
