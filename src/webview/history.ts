// The history list: past runs grouped by project, then experiment, with totals per group.
// DOM-free: unit-tested in plain Node.
import type { RunSummaryView } from '../protocol/panelMessages';

/** What a group of runs adds up to. Energy before PUE, emissions with it, as in each run. */
export interface HistoryTotals {
  readonly energyKWh: number;
  readonly emissionsKg: number;
  readonly runCount: number;
}

export interface ExperimentGroup {
  readonly experimentName: string;
  readonly totals: HistoryTotals;
  /** Newest first. */
  readonly runs: readonly RunSummaryView[];
}

export interface ProjectGroup {
  readonly projectName: string;
  readonly totals: HistoryTotals;
  /** The experiment with the newest run first. */
  readonly experiments: readonly ExperimentGroup[];
}

/**
 * Groups runs by project, then by experiment. Projects and experiments are ordered by their newest
 * run, newest first, so the work going on now stays on top; runs within an experiment are newest first.
 * A run id listed twice counts once (the later entry wins), so totals never double-count.
 */
export function groupHistory(runs: readonly RunSummaryView[]): ProjectGroup[] {
  const byId = new Map<string, RunSummaryView>();
  for (const run of runs) byId.set(run.id, run);
  const newestFirst = [...byId.values()].sort((a, b) => b.startedAtMs - a.startedAtMs || compareText(a.id, b.id));

  const projects = new Map<string, Map<string, RunSummaryView[]>>();
  for (const run of newestFirst) {
    let experiments = projects.get(run.projectName);
    if (!experiments) projects.set(run.projectName, (experiments = new Map()));
    let experimentRuns = experiments.get(run.experimentName);
    if (!experimentRuns) experiments.set(run.experimentName, (experimentRuns = []));
    experimentRuns.push(run);
  }

  // Maps keep insertion order, and runs were inserted newest first.
  return [...projects].map(([projectName, experiments]) => {
    const experimentGroups = [...experiments].map(([experimentName, experimentRuns]) => ({
      experimentName,
      totals: totalsOf(experimentRuns),
      runs: experimentRuns,
    }));
    return { projectName, totals: addTotals(experimentGroups.map((group) => group.totals)), experiments: experimentGroups };
  });
}

/** `runs` with `summary` in place of the entry with its id, or first when none has it. */
export function withRun(runs: readonly RunSummaryView[], summary: RunSummaryView): RunSummaryView[] {
  const index = runs.findIndex((run) => run.id === summary.id);
  return index < 0 ? [summary, ...runs] : runs.map((run, at) => (at === index ? summary : run));
}

export function totalsOf(runs: readonly RunSummaryView[]): HistoryTotals {
  let energyKWh = 0;
  let emissionsKg = 0;
  for (const run of runs) {
    energyKWh += run.energyKWh;
    emissionsKg += run.emissionsKg;
  }
  return { energyKWh, emissionsKg, runCount: runs.length };
}

function addTotals(parts: readonly HistoryTotals[]): HistoryTotals {
  return parts.reduce(
    (sum, part) => ({
      energyKWh: sum.energyKWh + part.energyKWh,
      emissionsKg: sum.emissionsKg + part.emissionsKg,
      runCount: sum.runCount + part.runCount,
    }),
    { energyKWh: 0, emissionsKg: 0, runCount: 0 },
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
