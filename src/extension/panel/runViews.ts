/**
 * Maps engine objects onto the protocol's views, so the engine can change shape without breaking the
 * panel (STYLE.md §4). Pure: no `vscode`, unit-tested in plain Node.
 */
import type { Equivalent } from '../../engine/intensity/intensityTable';
import type { PowerDiagnostics } from '../../engine/powerSources/powerSource';
import { formatEmbodiedMethod } from '../../engine/lifecycle/formatEmbodied';
import type { RunEmbodied } from '../../engine/lifecycle/runEmbodied';
import { computeEquivalents } from '../../engine/reports/equivalents';
import { groupTeamRuns } from '../../engine/reports/team/groupTeamRuns';
import { teamRunsFromSummaries } from '../../engine/reports/team/teamRun';
import type { ComponentEnergyKWh, RunHeader, RunLocation, RunRecord, RunSample, RunSourceSummary } from '../../engine/reports/runRecord';
import { summarizeRun, type RunSummary } from '../../engine/runStore';
import type { SamplerTotals } from '../../engine/sampler';
import { mergeRunSamplesToAtMost } from '../../engine/series/mergeRunSamples';
import { JOULES_PER_KWH } from '../../engine/units';
import {
  DiagnosticsView, MAX_ID_LENGTH, MAX_RUN_SUMMARIES, MAX_SAMPLES, MAX_SHORT_LIST, MAX_STRING_LENGTH, ProjectsView, RunSummaryView, RunView, SampleView,
} from '../../protocol/panelMessages';

/**
 * "France (FRA)", "CA, United States (USA)" or "gcp:europe-west1 (Belgium)"; a location guessed from the
 * time zone says so, since its intensity may be far from the real one.
 */
export function locationLabel(location: RunLocation): string {
  const country = `${location.countryName} (${location.countryIso3})`;
  const place = location.cloudProvider
    ? `${location.cloudProvider}:${location.cloudRegion ?? '?'} (${location.countryName})`
    : location.region ? `${location.region}, ${country}` : country;
  return location.basis === 'time-zone-guess' ? `${place}, guessed from the time zone` : place;
}

/** A string the protocol's validator accepts: long command lines are cut, never rejected. */
function bounded(text: string, max = MAX_STRING_LENGTH): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One interval as the charts draw it: the tracked mode's power (the task's share, or the machine). */
export function sampleView(runId: string, sample: RunSample): SampleView {
  return {
    runId,
    timestampMs: sample.timestampMs,
    intervalMs: sample.intervalMs,
    powerWatts: clampComponents(sample.taskPowerWatts),
    energyKWh: nonNegative(sample.taskEnergyKWh),
    emissionsKg: nonNegative(sample.emissionsKg),
    cpuUtilizationPercent: percent(sample.cpuUtilizationPercent),
    gpuUtilizationPercent: percent(sample.gpuUtilizationPercent),
  };
}

/** One run of the store's list, as the history shows it. */
export function summaryViewFromStore(summary: RunSummary): RunSummaryView {
  return {
    id: summary.id.slice(0, MAX_ID_LENGTH),
    projectName: bounded(summary.projectName),
    experimentName: bounded(summary.experimentName),
    command: bounded(summary.command),
    status: summary.status,
    exitCode: summary.exitCode,
    startedAtMs: nonNegative(summary.startedAtMs),
    endedAtMs: nonNegative(summary.endedAtMs),
    durationSeconds: nonNegative(summary.durationSeconds),
    trackingMode: summary.trackingMode,
    energyKWh: nonNegative(summary.energyKWh),
    emissionsKg: nonNegative(summary.emissionsKg),
    pue: Math.max(1, summary.pue),
    intensityGramsPerKWh: nonNegative(summary.intensityGramsPerKWh),
    locationLabel: bounded(locationLabel(summary.location)),
    estimated: summary.estimated,
  };
}

/** A finished run's summary, as the store will list it. */
export function summaryViewFromRecord(record: RunRecord): RunSummaryView {
  return summaryViewFromStore(summarizeRun(record));
}

export function summaryViewsFromStore(summaries: readonly RunSummary[]): RunSummaryView[] {
  return summaries.slice(0, MAX_RUN_SUMMARIES).map(summaryViewFromStore);
}

/** A finished (or recovered) run in full; with its embodied share when the caller could compute it. */
export function runViewFromRecord(record: RunRecord, equivalents: readonly Equivalent[], embodied?: RunEmbodied): RunView {
  return {
    summary: summaryViewFromRecord(record),
    componentEnergyKWh: clampComponents(record.taskEnergyKWh),
    averagePowerWatts: clampComponents(record.averagePowerWatts),
    intensitySource: bounded(intensitySource(record.intensity)),
    sources: sourceViews(record.sources),
    equivalents: equivalentViews(record.emissionsKg, equivalents),
    samples: chartSamples(record.samples).map((sample) => sampleView(record.id, sample)),
    ...(embodied ? { embodied: embodiedView(embodied) } : {}),
  };
}

export function embodiedView(embodied: RunEmbodied): NonNullable<RunView['embodied']> {
  return {
    embodiedKg: nonNegative(embodied.embodiedKg),
    operationalKg: nonNegative(embodied.operationalKg),
    items: embodied.items.map((item) => ({ label: bounded(item.label), embodiedKg: nonNegative(item.embodiedKg), method: bounded(formatEmbodiedMethod(item)) })),
  };
}

