// Draws a PanelState into the page that src/extension/panel/panelHtml.ts lays out, and turns clicks
// into PanelEvents. Each part is redrawn only when the objects it depends on changed, so a sample
// costs the figures and the charts, not the history.
import { REPORT_FORMATS, type ReportFormat, type RunSummaryView, type RunView } from '../protocol/panelMessages';
import { PanelCharts } from './charts';
import { requireElement, setText } from './dom';
import {
  COMPONENT_LABELS,
  formatDuration,
  formatEmissions,
  formatEnergy,
  formatIntensity,
  formatPower,
  formatPue,
  formatStartTime,
  formatStatus,
} from './format';
import { exportableRunId, shownRun, type PanelEvent, type PanelState, type ShownRun } from './panelState';
import { buildChartSeries } from './samples';
import { withRun } from './history';
import { renderDiagnostics, renderEmbodied, renderEquivalents, renderHistory, renderProjects, renderSources, statusIcon, updateHistoryRow } from './sections';

const COMPONENTS = ['cpu', 'gpu', 'ram'] as const;
const HISTORY_REFRESH_MS = 5_000;

/** What the last render drew, compared by identity to skip unchanged parts. */
interface Drawn {
  summary?: RunSummaryView | undefined;
  run?: RunView | undefined;
  samples?: RunView['samples'] | undefined;
  equivalents?: RunView['equivalents'] | undefined;
  embodied?: RunView['embodied'] | undefined;
  embodiedStatus?: RunSummaryView['status'] | undefined;
  sources?: RunView['sources'] | undefined;
  diagnostics?: PanelState['diagnostics'];
  recentRuns?: PanelState['recentRuns'];
  projects?: PanelState['projects'];
  historyMarks?: string;
  liveSummary?: RunSummaryView | undefined;
  shownKind?: ShownRun['kind'];
  exportable?: string | undefined;
}

export class PanelView {
  private readonly charts: PanelCharts;
  private drawn: Drawn = {};
  private readonly closedProjects = new Set<string>();
  private historyDrawnAtMs = 0;

  private readonly title = requireElement('run-title');
  private readonly status = requireElement('run-status');
  private readonly statusIconElement = requireElement('run-status-icon');
  private readonly meta = requireElement('run-meta');
  private readonly estimatedBadge = requireElement('estimated-badge');
  private readonly showLiveButton = requireElement('show-live');
  private readonly emptyState = requireElement('empty-state');
  private readonly runDetails = requireElement('run-details');
  private readonly equivalents = requireElement('equivalents');
  private readonly embodied = requireElement('embodied');
  private readonly sources = requireElement('sources');
  private readonly diagnostics = requireElement('diagnostics');
  private readonly history = requireElement('history');
  private readonly trendWeeks = requireElement('trend-weeks');
  private readonly trendTasks = requireElement('trend-tasks');
  private readonly exportHint = requireElement('export-hint');
  private readonly gpuLegend = requireElement('legend-gpu');
  private readonly figures = {
    emissions: requireElement('figure-emissions'),
    emissionsNote: requireElement('figure-emissions-note'),
    energy: requireElement('figure-energy'),
    energyNote: requireElement('figure-energy-note'),
    duration: requireElement('figure-duration'),
    power: requireElement('figure-power'),
    powerNote: requireElement('figure-power-note'),
    intensity: requireElement('figure-intensity'),
    intensitySource: requireElement('figure-intensity-source'),
    pue: requireElement('figure-pue'),
    location: requireElement('figure-location'),
    mode: requireElement('figure-mode'),
  };

  constructor(private readonly dispatch: (event: PanelEvent) => void) {
    this.charts = new PanelCharts(requireElement<HTMLCanvasElement>('power-chart'), requireElement<HTMLCanvasElement>('emissions-chart'));
    this.listen();
  }

