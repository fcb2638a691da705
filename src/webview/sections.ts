// Builders for the panel's lists: everyday equivalents, the sources of a run, the power-source
// diagnostics and the history. Each replaces its container's children.
import type {
  DiagnosticsView,
  EmbodiedView,
  EquivalentIdView,
  EquivalentView,
  ProjectsView,
  RunStatusView,
  RunSummaryView,
  SourceView,
} from '../protocol/panelMessages';
import { codicon, element, setText } from './dom';
import {
  COMPONENT_LABELS,
  formatDuration,
  formatEmissions,
  formatEnergy,
  formatReadableAmount,
  formatStartTime,
  formatStatus,
} from './format';
import { groupHistory, type HistoryTotals } from './history';

const EQUIVALENT_ICONS: Readonly<Record<EquivalentIdView, string>> = {
  'car-km': 'milestone',
  'tv-hours': 'device-desktop',
  'household-days': 'home',
};

export function renderEquivalents(container: HTMLElement, equivalents: readonly EquivalentView[] | undefined): void {
  if (!equivalents) {
    container.replaceChildren(element('li', { className: 'hint', text: 'Loading…' }));
    return;
  }
  if (equivalents.length === 0) {
    container.replaceChildren(element('li', { className: 'hint', text: 'No everyday equivalents for this run.' }));
    return;
  }
  // While a run goes on only the amounts move: update them in place rather than rebuild the list.
  const items = [...container.children] as HTMLElement[];
  if (items.length === equivalents.length && equivalents.every((equivalent, index) => items[index]?.dataset.equivalent === equivalent.id)) {
    equivalents.forEach((equivalent, index) => {
      const amount = items[index]?.querySelector<HTMLElement>('.equivalent-amount');
      if (amount) setText(amount, formatReadableAmount(equivalent.amount));
    });
    return;
  }
  container.replaceChildren(...equivalents.map((equivalent) =>
    element('li', { className: 'equivalent', title: `Source: ${equivalent.source}`, attributes: { 'data-equivalent': equivalent.id } }, [
      codicon(EQUIVALENT_ICONS[equivalent.id]),
      element('span', { className: 'equivalent-amount', text: formatReadableAmount(equivalent.amount) }),
      element('span', { className: 'equivalent-label', text: equivalent.label }),
    ])));
}

/**
 * A finished run's share of making its machine (SCI), beside its operational CO₂e; each device's line
 * carries the formula's figures and their sources as a tooltip. A running run has none yet: it grows with time.
 */
export function renderEmbodied(container: HTMLElement, embodied: EmbodiedView | undefined, status: RunStatusView | undefined): void {
  if (!embodied) {
    const hint = status === undefined ? 'Loading…' : status === 'running'
      ? 'Shown once the run has finished: its share of making this machine grows with its duration.'
      : 'Not available for this run (no embodied figure matches its machine).';
    container.replaceChildren(element('li', { className: 'hint', text: hint }));
    return;
  }
  const total = embodied.embodiedKg + embodied.operationalKg;
  const share = total > 0 ? ` (${Math.round((embodied.embodiedKg / total) * 100)} % of ${formatEmissions(total)} in all)` : '';
  container.replaceChildren(
    element('li', { className: 'embodied-total' }, [
      codicon('server-process'),
      element('span', { className: 'embodied-amount', text: formatEmissions(embodied.embodiedKg) }),
      element('span', { text: `embodied, beside ${formatEmissions(embodied.operationalKg)} operational${share}` }),
    ]),
    ...embodied.items.map((item) => element('li', { className: 'embodied-item', title: item.method }, [
      element('span', { className: 'embodied-amount', text: formatEmissions(item.embodiedKg) }),
      element('span', { className: 'embodied-label', text: item.label }),
      element('span', { className: 'embodied-method', text: item.method }),
    ])),
  );
}

/**
 * The stored runs' CO₂e per week (a bar each, scaled to the largest) and the tasks that emitted most, as
 * `carbon-meter report --group-by project` sums them.
 */
