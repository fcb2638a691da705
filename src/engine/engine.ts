import { join } from 'node:path';
import { Disposable } from './events';
import { RunHeader, summariseSources } from './buildRunRecord';
import { IntensityData, loadIntensityData } from './intensity/intensityTable';
import { LocationInput, ResolvedLocation, resolveLocation } from './intensity/location';
import { DEFAULT_ZONE_TAB_PATH, systemTimeZone } from './intensity/timeZoneCountry';
import { createNvidiaSmiSource } from './powerSources/nvidiaSmi';
import { createAmdHwmonSource } from './powerSources/amdHwmon';
import type { PowerDiagnostics } from './powerSources/powerSource';
import { selectPowerSources, SelectedPowerSources } from './powerSources/selectPowerSources';
import { readCpuPowerRows } from './powerSources/cpuPowerTable';
import { createProcessTreeTracker } from './attribution/processTree';
import { CLOCK_TICKS_PER_SECOND } from './attribution/procPidStat';
import { appendEmissionsCsv, describeCsvAppendFailure } from './reports/csvReport';
import type { RunRecord, TrackingMode } from './reports/runRecord';
import { createRunStore, RunStore, StoreWriteFailure } from './runStore';
import { RunSession, RunSink } from './runSession';
import { Sampler } from './sampler';
import { flushWhileFailing } from './storage/flushWhileFailing';
import { describeStoreFailure } from './storage/storeFailureMessage';
import { MachineSampler } from './machineSampler';
import { HostFacts, readHostFacts } from './system/machineFacts';
import { randomUuid } from './system/randomIds';
import { exportRunToPushgateway, PushgatewayConfig, retryQueuedPushes } from './export/runMetricsExporter';
import { readRunContext, RunContext } from './runContext/runContext';
import { EmbodiedData, loadEmbodiedData } from './lifecycle/embodiedData';

/** Where the engine reads the machine and writes its runs. Real defaults live in the callers only. */
export interface EngineOptions {
  /** The shipped `data/` folder. */
  readonly dataDir: string;
  /** Runs go to `<storageDir>/runs/`, the CodeCarbon-compatible CSV to `<storageDir>/emissions.csv`. */
  readonly storageDir: string;
  readonly sysfsRoot: string;
  readonly procRoot: string;
  readonly nvidiaSmiPath: string;
  readonly zoneTabPath?: string;
  readonly intervalMs: number;
}

/** What a caller asks to measure. */
export interface RunRequest {
  readonly command: string;
  readonly projectName: string;
  readonly experimentName: string;
  readonly trackingMode: TrackingMode;
  readonly location: ResolvedLocation;
  /** The root of the tracked process tree; required in `process` mode. */
  readonly rootPid?: number;
  /**
   * The kernel's final CPU ticks of the root, when the caller spawned it and has reaped it
   * (the `readOwnChildrenCpuTicks` difference around the run).
   */
  readonly readRootTotalCpuTicks?: () => Promise<number | undefined>;
  /** Where the command runs: its git commit and branch go in the record. Omitted: no run context. */
  readonly workingDirectory?: string;
  /** Names instead of pseudonyms for the user and host (the user's own choice). */
  readonly readableIds?: boolean;
  /** Where the finished run's metrics are pushed; none when omitted. */
  readonly pushgateway?: PushgatewayConfig;
}

export interface EngineMessages {
  /** Storage or CSV problems: the run is kept, and the user should know. */
  readonly onWarning: (message: string) => void;
  /** How the user picks another store folder, named in storage errors (`--out DIR`, a setting). */
  readonly otherStorageFolder?: string;
}

/** How often writes that storage refused are retried, so a record in memory reaches the disk without waiting for the next run. */
const STORE_RETRY_INTERVAL_MS = 5_000;

/**
 * The engine's composition: loads data on first use, selects power sources once, and starts measured
 * runs that are stored as they go. Shared by the CLI and the extension.
 */
export class CarbonEngine implements Disposable {
  private intensityData: IntensityData | undefined;
  private embodied: EmbodiedData | undefined;
  private runStore: RunStore | undefined;
  private hostFactsPromise: Promise<HostFacts> | undefined;
  private sourcesPromise: Promise<{ sources: SelectedPowerSources; diagnostics: PowerDiagnostics }> | undefined;
  private machinePromise: Promise<MachineSampler> | undefined;
  private readonly disposables: Disposable[] = [];
  /** Pushgateway pushes in flight, so the CLI can wait for them before it exits. */
  private readonly exports = new Set<Promise<void>>();
  private retriedQueuedPushes = false;

