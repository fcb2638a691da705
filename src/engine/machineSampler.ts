import { join } from 'node:path';
import { Disposable, Emitter, Event } from './events';
import type { ComponentKind, GpuDeviceReading, GpuProcessReading, PowerReading, PowerSource } from './powerSources/powerSource';
import type { GpuDeviceEnergy } from './attribution/attributeEnergy';
import { KeptProcFile } from './system/keptProcFile';
import { cpuUtilizationBetween, MachineCpuTimes, parseProcStat } from './system/procStat';
import { MachineMemory, parseMemInfo } from './system/memInfo';
import { FailureCounted, SamplingProblemLog } from './samplingProblems';
import { checkedReading, ReadOutcome } from './checkedReading';
import { SamplerClock } from './samplerClock';
import { joulesFromWatts } from './units';

export { RECENT_PROBLEM_COUNT } from './samplingProblems';
export type { FailureCounted } from './samplingProblems';

/** The sources the sampler reads, one slot per component (GPUs may have several sources). */
export interface SelectedSources {
  readonly cpu?: PowerSource;
  readonly gpu: readonly PowerSource[];
  readonly ram?: PowerSource;
}

/** A source that failed at a reading, or corrected it, and why. */
export interface SourceFailure {
  readonly component: ComponentKind;
  readonly sourceId: string;
  readonly message: string;
  /**
   * What the interval counted for it: `held`, its last good power; `dropped`, nothing (no good reading yet, or
   * failing for longer than the hold limit); `corrected`, the reading itself, which the source worked around.
   */
  readonly counted: FailureCounted;
}

/**
 * A failing source's last good power is held this long at most (or 3 sampling intervals, if longer). Past it,
 * the source counts 0 W until it reads again: a power held for minutes after nvidia-smi died would be invented.
 */
export const MAX_HOLD_MS = 30_000;

/**
 * Power-only readings are integrated over this long at most (or 10 sampling intervals, if longer). A longer
 * interval means the process or the machine was paused (SIGSTOP, a suspended VM, a blocked event loop): the
 * power read after it says nothing of the pause. Counter energies are measured and count whatever the interval.
 */
export const MAX_INTEGRATED_INTERVAL_MS = 60_000;

/** What the whole machine did over one interval; every run measured over that interval gets the same one. */
export interface MachineInterval {
  /** Monotonic milliseconds at the end of the interval. */
  readonly endMs: number;
  readonly intervalMs: number;
  /** Wall-clock milliseconds since the epoch at the end of the interval. */
  readonly timestampMs: number;
  /** Energy of each component over the interval. */
  readonly energyJoules: Readonly<Record<ComponentKind, number>>;
  /** Components that have a source; the others (no GPU) are not integrated at all. */
  readonly measuredComponents: ReadonlySet<ComponentKind>;
  /** Per GPU, its power × the interval. */
  readonly gpuDeviceEnergy: readonly GpuDeviceEnergy[];
  /** The GPUs as reported at this interval's reading; undefined when no GPU source reported them. */
  readonly gpuDevices: readonly GpuDeviceReading[] | undefined;
  readonly gpuProcesses: readonly GpuProcessReading[];
  readonly utilizationPercent: Readonly<Partial<Record<ComponentKind, number>>>;
  /**
   * A model's own idle power, per component, where every source of the component is a model that gave one;
   * measured components are left out and take the lowest power seen instead.
   */
  readonly modelIdleWatts: Readonly<Partial<Record<ComponentKind, number>>>;
  /** Busy clock ticks of all CPUs over the interval, from /proc/stat; 0 when it could not be read. */
  readonly busyTicks: number;
  /** /proc/meminfo at the end; undefined when it could not be read. */
  readonly memory: MachineMemory | undefined;
  /** Sources that failed or corrected their reading at this interval (`counted` says what was counted). */
  readonly failures: readonly SourceFailure[];
  /** Set when the monotonic clock went back, or jumped far ahead, over this interval: what was done about it. */
  readonly clockFault?: string;
}

/** A run fed by the machine sampler. The sampler calls it inside its ticks, one tick at a time. */
export interface IntervalListener {
  /**
   * Reads what the run needs at the tick's instant, next to the machine's sources (its process tree).
   * Must not throw.
   */
  readAtTick(): Promise<void>;
  /** The run starts now: the tick that read it closed every other run's interval at this instant. */
  begin(startMs: number): void;
  /** One interval of the run ended; `last`: the run leaves after it. Must not throw. */
  take(interval: MachineInterval, last: boolean): void;
}

