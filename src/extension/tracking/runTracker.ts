import { basename } from 'node:path';
import * as vscode from 'vscode';
import { readWorkspaceConfig } from '../../engine/config/workspaceConfig';
import { CarbonEngine, EngineOptions } from '../../engine/engine';
import type { ResolvedLocation } from '../../engine/intensity/location';
import type { RunRecord, RunSample, RunStatus } from '../../engine/reports/runRecord';
import type { RunSession } from '../../engine/runSession';
import { DisposableObject } from '../disposableObject';
import type { CarbonMeterSettings } from '../settings/parseSettings';

/** What the task and terminal trackers ask to measure. */
export interface StartRunRequest {
  /** Where the run came from, shown in pickers. */
  readonly origin: 'task' | 'terminal';
  /** The command line, as the task defines it or as the user typed it. */
  readonly command: string;
  /** Task name, or "terminal"; CodeCarbon's experiment. */
  readonly experimentName: string;
  /** Root of the tracked process tree: the task's process or the terminal's shell. */
  readonly rootPid: number;
}

/** A run being measured now. */
export interface ActiveRun {
  readonly id: string;
  readonly origin: StartRunRequest['origin'];
  readonly command: string;
  readonly session: RunSession;
  readonly engine: CarbonEngine;
  readonly location: ResolvedLocation;
  latestSample: RunSample | undefined;
}

/** Where the engine reads the machine and keeps runs; the composition root fills in the real paths. */
export interface RunTrackerEnvironment {
  readonly dataDir: string;
  /** Used when `carbonMeter.storageLocation` is empty. */
  readonly defaultStorageDir: string;
  readonly sysfsRoot: string;
  readonly procRoot: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where `.carbon-meter.json` is looked for, and the project's name. */
  readonly workspaceDir: () => string | undefined;
  /**
   * Whether the workspace is trusted: only then may its `.carbon-meter.json` send runs to a Pushgateway.
   * Omitted: untrusted.
   */
  readonly isWorkspaceTrusted?: () => boolean;
  readonly showWarning: (message: string) => void;
}

/**
 * The extension's side of the engine: one engine for the current settings, the runs measured now
 * (any number, overlapping in time), and events the status bar and the panel draw from.
 */
export class RunTracker extends DisposableObject {
  private engine: CarbonEngine | undefined;
  private engineKey = '';
  private cachedLocation: ResolvedLocation | undefined;
  private readonly runs = new Map<string, ActiveRun>();
  private readonly shownLocationWarnings = new Set<string>();

  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  /** A run started or finished. */
  readonly onDidChangeRuns = this.changeEmitter.event;
  private readonly sampleEmitter = this.register(new vscode.EventEmitter<{ run: ActiveRun; sample: RunSample }>());
  readonly onDidSample = this.sampleEmitter.event;
  private readonly finishEmitter = this.register(new vscode.EventEmitter<RunRecord>());
  readonly onDidFinishRun = this.finishEmitter.event;

  constructor(private settings: CarbonMeterSettings, private readonly environment: RunTrackerEnvironment) {
    super();
    this.register({ dispose: () => this.disposeEngines() });
  }

  get activeRuns(): readonly ActiveRun[] {
    return [...this.runs.values()];
  }

  /** Settings changed: later runs use them; runs already going keep what they started with. */
  updateSettings(settings: CarbonMeterSettings): void {
    this.settings = settings;
    this.cachedLocation = undefined;
  }

  /** The engine for the current settings; created on first use, so activation stays cheap. */
  currentEngine(): CarbonEngine {
    const options: EngineOptions = {
      dataDir: this.environment.dataDir,
      storageDir: this.settings.storageLocation ?? this.environment.defaultStorageDir,
      sysfsRoot: this.environment.sysfsRoot,
      procRoot: this.environment.procRoot,
      nvidiaSmiPath: this.settings.nvidiaSmiPath,
      intervalMs: this.settings.samplingIntervalMs,
    };
    const key = JSON.stringify(options);
    if (!this.engine || key !== this.engineKey) {
      const previous = this.engine;
      this.engine = new CarbonEngine(options, {
        onWarning: (message) => this.environment.showWarning(message),
        otherStorageFolder: 'the carbonMeter.storageLocation setting',
      });
      this.engineKey = key;
      if (previous) this.disposeWhenIdle(previous);
    }
    return this.engine;
  }

