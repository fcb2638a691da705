// The panel's state and the one function that changes it: each host message or user action gives a
// new state and the messages to send back. DOM-free: unit-tested in plain Node.
import {
  assertNever,
  MAX_RUN_SUMMARIES,
  type DiagnosticsView,
  type HostToPanelMessage,
  type PanelToHostMessage,
  type ProjectsView,
  type ReportFormat,
  type RunSummaryView,
  type RunView,
} from '../protocol/panelMessages';
import { applySample, learnEquivalentFactors, type EquivalentFactors } from './liveRun';
import { MAX_CHART_POINTS, thinEvenly } from './samples';

export interface PanelState {
  /** The run being tracked, or the last one tracked while the panel was open. */
  readonly live: RunView | undefined;
  /** A run the user picked from the history; undefined shows `live`. */
  readonly selectedRunId: string | undefined;
  /** The picked run's details, once the host has sent them. */
  readonly selected: RunView | undefined;
  readonly recentRuns: readonly RunSummaryView[];
  /** Weekly trend and top tasks of the stored runs, as of the last snapshot. */
  readonly projects: ProjectsView | undefined;
  readonly diagnostics: DiagnosticsView | undefined;
  readonly equivalentFactors: EquivalentFactors;
  /** A `refresh` is on its way, so stray samples do not ask again. */
  readonly refreshRequested: boolean;
}

/** What can happen to the panel: a host message, or something the user did. */
export type PanelEvent =
  | { readonly type: 'host'; readonly message: HostToPanelMessage }
  | { readonly type: 'selectRun'; readonly runId: string }
  | { readonly type: 'showLive' }
  | { readonly type: 'refresh' }
  | { readonly type: 'export'; readonly format: ReportFormat }
  | { readonly type: 'openDiagnostics' };

export interface Transition {
  readonly state: PanelState;
  readonly outgoing: readonly PanelToHostMessage[];
}

/** The run the panel shows, if any. */
export type ShownRun =
  | { readonly kind: 'none' }
  | { readonly kind: 'run'; readonly run: RunView; readonly live: boolean }
  /** A picked run whose details are on their way; its history entry, when known, fills the figures. */
  | { readonly kind: 'loading'; readonly runId: string; readonly summary: RunSummaryView | undefined };

export const INITIAL_PANEL_STATE: PanelState = {
  live: undefined,
  selectedRunId: undefined,
  selected: undefined,
  recentRuns: [],
  projects: undefined,
  diagnostics: undefined,
  equivalentFactors: {},
  refreshRequested: false,
};

export function shownRun(state: PanelState): ShownRun {
  if (state.selectedRunId !== undefined) {
    if (state.selected?.summary.id === state.selectedRunId) return { kind: 'run', run: state.selected, live: false };
    return { kind: 'loading', runId: state.selectedRunId, summary: state.recentRuns.find((run) => run.id === state.selectedRunId) };
  }
  return state.live ? { kind: 'run', run: state.live, live: true } : { kind: 'none' };
}

/** The run the export buttons act on: the shown one, once it has finished. */
export function exportableRunId(state: PanelState): string | undefined {
  const shown = shownRun(state);
  const summary = shown.kind === 'run' ? shown.run.summary : shown.kind === 'loading' ? shown.summary : undefined;
  return summary && summary.status !== 'running' ? summary.id : undefined;
}

export function reducePanel(state: PanelState, event: PanelEvent): Transition {
  switch (event.type) {
    case 'host':
      return reduceHostMessage(state, event.message);
    case 'selectRun':
      if (event.runId === state.live?.summary.id) return stay({ ...state, selectedRunId: undefined, selected: undefined });
      if (event.runId === state.selectedRunId) return stay(state);
      return {
        state: { ...state, selectedRunId: event.runId, selected: undefined },
        outgoing: [{ type: 'selectRun', runId: event.runId }],
      };
    case 'showLive':
      return stay({ ...state, selectedRunId: undefined, selected: undefined });
    case 'refresh':
      return { state: { ...state, refreshRequested: true }, outgoing: [{ type: 'refresh' }] };
    case 'export': {
      const runId = exportableRunId(state);
      return { state, outgoing: runId === undefined ? [] : [{ type: 'exportReport', runId, format: event.format }] };
    }
    case 'openDiagnostics':
      return { state, outgoing: [{ type: 'openDiagnostics' }] };
    default:
      return assertNever(event);
  }
}