export function renderProjects(weeksList: HTMLElement, tasksList: HTMLElement, projects: ProjectsView | undefined): void {
  if (!projects || projects.weeks.length === 0) {
    const hint = element('li', { className: 'hint', text: projects ? 'No stored runs yet.' : 'Loading…' });
    weeksList.replaceChildren(hint);
    tasksList.replaceChildren();
    return;
  }
  const largest = Math.max(...projects.weeks.map((week) => week.emissionsKg));
  weeksList.replaceChildren(...projects.weeks.map((week) => {
    const bar = element('span', { className: 'trend-bar' });
    // A width from data, set through the CSSOM: the CSP allows no inline style attribute.
    bar.style.width = `${largest > 0 ? Math.max((week.emissionsKg / largest) * 100, week.emissionsKg > 0 ? 2 : 0) : 0}%`;
    const label = `${formatWeek(week.weekStartMs)}: ${formatEmissions(week.emissionsKg)}, ${week.runs} run${week.runs === 1 ? '' : 's'}, ${formatEnergy(week.energyKWh)}`;
    return element('li', { className: 'trend-week', title: label, attributes: { 'aria-label': label } }, [
      element('span', { className: 'trend-week-label', text: formatWeek(week.weekStartMs) }),
      element('span', { className: 'trend-bar-track' }, [bar]),
      element('span', { className: 'trend-amount', text: formatEmissions(week.emissionsKg) }),
    ]);
  }));
  tasksList.replaceChildren(...(projects.topTasks.length === 0
    ? [element('li', { className: 'hint', text: 'No task yet.' })]
    : projects.topTasks.map((task) => element('li', { className: 'trend-task', title: `${task.project} · ${task.task}` }, [
      element('span', { className: 'trend-task-name', text: task.task }),
      element('span', { className: 'trend-amount', text: `${formatEmissions(task.emissionsKg)} · ${task.runs} run${task.runs === 1 ? '' : 's'}` }),
    ]))));
}