  /** Grid intensity and PUE for the current settings, resolved once per settings change. */
  location(): ResolvedLocation {
    if (!this.cachedLocation) {
      const { country, region, cloud, pue } = this.settings;
      this.cachedLocation = this.currentEngine().resolveLocation({
        settings: { country, region, cloud, pue },
        env: this.environment.env,
        configDir: this.environment.workspaceDir(),
      });
      for (const warning of this.cachedLocation.warnings) {
        if (this.shownLocationWarnings.has(warning)) continue;
        this.shownLocationWarnings.add(warning);
        this.environment.showWarning(warning);
      }
    }
    return this.cachedLocation;
  }

  /** Starts measuring a process tree. Resolves to undefined, after telling the user why, if it cannot. */
  async start(request: StartRunRequest): Promise<ActiveRun | undefined> {
    let engine: CarbonEngine;
    let location: ResolvedLocation;
    let session: RunSession;
    try {
      engine = this.currentEngine();
      location = this.location();
      const workspaceDir = this.environment.workspaceDir();
      // Its warnings were shown with the location's, which reads the same file.
      const workspace = workspaceDir ? readWorkspaceConfig(workspaceDir).config : {};
      const pushgatewayUrl = this.settings.pushgatewayUrl ?? (this.environment.isWorkspaceTrusted?.() ? workspace.pushgateway : undefined);
      session = await engine.startRun({
        command: request.command,
        projectName: workspace.project ?? (workspaceDir ? basename(workspaceDir) : 'carbon-meter'),
        experimentName: workspace.experiment ?? request.experimentName,
        trackingMode: this.settings.trackingMode,
        location,
        rootPid: request.rootPid,
        workingDirectory: workspaceDir,
        readableIds: this.settings.readableIds,
        pushgateway: pushgatewayUrl === undefined ? undefined : { url: pushgatewayUrl },
      });
    } catch (error) {
      this.environment.showWarning(`could not start measuring "${request.command}": ${(error as Error).message}`);
      return undefined;
    }
    const run: ActiveRun = { id: session.header.id, origin: request.origin, command: request.command, session, engine, location, latestSample: undefined };
    this.runs.set(run.id, run);
    session.onDidSample((sample) => {
      run.latestSample = sample;
      this.sampleEmitter.fire({ run, sample });
    });
    this.changeEmitter.fire();
    return run;
  }

  /** Closes a run and stores its record; the record, or undefined if the run is not active. */
  async finish(runId: string, ending: { readonly exitCode: number | undefined; readonly status: RunStatus }): Promise<RunRecord | undefined> {
    const run = this.runs.get(runId);
    if (!run) return undefined;
    try {
      const record = await run.session.finish(ending);
      this.finishEmitter.fire(record);
      return record;
    } catch (error) {
      this.environment.showWarning(`could not finish run ${runId}: ${(error as Error).message}`);
      return undefined;
    } finally {
      this.runs.delete(runId);
      this.changeEmitter.fire();
      if (run.engine !== this.engine) this.disposeWhenIdle(run.engine);
    }
  }

  /** Closes every active run (at deactivation: their records are stored as interrupted). */
  async finishAll(status: RunStatus): Promise<void> {
    await Promise.all(this.activeRuns.map((run) => this.finish(run.id, { exitCode: undefined, status })));
  }

  private disposeWhenIdle(engine: CarbonEngine): void {
    if (![...this.runs.values()].some((run) => run.engine === engine)) engine.dispose();
  }

  private disposeEngines(): void {
    for (const run of this.runs.values()) run.session.dispose();
    this.runs.clear();
    this.engine?.dispose();
    this.engine = undefined;
  }
}