  render(state: PanelState): void {
    const shown = shownRun(state);
    const run = shown.kind === 'run' ? shown.run : undefined;
    const summary = run?.summary ?? (shown.kind === 'loading' ? shown.summary : undefined);
    const drawn = this.drawn;

    if (shown.kind !== drawn.shownKind) {
      this.emptyState.hidden = shown.kind !== 'none';
      this.runDetails.hidden = shown.kind === 'none';
    }
    if (summary !== drawn.summary || shown.kind !== drawn.shownKind) this.renderSummary(shown, summary);
    if (run !== drawn.run) this.renderRunFigures(shown, run);
    if (run?.samples !== drawn.samples) {
      const showGpu = run !== undefined && hasGpu(run);
      this.charts.show(run && { series: buildChartSeries(run.samples, run.summary.startedAtMs), showGpu });
      this.gpuLegend.hidden = !showGpu;
    }
    if (run?.equivalents !== drawn.equivalents || shown.kind !== drawn.shownKind) renderEquivalents(this.equivalents, run?.equivalents);
    if (run?.embodied !== drawn.embodied || run?.summary.status !== drawn.embodiedStatus || shown.kind !== drawn.shownKind) {
      renderEmbodied(this.embodied, run?.embodied, run?.summary.status);
    }
    if (run?.sources !== drawn.sources || shown.kind !== drawn.shownKind) renderSources(this.sources, run?.sources);
    if (state.diagnostics !== drawn.diagnostics || drawn.shownKind === undefined) renderDiagnostics(this.diagnostics, state.diagnostics);

    if (state.projects !== drawn.projects || drawn.shownKind === undefined) renderProjects(this.trendWeeks, this.trendTasks, state.projects);

    const liveRunId = state.live?.summary.id;
    const historyMarks = `${state.selectedRunId ?? ''}\n${liveRunId ?? ''}`;
    const liveSummary = state.live?.summary;
    // A running run's row follows each sample; the group totals it counts in are redrawn every few
    // seconds only, as a long history costs more to redraw than a sample should.
    const liveMoved = liveSummary !== drawn.liveSummary;
    if (state.recentRuns !== drawn.recentRuns || historyMarks !== drawn.historyMarks
      || (liveMoved && Date.now() - this.historyDrawnAtMs >= HISTORY_REFRESH_MS)) {
      const runs = liveSummary?.status === 'running' ? withRun(state.recentRuns, liveSummary) : state.recentRuns;
      renderHistory(this.history, runs, { selectedRunId: state.selectedRunId, liveRunId, closedProjects: this.closedProjects });
      this.historyDrawnAtMs = Date.now();
    } else if (liveMoved && liveSummary?.status === 'running') {
      updateHistoryRow(this.history, liveSummary);
    }
    this.showLiveButton.hidden = state.selectedRunId === undefined || state.live === undefined;
    setText(this.showLiveButton, state.live?.summary.status === 'running' ? 'Live run' : 'Latest run');

    const exportable = exportableRunId(state);
    if (exportable !== drawn.exportable || shown.kind !== drawn.shownKind) this.renderExport(exportable, summary);

    this.drawn = {
      summary, run, samples: run?.samples, equivalents: run?.equivalents, embodied: run?.embodied, embodiedStatus: run?.summary.status, sources: run?.sources,
      diagnostics: state.diagnostics, recentRuns: state.recentRuns, projects: state.projects, historyMarks, liveSummary,
      shownKind: shown.kind, exportable,
    };
  }

  /** Re-reads the theme's colours for the charts (the rest follows the CSS variables by itself). */
  applyTheme(): void {
    this.charts.applyTheme();
  }

  private renderSummary(shown: ShownRun, summary: RunSummaryView | undefined): void {
    if (!summary) {
      setText(this.title, shown.kind === 'loading' ? 'Loading run…' : 'Carbon Meter');
      setText(this.status, shown.kind === 'loading' ? '' : 'No run yet');
      setText(this.meta, '');
      this.statusIconElement.className = `codicon codicon-${shown.kind === 'loading' ? 'loading codicon-modifier-spin' : 'pulse'}`;
      this.estimatedBadge.hidden = true;
      return;
    }
    setText(this.title, summary.command || 'Run');
    setText(this.status, formatStatus(summary));
    const names = [summary.projectName, summary.experimentName].filter((name) => name !== '').join(' › ');
    setText(this.meta, [names, `started ${formatStartTime(summary.startedAtMs)}`].filter((part) => part !== '').join(' · '));
    this.statusIconElement.className = `codicon codicon-${statusIcon(summary.status)} status-${summary.status}`;
    this.estimatedBadge.hidden = !summary.estimated;

    const figures = this.figures;
    setText(figures.emissions, formatEmissions(summary.emissionsKg));
    setText(figures.energy, formatEnergy(summary.energyKWh));
    setText(figures.duration, formatDuration(summary.durationSeconds));
    setText(figures.intensity, formatIntensity(summary.intensityGramsPerKWh));
    setText(figures.pue, formatPue(summary.pue));
    setText(figures.location, summary.locationLabel || 'unknown');
    setText(figures.mode, summary.trackingMode === 'process' ? "the task's process tree" : 'the whole machine');
  }