/** "Nov 16": the Monday a week starts on, in UTC like the weeks themselves. */
function formatWeek(weekStartMs: number): string {
  return new Date(weekStartMs).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function renderSources(container: HTMLElement, sources: readonly SourceView[] | undefined): void {
  if (!sources) {
    container.replaceChildren(element('li', { className: 'hint', text: 'Loading…' }));
    return;
  }
  container.replaceChildren(...sources.map((source) =>
    element('li', { className: 'source' }, [
      element('span', { className: 'source-component', text: COMPONENT_LABELS[source.component] }),
      element('span', { className: 'source-id', text: source.sourceId ?? 'none' }),
      source.estimated ? estimatedBadge() : undefined,
      element('span', { className: 'source-description', text: source.description }),
    ])));
}

export function renderDiagnostics(container: HTMLElement, diagnostics: DiagnosticsView | undefined): void {
  if (!diagnostics) {
    container.replaceChildren(element('p', { className: 'hint', text: 'Probing the power sources…' }));
    return;
  }
  container.replaceChildren(...diagnostics.components.map((component) => {
    const icon = component.inUse === undefined ? 'circle-slash' : component.estimated ? 'warning' : 'pass-filled';
    return element('div', { className: 'diag-component', attributes: { 'data-component': component.component } }, [
      element('div', { className: 'diag-head' }, [
        codicon(icon, `diag-icon diag-icon-${icon}`),
        element('span', { className: 'diag-name', text: COMPONENT_LABELS[component.component] }),
        element('span', { className: 'diag-source', text: component.inUse ?? 'none' }),
        component.estimated ? estimatedBadge() : undefined,
      ]),
      element('p', { className: 'diag-description', text: component.description }),
      element('ul', { className: 'diag-attempts' }, component.attempts.map((attempt) =>
        element('li', { className: attempt.accepted ? 'accepted' : 'rejected' }, [
          codicon(attempt.accepted ? 'check' : 'close', 'attempt-icon'),
          element('div', { className: 'attempt-body' }, [
            element('code', { text: attempt.sourceId }),
            element('span', { className: 'attempt-detail', text: ` ${attempt.detail}` }),
            attempt.fix === undefined ? undefined : element('div', { className: 'attempt-fix' }, [
              element('span', { text: 'Fix: ' }),
              element('code', { text: attempt.fix }),
            ]),
          ]),
        ]))),
    ]);
  }));
}

export interface HistoryMarks {
  readonly selectedRunId: string | undefined;
  readonly liveRunId: string | undefined;
  /** Projects the user folded; kept across re-renders. */
  readonly closedProjects: ReadonlySet<string>;
}

const STATUS_ICONS: Readonly<Record<RunStatusView, string>> = {
  running: 'loading codicon-modifier-spin',
  finished: 'pass',
  interrupted: 'warning',
  failed: 'error',
};

export function statusIcon(status: RunStatusView): string {
  return STATUS_ICONS[status];
}

export function renderHistory(container: HTMLElement, runs: readonly RunSummaryView[], marks: HistoryMarks): void {
  const groups = groupHistory(runs);
  if (groups.length === 0) {
    container.replaceChildren(element('p', { className: 'hint', text: 'No runs recorded in this workspace yet.' }));
    return;
  }
  container.replaceChildren(...groups.map((project) => {
    const collapsible = element('vscode-collapsible', {
      className: 'history-project',
      attributes: { heading: project.projectName || '(no project)', description: formatTotals(project.totals) },
    }, project.experiments.map((experiment) =>
      element('div', { className: 'history-experiment' }, [
        element('div', { className: 'experiment-header' }, [
          codicon('beaker'),
          element('span', { className: 'experiment-name', text: experiment.experimentName || '(no experiment)' }),
          element('span', { className: 'totals', text: formatTotals(experiment.totals) }),
        ]),
        element('ul', { className: 'history-runs' }, experiment.runs.map((run) => element('li', {}, [historyRow(run, marks)]))),
      ])));
    if (!marks.closedProjects.has(project.projectName)) collapsible.setAttribute('open', '');
    collapsible.dataset.project = project.projectName;
    return collapsible;
  }));
}

function historyRow(run: RunSummaryView, marks: HistoryMarks): HTMLButtonElement {
  const classes = ['history-run'];
  const selected = run.id === marks.selectedRunId || (marks.selectedRunId === undefined && run.id === marks.liveRunId);
  if (selected) classes.push('selected');
  return element('button', {
    className: classes.join(' '),
    title: `${run.command}\n${formatStatus(run)}`,
    attributes: { type: 'button', 'data-run-id': run.id, ...(selected ? { 'aria-current': 'true' } : {}) },
  }, [
    codicon(statusIcon(run.status), `status-${run.status}`),
    element('span', { className: 'run-when', text: formatStartTime(run.startedAtMs) }),
    element('span', { className: 'run-command', text: run.command }),
    element('span', { className: 'run-figures', text: runFigures(run) }),
  ]);
}

/** Brings one run's row up to date in place, e.g. the live run's between full redraws. */
export function updateHistoryRow(container: HTMLElement, run: RunSummaryView): void {
  const figures = container.querySelector<HTMLElement>(`[data-run-id="${CSS.escape(run.id)}"] .run-figures`);
  if (figures) setText(figures, runFigures(run));
}

function runFigures(run: RunSummaryView): string {
  return `${formatDuration(run.durationSeconds)} · ${formatEnergy(run.energyKWh)} · ${formatEmissions(run.emissionsKg)}`;
}

function formatTotals(totals: HistoryTotals): string {
  const runs = totals.runCount === 1 ? '1 run' : `${totals.runCount} runs`;
  return `${runs} · ${formatEnergy(totals.energyKWh)} · ${formatEmissions(totals.emissionsKg)}`;
}

function estimatedBadge(): HTMLElement {
  return element('vscode-badge', { className: 'estimated', text: 'estimated', title: 'From a model, not a sensor' });
}