function reduceHostMessage(state: PanelState, message: HostToPanelMessage): Transition {
  switch (message.type) {
    case 'snapshot':
      return reduceSnapshot(state, message.run, message.recentRuns, message.diagnostics, message.projects);
    case 'sample': {
      const { live } = state;
      const sample = message.sample;
      if (live && sample.runId === live.summary.id) {
        // A sample of a run that has finished arrived late: the final figures already count it.
        if (live.summary.status !== 'running') return stay(state);
        return stay({ ...state, live: applySample(live, sample, state.equivalentFactors) });
      }
      // A run this panel has not heard of: it started while the snapshot was on its way. Ask once.
      if (state.refreshRequested) return stay(state);
      return { state: { ...state, refreshRequested: true }, outgoing: [{ type: 'refresh' }] };
    }
    case 'runFinished': {
      const summary = message.summary;
      const recentRuns = upsertSummary(state.recentRuns, summary);
      const next = {
        ...state,
        recentRuns,
        selected: state.selected?.summary.id === summary.id ? { ...state.selected, summary } : state.selected,
      };
      if (state.live?.summary.id !== summary.id) return stay(next);
      // The final record has the settled figures (the tail after the last sample, final equivalents).
      return {
        state: { ...next, live: finishRun(state.live, summary, state.equivalentFactors) },
        outgoing: [{ type: 'selectRun', runId: summary.id }],
      };
    }
    case 'runDetails': {
      const run = thinRun(message.run);
      const id = run.summary.id;
      const isSelected = id === state.selectedRunId;
      const isLive = id === state.live?.summary.id;
      // An answer to a request the user has since moved on from.
      if (!isSelected && !isLive) return stay(state);
      return stay({
        ...state,
        selected: isSelected ? run : state.selected,
        live: isLive ? run : state.live,
        equivalentFactors: learnEquivalentFactors(state.equivalentFactors, run),
      });
    }
    default:
      return assertNever(message);
  }
}

function reduceSnapshot(
  state: PanelState,
  run: RunView | undefined,
  recentRuns: readonly RunSummaryView[],
  diagnostics: DiagnosticsView | undefined,
  projects: ProjectsView | undefined,
): Transition {
  const outgoing: PanelToHostMessage[] = [];
  let live = state.live;
  let selectedRunId = state.selectedRunId;
  let selected = state.selected;
  let equivalentFactors = state.equivalentFactors;

  if (run) {
    // A new run takes the panel over from whatever past run was being looked at.
    if (run.summary.id !== live?.summary.id) {
      selectedRunId = undefined;
      selected = undefined;
    }
    live = thinRun(run);
    equivalentFactors = learnEquivalentFactors(equivalentFactors, live);
  } else if (live?.summary.status === 'running') {
    // It finished while the panel was hidden: take its final summary, and its details if listed.
    const summary = recentRuns.find((candidate) => candidate.id === live?.summary.id);
    if (summary) {
      live = finishRun(live, summary, equivalentFactors);
      outgoing.push({ type: 'selectRun', runId: summary.id });
    }
  }

  const newest = newestRun(recentRuns);
  if (!live && selectedRunId === undefined && newest) selectedRunId = newest.id;
  if (selectedRunId !== undefined && selected?.summary.id !== selectedRunId) {
    selected = undefined;
    outgoing.push({ type: 'selectRun', runId: selectedRunId });
  }

  return {
    state: { ...state, live, selectedRunId, selected, recentRuns, projects, diagnostics, equivalentFactors, refreshRequested: false },
    outgoing,
  };
}

function finishRun(run: RunView, summary: RunSummaryView, factors: EquivalentFactors): RunView {
  return {
    ...run,
    summary,
    equivalents: run.equivalents.map((equivalent) => {
      const factor = factors[equivalent.id];
      return factor === undefined ? equivalent : { ...equivalent, amount: summary.emissionsKg * factor };
    }),
  };
}

/** The run with at most MAX_CHART_POINTS samples, so every later update stays cheap. */
export function thinRun(run: RunView, maxPoints = MAX_CHART_POINTS): RunView {
  const samples = thinEvenly(run.samples, maxPoints);
  return samples === run.samples ? run : { ...run, samples };
}

function upsertSummary(runs: readonly RunSummaryView[], summary: RunSummaryView): RunSummaryView[] {
  const index = runs.findIndex((run) => run.id === summary.id);
  if (index >= 0) return runs.map((run, at) => (at === index ? summary : run));
  return [summary, ...runs].slice(0, MAX_RUN_SUMMARIES);
}

function newestRun(runs: readonly RunSummaryView[]): RunSummaryView | undefined {
  let newest: RunSummaryView | undefined;
  for (const run of runs) if (!newest || run.startedAtMs > newest.startedAtMs) newest = run;
  return newest;
}

function stay(state: PanelState): Transition {
  return { state, outgoing: [] };
}
