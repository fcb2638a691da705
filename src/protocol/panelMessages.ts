/**
 * The messages between the extension host and the Carbon Meter panel, the `…View` types they carry,
 * and the validators each end runs on what it receives. Imports nothing, so the webview bundle stays
 * dependency-free and the engine can change shape without breaking the panel: `panel/` maps engine
 * objects onto these views.
 *
 * Conversation: the panel sends `ready`; the host answers with `snapshot`, then streams `sample` and
 * `runFinished`, and sends a fresh `snapshot` when a run starts or the panel asks to `refresh`.
 */

import {
  checkMessage, Checked, describeValue, Malformed, optional, orUndefined, readArray, readBoolean, readBoundedText, readFields, readInteger,
  readEnum, readNonEmptyText, readNonNegative, readNumber,
} from './messageFields';

/** Bumped whenever a message or view changes shape; the panel sends it in `ready`. */
export const PROTOCOL_VERSION = 1;

/** Longest text any field may hold, in UTF-16 code units. */
export const MAX_STRING_LENGTH = 10_000;
/** Longest run id or source id. */
export const MAX_ID_LENGTH = 200;
/** Most samples one RunView carries; the host thins longer runs before sending them. */
export const MAX_SAMPLES = 10_000;
/** Most past runs a snapshot lists. */
export const MAX_RUN_SUMMARIES = 1_000;
/** Bound for the short lists: sources, equivalents, diagnosed components and their attempts. */
export const MAX_SHORT_LIST = 32;

export type ComponentKindView = 'cpu' | 'gpu' | 'ram';
export type RunStatusView = 'running' | 'finished' | 'interrupted' | 'failed';
/** `process`: the task's process tree's share; `machine`: the whole machine. */
export type TrackingModeView = 'process' | 'machine';
export type EquivalentIdView = 'car-km' | 'tv-hours' | 'household-days';
export type ReportFormat = 'csv' | 'json' | 'html' | 'md';

export const REPORT_FORMATS: readonly ReportFormat[] = ['csv', 'json', 'html', 'md'];
const COMPONENT_KINDS: readonly ComponentKindView[] = ['cpu', 'gpu', 'ram'];
const RUN_STATUSES: readonly RunStatusView[] = ['running', 'finished', 'interrupted', 'failed'];
const TRACKING_MODES: readonly TrackingModeView[] = ['process', 'machine'];
const EQUIVALENT_IDS: readonly EquivalentIdView[] = ['car-km', 'tv-hours', 'household-days'];

/** Power of each component, in watts. */
export interface ComponentPowerWattsView {
  readonly cpu: number;
  readonly gpu: number;
  readonly ram: number;
}

/** Energy of each component, in kWh. */
export interface ComponentEnergyKWhView {
  readonly cpu: number;
  readonly gpu: number;
  readonly ram: number;
}

/** One sampling interval of a run. Times are epoch milliseconds. */
export interface SampleView {
  readonly runId: string;
  readonly timestampMs: number;
  readonly intervalMs: number;
  /** Power of the tracked mode (the task's share, or the whole machine) by component. */
  readonly powerWatts: ComponentPowerWattsView;
  /** Tracked-mode energy since the run started, all components, before PUE. */
  readonly energyKWh: number;
  /** Emissions since the run started: energy × PUE × intensity. */
  readonly emissionsKg: number;
  readonly cpuUtilizationPercent: number | undefined;
  readonly gpuUtilizationPercent: number | undefined;
}

/** One run as the history list and the status line show it. */
export interface RunSummaryView {
  readonly id: string;
  readonly projectName: string;
  readonly experimentName: string;
  readonly command: string;
  readonly status: RunStatusView;
  readonly exitCode: number | undefined;
  readonly startedAtMs: number;
  /** For a running run, the time of its latest sample. */
  readonly endedAtMs: number;
  readonly durationSeconds: number;
  readonly trackingMode: TrackingModeView;
  /** Tracked-mode energy, all components, before PUE. */
  readonly energyKWh: number;
  readonly emissionsKg: number;
  readonly pue: number;
  readonly intensityGramsPerKWh: number;
  /** Where the run was counted, e.g. "France (FRA)" or "gcp:europe-west1". */
  readonly locationLabel: string;
  /** True when any component's figure comes from a model rather than a sensor. */
  readonly estimated: boolean;
}

