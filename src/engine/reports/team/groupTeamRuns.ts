import type { TeamRun } from './teamRun';

export const GROUP_KEYS = ['project', 'experiment', 'task'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

export interface RunTotals {
  readonly runs: number;
  readonly energyKWh: number;
  readonly emissionsKg: number;
  readonly durationSeconds: number;
}

export interface RunGroup extends RunTotals {
  /** The group's value for each key, in the order asked. */
  readonly values: readonly string[];
}

/** Totals of one ISO week (Monday 00:00 UTC), for the trend. */
export interface WeekTotals extends RunTotals {
  readonly weekStartMs: number;
}

export interface TeamReport {
  readonly groupBy: readonly GroupKey[];
  /** Largest emissions first. */
  readonly groups: readonly RunGroup[];
  readonly total: RunTotals;
  /** Oldest week first; weeks without runs are included so a chart has no gaps. */
  readonly weeks: readonly WeekTotals[];
  /** The tasks with the largest emissions, across groups. */
  readonly topTasks: readonly (RunTotals & { readonly project: string; readonly task: string })[];
  readonly firstEndedAtMs: number | undefined;
  readonly lastEndedAtMs: number | undefined;
}

const WEEK_MS = 7 * 86_400_000;
// 1970-01-01 was a Thursday: Monday 1970-01-05 starts the week grid.
const FIRST_MONDAY_MS = 4 * 86_400_000;
const MAX_WEEKS = 520;

export function weekStartMs(epochMs: number): number {
  return FIRST_MONDAY_MS + Math.floor((epochMs - FIRST_MONDAY_MS) / WEEK_MS) * WEEK_MS;
}

class Accumulator {
  runs = 0;
  energyKWh = 0;
  emissionsKg = 0;
  durationSeconds = 0;
  add(run: TeamRun): void {
    this.runs++;
    this.energyKWh += run.energyKWh;
    this.emissionsKg += run.emissionsKg;
    this.durationSeconds += run.durationSeconds;
  }
  totals(): RunTotals {
    return { runs: this.runs, energyKWh: this.energyKWh, emissionsKg: this.emissionsKg, durationSeconds: this.durationSeconds };
  }
}

function accumulate<K>(map: Map<K, Accumulator>, key: K, run: TeamRun): void {
  let accumulator = map.get(key);
  if (!accumulator) {
    accumulator = new Accumulator();
    map.set(key, accumulator);
  }
  accumulator.add(run);
}

/** Groups runs by any of project, experiment and task, with the total, a weekly trend and the top tasks. */
export function groupTeamRuns(runs: readonly TeamRun[], groupBy: readonly GroupKey[], topTaskCount = 5): TeamReport {
  const groups = new Map<string, Accumulator>();
  const weeks = new Map<number, Accumulator>();
  const tasks = new Map<string, Accumulator>();
  const total = new Accumulator();
  let first: number | undefined;
  let last: number | undefined;
  for (const run of runs) {
    total.add(run);
    accumulate(groups, JSON.stringify(groupBy.map((key) => run[key])), run);
    accumulate(weeks, weekStartMs(run.endedAtMs), run);
    if (run.task !== '') accumulate(tasks, JSON.stringify([run.project, run.task]), run);
    first = first === undefined ? run.endedAtMs : Math.min(first, run.endedAtMs);
    last = last === undefined ? run.endedAtMs : Math.max(last, run.endedAtMs);
  }
  const byEmissions = (a: RunTotals, b: RunTotals): number => b.emissionsKg - a.emissionsKg || b.energyKWh - a.energyKWh;
  const weekList: WeekTotals[] = [];
  if (first !== undefined && last !== undefined) {
    // The trend covers at most ten years back from the last run, so one stray old timestamp cannot make it huge.
    const lastWeek = weekStartMs(last);
    const firstWeek = Math.max(weekStartMs(first), lastWeek - (MAX_WEEKS - 1) * WEEK_MS);
    for (let week = firstWeek; week <= lastWeek; week += WEEK_MS) {
      weekList.push({ weekStartMs: week, ...(weeks.get(week)?.totals() ?? { runs: 0, energyKWh: 0, emissionsKg: 0, durationSeconds: 0 }) });
    }
  }
  return {
    groupBy,
    groups: [...groups].map(([key, accumulator]) => ({ values: JSON.parse(key) as string[], ...accumulator.totals() })).sort(byEmissions),
    total: total.totals(),
    weeks: weekList,
    topTasks: [...tasks].map(([key, accumulator]) => {
      const [project, task] = JSON.parse(key) as [string, string];
      return { project, task, ...accumulator.totals() };
    }).sort(byEmissions).slice(0, topTaskCount),
    firstEndedAtMs: first,
    lastEndedAtMs: last,
  };
}

/** Parses `--group-by project,experiment`: known keys, no repeats, at least one. */
export function parseGroupBy(text: string): readonly GroupKey[] | string {
  const keys = text.split(',').map((key) => key.trim()).filter((key) => key !== '');
  if (keys.length === 0) return `--group-by needs one or more of ${GROUP_KEYS.join(', ')}`;
  const unknown = keys.filter((key) => !(GROUP_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) return `--group-by: unknown key ${unknown.map((key) => `"${key}"`).join(', ')}; use ${GROUP_KEYS.join(', ')}`;
  if (new Set(keys).size !== keys.length) return '--group-by names a key twice';
  return keys as GroupKey[];
}