  constructor(readonly options: EngineOptions, private readonly messages: EngineMessages) {}

  /** Intensity, cloud-region, CPU and equivalents tables, read on first use. */
  get data(): IntensityData {
    this.intensityData ??= loadIntensityData(this.options.dataDir);
    return this.intensityData;
  }

  /** Devices' embodied emissions and lifetimes (data/embodied.json), read on first use. */
  get embodiedData(): EmbodiedData {
    this.embodied ??= loadEmbodiedData(this.options.dataDir);
    return this.embodied;
  }

  get store(): RunStore {
    if (!this.runStore) {
      this.runStore = createRunStore({ directory: this.options.storageDir, emissionsCsvPath: this.emissionsCsvPath });
      // One warning per failure episode of a run (the store fires once, not on every retry); it names the path and the fix.
      this.disposables.push(this.runStore, this.runStore.onDidFail((failure: StoreWriteFailure) => {
        this.messages.onWarning(describeStoreFailure(failure, this.messages.otherStorageFolder ?? 'another storage folder'));
      }), flushWhileFailing(this.runStore, { intervalMs: STORE_RETRY_INTERVAL_MS }));
    }
    return this.runStore;
  }

  get emissionsCsvPath(): string {
    return join(this.options.storageDir, 'emissions.csv');
  }

  hostFacts(): Promise<HostFacts> {
    this.hostFactsPromise ??= readHostFacts({ procRoot: this.options.procRoot, sysfsRoot: this.options.sysfsRoot });
    return this.hostFactsPromise;
  }

  /** Probes every source once; later calls share the result. */
  powerSources(): Promise<{ sources: SelectedPowerSources; diagnostics: PowerDiagnostics }> {
    const data = (): IntensityData => this.data;
    this.sourcesPromise ??= this.hostFacts().then(async (facts) => {
      const selected = await selectPowerSources({
        sysfsRoot: this.options.sysfsRoot,
        procRoot: this.options.procRoot,
        nvidiaSmiPath: this.options.nvidiaSmiPath,
        cpuModelName: facts.cpuModel,
        vcpuCount: facts.cpuCount,
        cloudProvider: facts.cloudProvider,
        data: {
          // Only the rows that can match this CPU are parsed; the whole table is loaded only if the file is not as shipped.
          cpuPower: { rowsMatching: (filter) => readCpuPowerRows(join(this.options.dataDir, 'cpuPower.json'), filter, () => this.data.cpuPower) },
          // Read only on a cloud VM, where the models use it.
          get cloudCpuCoefficients() { return data().cloudCpuCoefficients; },
        },
        gpuFactories: {
          nvidia: () => createNvidiaSmiSource({ nvidiaSmiPath: this.options.nvidiaSmiPath, intervalMs: this.options.intervalMs }),
          amd: () => createAmdHwmonSource({ sysfsRoot: this.options.sysfsRoot }),
        },
      });
      const { cpu, gpu, ram } = selected.sources;
      for (const source of [cpu, ...gpu, ram]) if (source) this.disposables.push(source);
      return selected;
    });
    return this.sourcesPromise;
  }

  /**
   * The one reader of the power sources, shared by every run of this engine: runs that overlap in time
   * each get the machine's energy of their own span. Its timer runs only while a run is active.
   */
  machineSampler(): Promise<MachineSampler> {
    this.machinePromise ??= this.powerSources().then(({ sources }) => {
      const machine = new MachineSampler({ sources, procRoot: this.options.procRoot, intervalMs: this.options.intervalMs });
      this.disposables.push(machine, machine.onDidReportProblem((problem) => this.messages.onWarning(problem)));
      return machine;
    });
    return this.machinePromise;
  }

  /** Location, grid intensity and PUE, from explicit choices down to a time-zone guess. */
  resolveLocation(input: Pick<LocationInput, 'flags' | 'settings' | 'env' | 'configDir'>): ResolvedLocation {
    return resolveLocation({
      ...input,
      timeZone: systemTimeZone(),
      zoneTabPath: this.options.zoneTabPath ?? DEFAULT_ZONE_TAB_PATH,
    }, this.data);
  }