/** The source that measured one component of a run. */
export interface SourceView {
  readonly component: ComponentKindView;
  /** Undefined when nothing could measure this component (e.g. no GPU). */
  readonly sourceId: string | undefined;
  readonly estimated: boolean;
  readonly description: string;
}

/** The run's emissions in one everyday comparison's units. */
export interface EquivalentView {
  readonly id: EquivalentIdView;
  /** What one unit is, e.g. "km driven by an average car". */
  readonly label: string;
  readonly amount: number;
  readonly source: string;
}

/** One device's part of a finished run's embodied emissions (SCI: M = TE × TR/EL × RR). */
export interface EmbodiedItemView {
  readonly label: string;
  readonly embodiedKg: number;
  /** Each figure of the formula with its source, as one line. */
  readonly method: string;
}

/** A finished run's embodied share beside its operational CO₂e. */
export interface EmbodiedView {
  readonly embodiedKg: number;
  readonly operationalKg: number;
  readonly items: readonly EmbodiedItemView[];
}

/** One run in full: what the panel's charts and figures draw. */
export interface RunView {
  readonly summary: RunSummaryView;
  readonly componentEnergyKWh: ComponentEnergyKWhView;
  readonly averagePowerWatts: ComponentPowerWattsView;
  /** Where the intensity figure comes from, e.g. "Ember 2023 via OWID (CC BY 4.0)". */
  readonly intensitySource: string;
  readonly sources: readonly SourceView[];
  readonly equivalents: readonly EquivalentView[];
  readonly samples: readonly SampleView[];
  /** Finished runs only (it grows with time while a run goes on); absent when it could not be computed. */
  readonly embodied?: EmbodiedView;
}

/** One source that was considered for a component. */
export interface SourceAttemptView {
  readonly sourceId: string;
  readonly accepted: boolean;
  /** Why it was rejected, or what it measures when accepted. */
  readonly detail: string;
  /** A command or step that would make a rejected source usable. */
  readonly fix: string | undefined;
}

/** Which source measures one component, why, and what else was tried. */
export interface ComponentDiagnosticsView {
  readonly component: ComponentKindView;
  readonly inUse: string | undefined;
  readonly estimated: boolean;
  readonly description: string;
  readonly attempts: readonly SourceAttemptView[];
}

export interface DiagnosticsView {
  readonly components: readonly ComponentDiagnosticsView[];
}

/** One week's totals over the store's runs (the week starts Monday 00:00 UTC). */
export interface WeekTotalsView {
  readonly weekStartMs: number;
  readonly runs: number;
  readonly energyKWh: number;
  readonly emissionsKg: number;
}

/** A task's totals across its runs, for the top tasks. */
export interface TaskTotalsView {
  readonly project: string;
  readonly task: string;
  readonly runs: number;
  readonly energyKWh: number;
  readonly emissionsKg: number;
}

/** The store's runs as `carbon-meter report --group-by project` sums them: the latest weeks and the top tasks. */
export interface ProjectsView {
  readonly weeks: readonly WeekTotalsView[];
  readonly topTasks: readonly TaskTotalsView[];
}

/** Host → panel. */
export type HostToPanelMessage =
  | {
    readonly type: 'snapshot';
    /** The run being tracked, or undefined when none is. */
    readonly run: RunView | undefined;
    readonly recentRuns: readonly RunSummaryView[];
    /** Undefined until the power sources have been probed. */
    readonly diagnostics: DiagnosticsView | undefined;
    /** Weekly trend and top tasks of the stored runs; absent from older hosts. */
    readonly projects?: ProjectsView;
  }
  | { readonly type: 'sample'; readonly sample: SampleView }
  | { readonly type: 'runFinished'; readonly summary: RunSummaryView }
  /** The answer to `selectRun`. */
  | { readonly type: 'runDetails'; readonly run: RunView };

/** Panel → host. */
export type PanelToHostMessage =
  | { readonly type: 'ready'; readonly protocolVersion: number }
  | { readonly type: 'refresh' }
  | { readonly type: 'selectRun'; readonly runId: string }
  | { readonly type: 'exportReport'; readonly runId: string; readonly format: ReportFormat }
  /** Opens the full power-source diagnostics (the `doctor` output) in the editor. */
  | { readonly type: 'openDiagnostics' };