  private renderRunFigures(shown: ShownRun, run: RunView | undefined): void {
    const figures = this.figures;
    if (!run) {
      const placeholder = shown.kind === 'loading' ? '…' : '–';
      for (const node of [figures.power, figures.powerNote, figures.energyNote, figures.emissionsNote, figures.intensitySource]) setText(node, '');
      setText(figures.power, placeholder);
      return;
    }
    const summary = run.summary;
    const totalWatts = run.averagePowerWatts.cpu + run.averagePowerWatts.gpu + run.averagePowerWatts.ram;
    setText(figures.power, formatPower(totalWatts));
    setText(figures.powerNote, splitByComponent(run, (component) => formatPower(run.averagePowerWatts[component])));
    setText(figures.energyNote, splitByComponent(run, (component) => formatEnergy(run.componentEnergyKWh[component])));
    setText(figures.intensitySource, run.intensitySource);
    const latest = run.samples[run.samples.length - 1];
    if (summary.status === 'running' && latest) {
      const watts = latest.powerWatts.cpu + latest.powerWatts.gpu + latest.powerWatts.ram;
      // W × PUE × g/kWh ÷ 1000 = g per hour; formatEmissions takes kg.
      const kgPerHour = (watts * summary.pue * summary.intensityGramsPerKWh) / 1_000_000;
      setText(figures.emissionsNote, `now ${formatEmissions(kgPerHour)} per hour`);
    } else {
      setText(figures.emissionsNote, `with PUE ${formatPue(summary.pue)}`);
    }
  }

  private renderExport(exportable: string | undefined, summary: RunSummaryView | undefined): void {
    for (const button of document.querySelectorAll<HTMLElement>('[data-export]')) {
      button.toggleAttribute('disabled', exportable === undefined);
    }
    setText(this.exportHint, summary?.status === 'running' ? 'Reports can be exported once the run has finished.' : '');
  }

  private listen(): void {
    this.history.addEventListener('click', (event) => {
      const row = (event.target as Element | null)?.closest<HTMLElement>('[data-run-id]');
      const runId = row?.dataset.runId;
      if (runId) this.dispatch({ type: 'selectRun', runId });
    });
    this.history.addEventListener('vsc-collapsible-toggle', (event) => {
      const project = (event.target as HTMLElement | null)?.dataset.project;
      if (project === undefined) return;
      if ((event as CustomEvent<{ open: boolean }>).detail.open) this.closedProjects.delete(project);
      else this.closedProjects.add(project);
    });
    for (const button of document.querySelectorAll<HTMLElement>('[data-export]')) {
      button.addEventListener('click', () => {
        const format = REPORT_FORMATS.find((candidate): candidate is ReportFormat => candidate === button.dataset.export);
        if (format && !button.hasAttribute('disabled')) this.dispatch({ type: 'export', format });
      });
    }
    requireElement('refresh').addEventListener('click', () => this.dispatch({ type: 'refresh' }));
    this.showLiveButton.addEventListener('click', () => this.dispatch({ type: 'showLive' }));
    requireElement('open-diagnostics').addEventListener('click', () => this.dispatch({ type: 'openDiagnostics' }));
  }
}

/** Whether the run has a GPU worth a band and a figure: a GPU source, or any GPU power. */
function hasGpu(run: RunView): boolean {
  return run.sources.some((source) => source.component === 'gpu' && source.sourceId !== undefined)
    || run.componentEnergyKWh.gpu > 0
    || run.samples.some((sample) => sample.powerWatts.gpu > 0);
}

function splitByComponent(run: RunView, format: (component: (typeof COMPONENTS)[number]) => string): string {
  const withGpu = hasGpu(run);
  return COMPONENTS.filter((component) => component !== 'gpu' || withGpu)
    .map((component) => `${COMPONENT_LABELS[component]} ${format(component)}`)
    .join(' · ');
}