  /** Starts measuring; the returned session stores samples as they come and the record when finished. */
  async startRun(request: RunRequest): Promise<RunSession> {
    if (request.trackingMode === 'process' && request.rootPid === undefined) {
      throw new Error('process tracking needs the root process id');
    }
    const context: Promise<RunContext | undefined> = request.workingDirectory === undefined
      ? Promise.resolve(undefined)
      : readRunContext({ workingDirectory: request.workingDirectory, readableIds: request.readableIds === true }).catch(() => undefined);
    const [facts, { sources, diagnostics }, machine, runContext] = await Promise.all([this.hostFacts(), this.powerSources(), this.machineSampler(), context]);
    if (request.pushgateway) this.retryQueuedPushesOnce(request.pushgateway);
    const header: RunHeader = {
      formatVersion: 1,
      id: randomUuid(),
      projectName: request.projectName,
      experimentName: request.experimentName,
      command: request.command,
      status: 'running',
      startedAtMs: Date.now(),
      trackingMode: request.trackingMode,
      location: request.location.location,
      intensity: request.location.intensity,
      pue: request.location.pue,
      machine: {
        hostname: facts.hostname, os: facts.os, cpuModel: facts.cpuModel, cpuCount: facts.cpuCount,
        gpuCount: 0, gpuModel: '', ramTotalGiB: facts.ramTotalGiB, onCloud: facts.cloudProvider !== undefined,
      },
      sources: summariseSources(diagnostics.components),
      ...(runContext ? { context: runContext } : {}),
    };
    const tracker = request.trackingMode === 'process' && request.rootPid !== undefined
      ? createProcessTreeTracker({ procRoot: this.options.procRoot, rootPid: request.rootPid })
      : undefined;
    const sampler = new Sampler({
      machine,
      task: tracker,
      intensityGramsPerKWh: request.location.intensity.gramsPerKWh,
      pue: request.location.pue,
    });
    // Our own children's CPU total also grows by every helper we spawn and reap (nvidia-smi's per-read
    // process query), so it is the tree's exact total only when no source spawns helpers.
    const rootTotalIsExact = !sources.gpu.some((source) => source.id === 'nvidia-smi');
    return RunSession.start({
      header,
      sampler,
      sink: this.createSink(request.pushgateway),
      ticksPerSecond: CLOCK_TICKS_PER_SECOND,
      resources: tracker ? [tracker] : [],
      readFinalTaskCpuTicks: tracker
        ? async () => (await tracker.finish(rootTotalIsExact ? await request.readRootTotalCpuTicks?.() : undefined)).cpuTicks
        : undefined,
    });
  }

  dispose(): void {
    // Last created first: the machine sampler stops before the sources it reads are disposed.
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }

  /**
   * Resolves once every Pushgateway push started so far has landed or been queued. The CLI waits for it
   * before exiting; each push is bounded by its timeout, so this never holds a run for long.
   */
  async settleExports(): Promise<void> {
    while (this.exports.size > 0) await Promise.all([...this.exports]);
  }

  /** Pushes earlier runs left queued (a gateway that was down), once per engine, beside the first run. */
  private retryQueuedPushesOnce(config: PushgatewayConfig): void {
    if (this.retriedQueuedPushes) return;
    this.retriedQueuedPushes = true;
    this.track(retryQueuedPushes(config, this.options.storageDir).then((outcome) => {
      if (outcome.message) this.messages.onWarning(outcome.message);
    }));
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch(() => undefined).finally(() => this.exports.delete(tracked));
    this.exports.add(tracked);
  }

  private createSink(pushgateway: PushgatewayConfig | undefined): RunSink {
    const store = this.store;
    return {
      // A write that fails is reported through onDidFail above; the data stays in the store's memory.
      begin: async (header) => {
        await store.beginRun(header);
      },
      append: (runId, sample, totals) => void store.appendSample(runId, sample, totals),
      // The record and the CSV row are independent files: written side by side, the CSV is done while the record syncs.
      finish: async (record: RunRecord) => {
        const writeRecord = store.finishRun(record);
        const appendCsv = appendEmissionsCsv(this.emissionsCsvPath, record).then(
          (csv) => { if (csv.message) this.messages.onWarning(csv.message); },
          (error: unknown) => this.messages.onWarning(describeCsvAppendFailure(this.emissionsCsvPath, record.id, error)),
        );
        await Promise.all([writeRecord, appendCsv]);
        // After the record is stored, never before: a push that fails is queued and retried, the run is safe.
        if (pushgateway) {
          this.track(exportRunToPushgateway(record, pushgateway, this.options.storageDir).then((outcome) => {
            if (outcome.message) this.messages.onWarning(outcome.message);
          }));
        }
      },
    };
  }
}