export interface MachineSamplerOptions {
  readonly sources: SelectedSources;
  readonly procRoot: string;
  readonly intervalMs: number;
  /** Monotonic milliseconds; injectable so tests control time. */
  readonly monotonicNowMs?: () => number;
  readonly wallClockMs?: () => number;
}

const zeroByComponent = (): Record<ComponentKind, number> => ({ cpu: 0, gpu: 0, ram: 0 });

/**
 * Reads the machine once per tick for every run measured at the time. Power sources keep state between
 * reads (a RAPL read returns the energy since the previous read, the CPU model the utilisation since its
 * previous /proc/stat), so there is one reader of them per engine: each tick reads every source,
 * /proc/stat and /proc/meminfo once and hands the same interval to every active run, which attributes it
 * to its own process tree. A run that starts or stops between ticks takes a tick of its own at that
 * instant, which closes the current interval for the others, so no run is credited energy from outside
 * its span. The timer runs only while a run is active. Ticks never overlap and never throw: a failing
 * source holds its last good power and is reported with the interval.
 */
export class MachineSampler implements Disposable {
  private readonly failureEmitter = new Emitter<SourceFailure>();
  private readonly problemEmitter = new Emitter<string>();
  /** Every failed reading, whichever runs it affects. */
  readonly onDidFailSource: Event<SourceFailure> = this.failureEmitter.event;
  /**
   * What a user should be told, once per episode: a source that starts failing, gives up its held power or
   * recovers, a corrected counter, a clock that jumped.
   */
  readonly onDidReportProblem: Event<string> = this.problemEmitter.event;

  readonly intervalMs: number;
  private readonly wallClock: () => number;
  private readonly sources: readonly PowerSource[];
  private readonly measuredComponents: ReadonlySet<ComponentKind>;
  private readonly statFile: KeptProcFile;
  private readonly memInfoFile: KeptProcFile;
  private readonly listeners = new Set<IntervalListener>();
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  /** End of the last tick; the start of the interval the next tick closes. */
  private lastAt = 0;
  private lastCpuTimes: MachineCpuTimes | undefined;
  private readonly lastGoodPowerWatts = new Map<PowerSource, number>();
  /** When each source last read well (sampler clock). */
  private readonly lastGoodAtMs = new Map<PowerSource, number>();
  private readonly clock: SamplerClock;
  private readonly problems = new SamplingProblemLog();
  /**
   * Energy credited to a counter source from its last good power while its reads failed. Its next good
   * reading covers the whole gap, so that credit is taken back from it rather than counted twice.
   */
  private readonly heldJoules = new Map<PowerSource, number>();
  /** Sources that report measured energy (counters) rather than power alone. */
  private readonly counterSources = new Set<PowerSource>();
  /**
   * Sources whose reading failed when sampling (re)started: a counter's next good reading covers time
   * back to a read before the start, so only its average power is used for that interval.
   */
  private readonly unprimed = new Set<PowerSource>();

  constructor(private readonly options: MachineSamplerOptions) {
    this.intervalMs = options.intervalMs;
    this.clock = new SamplerClock(options.monotonicNowMs ?? (() => performance.now()), Math.max(MAX_INTEGRATED_INTERVAL_MS, 10 * options.intervalMs));
    this.wallClock = options.wallClockMs ?? (() => Date.now());
    const { cpu, gpu, ram } = options.sources;
    this.sources = [...(cpu ? [cpu] : []), ...gpu, ...(ram ? [ram] : [])];
    this.measuredComponents = new Set(this.sources.map((source) => source.component));
    this.statFile = new KeptProcFile(join(options.procRoot, 'stat'));
    this.memInfoFile = new KeptProcFile(join(options.procRoot, 'meminfo'));
  }

  /** The last problems reported (at most {@link RECENT_PROBLEM_COUNT}), oldest first, with their wall-clock time: for a diagnostics page. */
  get recentProblems(): readonly { readonly atMs: number; readonly message: string }[] {
    return this.problems.recent;
  }

  /** Runs measured now. */
  get activeRunCount(): number {
    return this.listeners.size;
  }

  /** Whether the periodic timer is set: true exactly while a run is active. */
  get isSampling(): boolean {
    return this.timer !== undefined;
  }

  /**
   * Adds a run. The tick it takes closes the interval of the runs already active at this instant and
   * primes the sources when it is the only one; the run's first interval starts there.
   */
  attach(listener: IntervalListener): Promise<void> {
    return this.enqueue(() => this.tick(listener, undefined));
  }

  /** Takes a last interval for every active run now, `listener` included, then removes `listener`. */
  detach(listener: IntervalListener): Promise<void> {
    return this.enqueue(() => (this.listeners.has(listener) ? this.tick(undefined, listener) : Promise.resolve()));
  }