/** Ends an exhaustive `switch`: the compiler rejects the call while a case is missing. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

/** Returns the message, or undefined when `raw` is not a well-formed host → panel message. Never throws. */
export function parseHostToPanel(raw: unknown): HostToPanelMessage | undefined {
  return orUndefined(() => readHostToPanel(raw));
}

/** Returns the message, or undefined when `raw` is not a well-formed panel → host message. Never throws. */
export function parsePanelToHost(raw: unknown): PanelToHostMessage | undefined {
  return orUndefined(() => readPanelToHost(raw));
}

/** As parseHostToPanel, with the reason when the message is dropped. Never throws. */
export function checkHostToPanel(raw: unknown): Checked<HostToPanelMessage> {
  return checkMessage(raw, readHostToPanel);
}

/** As parsePanelToHost, with the reason when the message is dropped, for the host's log. Never throws. */
export function checkPanelToHost(raw: unknown): Checked<PanelToHostMessage> {
  return checkMessage(raw, readPanelToHost);
}

function readHostToPanel(raw: unknown): HostToPanelMessage {
  const fields = readFields(raw);
  const type = fields.type;
  switch (type) {
    case 'snapshot':
      return {
        type,
        run: optional(fields.run, readRun),
        recentRuns: readArray(fields.recentRuns, MAX_RUN_SUMMARIES, readRunSummary),
        diagnostics: optional(fields.diagnostics, readDiagnostics),
        ...(fields.projects === undefined ? {} : { projects: readProjects(fields.projects) }),
      };
    case 'sample':
      return { type, sample: readSample(fields.sample) };
    case 'runFinished':
      return { type, summary: readRunSummary(fields.summary) };
    case 'runDetails':
      return { type, run: readRun(fields.run) };
    default:
      throw new Malformed(`unknown type ${describeValue(type)}`);
  }
}

function readPanelToHost(raw: unknown): PanelToHostMessage {
  const fields = readFields(raw);
  const type = fields.type;
  switch (type) {
    case 'ready':
      return { type, protocolVersion: readInteger(fields.protocolVersion, 0, Number.MAX_SAFE_INTEGER) };
    case 'refresh':
    case 'openDiagnostics':
      return { type };
    case 'selectRun':
      return { type, runId: readId(fields.runId) };
    case 'exportReport':
      return { type, runId: readId(fields.runId), format: readEnum(fields.format, REPORT_FORMATS) };
    default:
      throw new Malformed(`unknown type ${describeValue(type)}`);
  }
}

function readRun(raw: unknown): RunView {
  const fields = readFields(raw);
  return {
    summary: readRunSummary(fields.summary),
    componentEnergyKWh: readComponents(fields.componentEnergyKWh),
    averagePowerWatts: readComponents(fields.averagePowerWatts),
    intensitySource: readText(fields.intensitySource),
    sources: readArray(fields.sources, MAX_SHORT_LIST, readSource),
    equivalents: readArray(fields.equivalents, MAX_SHORT_LIST, readEquivalent),
    samples: readArray(fields.samples, MAX_SAMPLES, readSample),
    ...(fields.embodied === undefined ? {} : { embodied: readEmbodied(fields.embodied) }),
  };
}

function readProjects(raw: unknown): ProjectsView {
  const fields = readFields(raw);
  return {
    weeks: readArray(fields.weeks, MAX_SHORT_LIST, (week) => {
      const weekFields = readFields(week);
      return {
        weekStartMs: readNonNegative(weekFields.weekStartMs),
        runs: readInteger(weekFields.runs, 0, Number.MAX_SAFE_INTEGER),
        energyKWh: readNonNegative(weekFields.energyKWh),
        emissionsKg: readNonNegative(weekFields.emissionsKg),
      };
    }),
    topTasks: readArray(fields.topTasks, MAX_SHORT_LIST, (task) => {
      const taskFields = readFields(task);
      return {
        project: readText(taskFields.project),
        task: readText(taskFields.task),
        runs: readInteger(taskFields.runs, 0, Number.MAX_SAFE_INTEGER),
        energyKWh: readNonNegative(taskFields.energyKWh),
        emissionsKg: readNonNegative(taskFields.emissionsKg),
      };
    }),
  };
}