/** A run still being measured: its header, the samples so far and the sampler's running totals. */
export function runViewFromActive(
  header: RunHeader,
  samples: readonly RunSample[],
  totals: Pick<SamplerTotals, 'taskEnergyKWh' | 'emissionsKg' | 'durationMs'>,
  equivalents: readonly Equivalent[],
): RunView {
  const energyKWh = total(totals.taskEnergyKWh);
  const durationSeconds = totals.durationMs / 1000;
  const last = samples[samples.length - 1];
  const averageWatts = (kWh: number) => (durationSeconds > 0 ? (kWh * JOULES_PER_KWH) / durationSeconds : 0);
  return {
    summary: {
      id: header.id.slice(0, MAX_ID_LENGTH),
      projectName: bounded(header.projectName),
      experimentName: bounded(header.experimentName),
      command: bounded(header.command),
      status: 'running',
      exitCode: undefined,
      startedAtMs: header.startedAtMs,
      endedAtMs: last?.timestampMs ?? header.startedAtMs,
      durationSeconds: nonNegative(durationSeconds),
      trackingMode: header.trackingMode,
      energyKWh: nonNegative(energyKWh),
      emissionsKg: nonNegative(totals.emissionsKg),
      pue: Math.max(1, header.pue),
      intensityGramsPerKWh: nonNegative(header.intensity.gramsPerKWh),
      locationLabel: bounded(locationLabel(header.location)),
      estimated: header.sources.some((source) => source.estimated),
    },
    componentEnergyKWh: clampComponents(totals.taskEnergyKWh),
    averagePowerWatts: {
      cpu: averageWatts(totals.taskEnergyKWh.cpu),
      gpu: averageWatts(totals.taskEnergyKWh.gpu),
      ram: averageWatts(totals.taskEnergyKWh.ram),
    },
    intensitySource: bounded(intensitySource(header.intensity)),
    sources: sourceViews(header.sources),
    equivalents: equivalentViews(totals.emissionsKg, equivalents),
    samples: chartSamples(samples).map((sample) => sampleView(header.id, sample)),
  };
}

export function diagnosticsView(diagnostics: PowerDiagnostics): DiagnosticsView {
  return {
    components: diagnostics.components.slice(0, MAX_SHORT_LIST).map((component) => ({
      component: component.component,
      inUse: component.inUse,
      estimated: component.estimated,
      description: bounded(component.description),
      attempts: component.attempts.slice(0, MAX_SHORT_LIST).map((attempt) => ({
        sourceId: attempt.id,
        accepted: attempt.accepted,
        detail: bounded(attempt.detail),
        fix: attempt.fix === undefined ? undefined : bounded(attempt.fix),
      })),
    })),
  };
}

/**
 * Samples a RunView carries: what the panel's charts draw (600 points, src/webview/samples.ts), well
 * under the protocol's MAX_SAMPLES, so a snapshot of a 30-day run stays a few hundred kilobytes.
 */
export const MAX_VIEW_SAMPLES = Math.min(600, MAX_SAMPLES);

/**
 * A run's samples (already downsampled by the session, RUN_SERIES_TIERS) merged down to at most
 * MAX_VIEW_SAMPLES: the energy under the power curve and the last cumulative figures are kept.
 */
export function chartSamples(samples: readonly RunSample[], max = MAX_VIEW_SAMPLES): RunSample[] {
  return mergeRunSamplesToAtMost(samples, max);
}

function intensitySource(intensity: RunRecord['intensity']): string {
  const scope = { country: 'country grid', region: 'regional grid', 'cloud-region': 'cloud region', world: 'world average' }[intensity.scope];
  return `${intensity.source}${intensity.year === undefined ? '' : `, ${intensity.year}`} (${scope})`;
}

function sourceViews(sources: readonly RunSourceSummary[]): RunView['sources'] {
  return sources.slice(0, MAX_SHORT_LIST).map((source) => ({
    component: source.component,
    sourceId: source.sourceId,
    estimated: source.estimated,
    description: bounded(source.description),
  }));
}

function equivalentViews(emissionsKg: number, equivalents: readonly Equivalent[]): RunView['equivalents'] {
  return computeEquivalents(nonNegative(emissionsKg), { provenance: undefined, equivalents })
    .slice(0, MAX_SHORT_LIST)
    .map((amount) => ({ id: amount.id, label: bounded(amount.label), amount: amount.amount, source: bounded(amount.source) }));
}

function total(energy: ComponentEnergyKWh): number {
  return energy.cpu + energy.gpu + energy.ram;
}

function clampComponents(values: ComponentEnergyKWh): ComponentEnergyKWh {
  return { cpu: nonNegative(values.cpu), gpu: nonNegative(values.gpu), ram: nonNegative(values.ram) };
}

/** The protocol rejects negative or non-finite figures; the engine never makes them, but a view must never be dropped. */
function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function percent(value: number | undefined): number | undefined {
  return value === undefined || !Number.isFinite(value) ? undefined : Math.min(100, Math.max(0, value));
}

/** Weeks and tasks the panel shows: enough for "how is this project doing lately" at a glance. */
export const PROJECT_TREND_WEEKS = 8;
export const PROJECT_TOP_TASKS = 5;

/**
 * The store's runs summed as `carbon-meter report --group-by project` sums them (the same code): the
 * latest weeks, empty ones included, and the tasks that emitted most.
 */
export function projectsView(summaries: readonly RunSummary[]): ProjectsView {
  const report = groupTeamRuns(teamRunsFromSummaries(summaries, 'store'), ['project'], PROJECT_TOP_TASKS);
  return {
    weeks: report.weeks.slice(-PROJECT_TREND_WEEKS).map((week) => ({
      weekStartMs: week.weekStartMs, runs: week.runs, energyKWh: nonNegative(week.energyKWh), emissionsKg: nonNegative(week.emissionsKg),
    })),
    topTasks: report.topTasks.map((task) => ({
      project: bounded(task.project), task: bounded(task.task), runs: task.runs,
      energyKWh: nonNegative(task.energyKWh), emissionsKg: nonNegative(task.emissionsKg),
    })),
  };
}