  /** Removes a run without a last interval (a run abandoned without being finished). */
  remove(listener: IntervalListener): void {
    if (this.listeners.delete(listener) && this.listeners.size === 0) this.goIdle();
  }

  /** Closes the current interval for every active run now, outside the timer. */
  sampleNow(): Promise<void> {
    return this.enqueue(() => this.tick(undefined, undefined));
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.goIdle();
    this.failureEmitter.dispose();
    this.problemEmitter.dispose();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    // Chained so two ticks never overlap: counter sources must see their reads one after another.
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async tick(joining: IntervalListener | undefined, leaving: IntervalListener | undefined): Promise<void> {
    if (this.disposed) return;
    const active = [...this.listeners];
    if (active.length === 0 && !joining) return;
    const cpuTimes = this.readCpuTimes();
    const memory = this.readMemory();
    const [outcomes] = await Promise.all([
      Promise.all(this.sources.map((source) => this.readSource(source, { cpuTimes, memory }))),
      ...active.map((listener) => listener.readAtTick()),
      joining?.readAtTick(),
    ]);
    if (this.disposed) return;
    const { at, clockFault } = this.clock.tick(this.lastAt, active.length > 0);
    const readings = outcomes.map((outcome) => outcome.reading);
    const { failures, dropped } = this.failuresOf(outcomes, at);
    if (clockFault) this.reportProblem(clockFault);
    if (active.length > 0) {
      const interval = this.integrate(readings, cpuTimes, memory, at, { failures, dropped, clockFault });
      for (const listener of active) {
        try {
          listener.take(interval, listener === leaving);
        } catch {
          // take() must not throw; if one does, the other runs still get their interval.
        }
      }
    } else {
      this.prime(readings, cpuTimes, at);
    }
    for (const failure of failures) this.failureEmitter.fire(failure);
    if (joining) {
      joining.begin(at);
      this.listeners.add(joining);
    }
    if (leaving) this.listeners.delete(leaving);
    if (this.listeners.size === 0) this.goIdle();
    else this.reschedule();
  }

  /** The first tick after idling: its readings only set the sources' starting points. */
  private prime(readings: readonly (PowerReading | undefined)[], cpuTimes: MachineCpuTimes | undefined, at: number): void {
    this.lastAt = at;
    this.lastCpuTimes = cpuTimes;
    this.heldJoules.clear();
    this.unprimed.clear();
    this.sources.forEach((source, index) => {
      if (!readings[index]) this.unprimed.add(source);
    });
  }

  private reportProblem(message: string): void {
    this.problems.remember(this.wallClock(), message);
    this.problemEmitter.fire(message);
  }

  private get holdLimitMs(): number {
    return Math.max(MAX_HOLD_MS, 3 * this.intervalMs);
  }

  /** The failures of this tick, with what each interval counts for them, and the lines to report. */
  private failuresOf(outcomes: readonly ReadOutcome[], at: number): { failures: SourceFailure[]; dropped: Set<PowerSource> } {
    const failures: SourceFailure[] = [];
    const dropped = new Set<PowerSource>();
    this.sources.forEach((source, index) => {
      const outcome = outcomes[index];
      const base = { component: source.component, sourceId: source.id };
      const report = (lines: readonly string[]): void => { for (const line of lines) this.reportProblem(line); };
      if (outcome?.reading) {
        this.lastGoodAtMs.set(source, at);
        report(this.problems.recovered(source, at));
        for (const message of outcome.reading.notices ?? []) {
          failures.push({ ...base, message, counted: 'corrected' });
          report(this.problems.failed(source, message, 'corrected', at, 0));
        }
        return;
      }
      const message = outcome?.error ?? 'no reading';
      const lastGoodAt = this.lastGoodAtMs.get(source);
      const heldWatts = this.lastGoodPowerWatts.get(source);
      const counted = heldWatts !== undefined && lastGoodAt !== undefined && at - lastGoodAt <= this.holdLimitMs ? 'held' : 'dropped';
      failures.push({ ...base, message, counted });
      if (counted === 'dropped') dropped.add(source);
      report(this.problems.failed(source, message, counted, at, heldWatts ?? 0));
    });
    return { failures, dropped };
  }

  private integrate(
    readings: readonly (PowerReading | undefined)[],
    cpuTimes: MachineCpuTimes | undefined,
    memory: MachineMemory | undefined,
    at: number,
    faults: { failures: readonly SourceFailure[]; dropped: ReadonlySet<PowerSource>; clockFault: string | undefined },
  ): MachineInterval {
    const { failures, dropped, clockFault } = faults;
    const intervalMs = at - this.lastAt;
    const integratedMs = Math.min(intervalMs, this.clock.maxIntegratedMs);
    this.lastAt = at;
    const energyJoules = zeroByComponent();
    const gpuDeviceEnergy: GpuDeviceEnergy[] = [];
    const gpuProcesses: GpuProcessReading[] = [];
    const utilizationPercent: Partial<Record<ComponentKind, number>> = {};
    const modelIdleWatts: Partial<Record<ComponentKind, number>> = {};
    const measured = new Set<ComponentKind>();
    let gpuDevices: GpuDeviceReading[] | undefined;
    this.sources.forEach((source, index) => {
      const reading = readings[index];
      // A failed reading holds the source's last good power for this interval rather than a silent 0 W, up to the hold limit.
      const powerWatts = reading?.powerWatts ?? (dropped.has(source) ? 0 : this.lastGoodPowerWatts.get(source) ?? 0);
      energyJoules[source.component] += this.intervalJoules(source, reading, powerWatts, integratedMs);
      if (reading?.utilizationPercent !== undefined) utilizationPercent[source.component] = reading.utilizationPercent;
      if (reading?.idlePowerWatts !== undefined) modelIdleWatts[source.component] = (modelIdleWatts[source.component] ?? 0) + reading.idlePowerWatts;
      else measured.add(source.component);
      for (const device of reading?.devices ?? []) {
        gpuDeviceEnergy.push({ deviceId: device.deviceId, energyJoules: joulesFromWatts(device.powerWatts, integratedMs) });
      }
      if (reading?.devices) (gpuDevices ??= []).push(...reading.devices);
      gpuProcesses.push(...(reading?.processes ?? []));
    });
    // A model's idle power is used only when every source of the component is a model that gave one.
    for (const component of measured) delete modelIdleWatts[component];

    let busyTicks = 0;
    if (cpuTimes && this.lastCpuTimes) {
      // Counters that went back (a CPU taken offline takes its idle time with it) give 0, never a negative share.
      busyTicks = Math.max(0, cpuTimes.busyTicks - this.lastCpuTimes.busyTicks);
      if (cpuTimes.totalTicks > this.lastCpuTimes.totalTicks) utilizationPercent.cpu ??= 100 * cpuUtilizationBetween(this.lastCpuTimes, cpuTimes);
    }
    if (cpuTimes) this.lastCpuTimes = cpuTimes;

    return {
      endMs: at,
      intervalMs,
      timestampMs: this.wallClock(),
      energyJoules,
      measuredComponents: this.measuredComponents,
      gpuDeviceEnergy,
      gpuDevices,
      gpuProcesses,
      utilizationPercent,
      modelIdleWatts,
      busyTicks,
      memory,
      failures,
      clockFault,
    };
  }

  private intervalJoules(source: PowerSource, reading: PowerReading | undefined, powerWatts: number, intervalMs: number): number {
    if (reading && this.unprimed.delete(source) && reading.energyJoules !== undefined) {
      this.counterSources.add(source);
      this.heldJoules.delete(source);
      return joulesFromWatts(reading.powerWatts, intervalMs);
    }
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

  private async readSource(
    source: PowerSource,
    machine: { cpuTimes: MachineCpuTimes | undefined; memory: MachineMemory | undefined },
  ): Promise<ReadOutcome> {
    try {
      const reading = checkedReading(await source.read(machine));
      this.lastGoodPowerWatts.set(source, reading.powerWatts);
      return { reading };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  private readCpuTimes(): MachineCpuTimes | undefined {
    try {
      return parseProcStat(this.statFile.read());
    } catch {
      return undefined;
    }
  }

  private readMemory(): MachineMemory | undefined {
    try {
      return parseMemInfo(this.memInfoFile.read());
    } catch {
      return undefined;
    }
  }

  private reschedule(): void {
    if (this.timer) clearTimeout(this.timer);
    // A timeout chained after each tick rather than setInterval: a slow reading delays the next one instead of
    // piling up, and a tick taken for a run that started or stopped restarts the period.
    const dueIn = Math.max(0, this.lastAt + this.intervalMs - this.clock.now());
    this.timer = setTimeout(() => void this.sampleNow(), dueIn);
    this.timer.unref();
  }

  /** No run left: stop the timer and let go of what only served the next reading. */
  private goIdle(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastCpuTimes = undefined;
    this.heldJoules.clear();
    this.statFile.close();
    this.memInfoFile.close();
    for (const source of this.sources) source.suspend?.();
  }
}