function readEmbodied(raw: unknown): EmbodiedView {
  const fields = readFields(raw);
  return {
    embodiedKg: readNonNegative(fields.embodiedKg),
    operationalKg: readNonNegative(fields.operationalKg),
    items: readArray(fields.items, MAX_SHORT_LIST, (item) => {
      const itemFields = readFields(item);
      return { label: readText(itemFields.label), embodiedKg: readNonNegative(itemFields.embodiedKg), method: readText(itemFields.method) };
    }),
  };
}

function readRunSummary(raw: unknown): RunSummaryView {
  const fields = readFields(raw);
  return {
    id: readId(fields.id),
    projectName: readText(fields.projectName),
    experimentName: readText(fields.experimentName),
    command: readText(fields.command),
    status: readEnum(fields.status, RUN_STATUSES),
    // Exit codes are 0–255 on POSIX but full 32-bit values on Windows (e.g. 0xC0000005).
    exitCode: optional(fields.exitCode, (value) => readInteger(value, -(2 ** 31), 2 ** 32 - 1)),
    startedAtMs: readNonNegative(fields.startedAtMs),
    endedAtMs: readNonNegative(fields.endedAtMs),
    durationSeconds: readNonNegative(fields.durationSeconds),
    trackingMode: readEnum(fields.trackingMode, TRACKING_MODES),
    energyKWh: readNonNegative(fields.energyKWh),
    emissionsKg: readNonNegative(fields.emissionsKg),
    pue: readNumber(fields.pue, 1, Number.MAX_VALUE),
    intensityGramsPerKWh: readNonNegative(fields.intensityGramsPerKWh),
    locationLabel: readText(fields.locationLabel),
    estimated: readBoolean(fields.estimated),
  };
}

function readSample(raw: unknown): SampleView {
  const fields = readFields(raw);
  return {
    runId: readId(fields.runId),
    timestampMs: readNonNegative(fields.timestampMs),
    intervalMs: readNonNegative(fields.intervalMs),
    powerWatts: readComponents(fields.powerWatts),
    energyKWh: readNonNegative(fields.energyKWh),
    emissionsKg: readNonNegative(fields.emissionsKg),
    cpuUtilizationPercent: optional(fields.cpuUtilizationPercent, readPercent),
    gpuUtilizationPercent: optional(fields.gpuUtilizationPercent, readPercent),
  };
}

function readComponents(raw: unknown): ComponentPowerWattsView & ComponentEnergyKWhView {
  const fields = readFields(raw);
  return { cpu: readNonNegative(fields.cpu), gpu: readNonNegative(fields.gpu), ram: readNonNegative(fields.ram) };
}

function readSource(raw: unknown): SourceView {
  const fields = readFields(raw);
  return {
    component: readEnum(fields.component, COMPONENT_KINDS),
    sourceId: optional(fields.sourceId, readId),
    estimated: readBoolean(fields.estimated),
    description: readText(fields.description),
  };
}

function readEquivalent(raw: unknown): EquivalentView {
  const fields = readFields(raw);
  return {
    id: readEnum(fields.id, EQUIVALENT_IDS),
    label: readText(fields.label),
    amount: readNonNegative(fields.amount),
    source: readText(fields.source),
  };
}

function readDiagnostics(raw: unknown): DiagnosticsView {
  const fields = readFields(raw);
  return { components: readArray(fields.components, MAX_SHORT_LIST, readComponentDiagnostics) };
}

function readComponentDiagnostics(raw: unknown): ComponentDiagnosticsView {
  const fields = readFields(raw);
  return {
    component: readEnum(fields.component, COMPONENT_KINDS),
    inUse: optional(fields.inUse, readId),
    estimated: readBoolean(fields.estimated),
    description: readText(fields.description),
    attempts: readArray(fields.attempts, MAX_SHORT_LIST, readSourceAttempt),
  };
}

function readSourceAttempt(raw: unknown): SourceAttemptView {
  const fields = readFields(raw);
  return {
    sourceId: readId(fields.sourceId),
    accepted: readBoolean(fields.accepted),
    detail: readText(fields.detail),
    fix: optional(fields.fix, readText),
  };
}

function readPercent(value: unknown): number {
  return readNumber(value, 0, 100);
}

function readText(value: unknown): string {
  return readBoundedText(value, MAX_STRING_LENGTH);
}

function readId(value: unknown): string {
  return readNonEmptyText(value, MAX_ID_LENGTH);
}
