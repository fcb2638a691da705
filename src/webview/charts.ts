// The two live charts: power by component as stacked areas, and cumulative emissions as a line, both
// over the seconds since the run started. Colours and fonts come from the VS Code theme's CSS variables.
import {
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type ChartOptions,
  type TooltipItem,
} from 'chart.js';
import type { ComponentKindView } from '../protocol/panelMessages';
import { withAlpha } from './colors';
import { COMPONENT_LABELS, formatSignificant } from './format';
import { STACK_ORDER, type ChartPoint, type ChartSeries, type StackedPoint } from './samples';

// No Legend plugin: the key is HTML beside the canvas (panelHtml.ts), styled from the same CSS
// variables, which also spares a legend layout pass on every update.
Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Tooltip);

/** What the charts draw: a run's series, or nothing. */
export interface ChartsView {
  readonly series: ChartSeries;
  /** Whether the run has a GPU series worth a band (a GPU source, or any GPU power). */
  readonly showGpu: boolean;
}

interface ChartTheme {
  readonly components: Readonly<Record<ComponentKindView, string>>;
  readonly emissions: string;
  readonly foreground: string;
  readonly grid: string;
  readonly fontFamily: string;
  readonly fontSizePx: number;
}

type LineChart = Chart<'line', ChartPoint[]>;

const FILL_ALPHA = 0.35;
/** Grid lines at part of the theme's chart-line colour, so the bands read first. */
const GRID_ALPHA = 0.6;
const SECONDS_TITLE = 'seconds since start';

export class PanelCharts {
  private readonly power: LineChart;
  private readonly emissions: LineChart;
  private theme: ChartTheme = readChartTheme();
  private gpuShown: boolean | undefined;
  private emissionsUnit = '';

  constructor(private readonly powerCanvas: HTMLCanvasElement, private readonly emissionsCanvas: HTMLCanvasElement) {
    applyDefaults(this.theme);
    this.power = new Chart(powerCanvas, { type: 'line', data: { datasets: [] }, options: chartOptions('W') });
    this.emissions = new Chart(emissionsCanvas, {
      type: 'line',
      data: { datasets: [{ label: 'CO₂e', data: [], fill: 'origin' }] },
      options: chartOptions('CO₂e'),
    });
    this.applyTheme();
  }

  /** Redraws both charts with `view` (nothing when undefined), without animation. */
  show(view: ChartsView | undefined): void {
    const showGpu = view?.showGpu ?? false;
    if (showGpu !== this.gpuShown) {
      this.gpuShown = showGpu;
      this.power.data.datasets = STACK_ORDER.filter((component) => showGpu || component !== 'gpu')
        .map((component, index) => this.componentDataset(component, index === 0));
    }
    for (const dataset of this.power.data.datasets) {
      const component = componentOf(dataset);
      dataset.data = view ? (view.series.powerWatts[component] as StackedPoint[]) : [];
    }
    const emissionsDataset = this.emissions.data.datasets[0];
    if (emissionsDataset) emissionsDataset.data = view ? (view.series.emissions as ChartPoint[]) : [];
    const unit = view ? `${view.series.emissionsScale.unit} CO₂e` : 'CO₂e';
    if (unit !== this.emissionsUnit) {
      this.emissionsUnit = unit;
      setAxisTitle(this.emissions, unit);
    }
    this.power.update('none');
    this.emissions.update('none');
    const points = view ? view.series.emissions.length : 0;
    this.powerCanvas.dataset.points = String(points);
    this.emissionsCanvas.dataset.points = String(points);
  }

  /** Re-reads the theme's colours and fonts, e.g. after the user switched themes. */
  applyTheme(): void {
    this.theme = readChartTheme();
    applyDefaults(this.theme);
    for (const dataset of this.power.data.datasets) this.colour(dataset, this.theme.components[componentOf(dataset)]);
    const emissionsDataset = this.emissions.data.datasets[0];
    if (emissionsDataset) this.colour(emissionsDataset, this.theme.emissions);
    for (const chart of [this.power, this.emissions]) {
      for (const scale of Object.values(chart.options.scales ?? {})) {
        if (!scale) continue;
        scale.grid = { ...scale.grid, color: withAlpha(this.theme.grid, GRID_ALPHA) };
        scale.border = { ...scale.border, color: this.theme.grid };
        scale.ticks = { ...scale.ticks, color: this.theme.foreground };
        if ('title' in scale && scale.title) scale.title.color = this.theme.foreground;
      }
      chart.update('none');
    }
  }

  dispose(): void {
    this.power.destroy();
    this.emissions.destroy();
  }

  private componentDataset(component: ComponentKindView, first: boolean): ChartDataset<'line', ChartPoint[]> {
    const dataset: ChartDataset<'line', ChartPoint[]> = {
      label: COMPONENT_LABELS[component],
      data: [],
      // Each band fills down to the one below it; the first down to the axis.
      fill: first ? 'origin' : '-1',
    };
    COMPONENT_OF.set(dataset, component);
    this.colour(dataset, this.theme.components[component]);
    return dataset;
  }

  private colour(dataset: ChartDataset<'line', ChartPoint[]>, colour: string): void {
    dataset.borderColor = colour;
    dataset.backgroundColor = withAlpha(colour, FILL_ALPHA);
  }
}

const COMPONENT_OF = new WeakMap<object, ComponentKindView>();

function componentOf(dataset: object): ComponentKindView {
  return COMPONENT_OF.get(dataset) ?? 'cpu';
}

function chartOptions(yTitle: string): ChartOptions<'line'> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    // The series are already {x, y} in order: skip Chart.js's parsing pass on every update.
    parsing: false,
    normalized: true,
    spanGaps: true,
    interaction: { mode: 'index', intersect: false },
    elements: { point: { radius: 0, hitRadius: 6, hoverRadius: 3 }, line: { borderWidth: 1.5, tension: 0 } },
    scales: {
      x: {
        type: 'linear',
        min: 0,
        bounds: 'data',
        title: { display: true, text: SECONDS_TITLE },
        // The axis ends at the newest sample; a tick there (30.7 → "31") would crowd the round one before it.
        ticks: { maxTicksLimit: 8, precision: 0, maxRotation: 0, minRotation: 0, includeBounds: false, callback: formatTick },
      },
      y: {
        type: 'linear',
        // Stacked in the data already; Chart.js stacking would add the bands up twice.
        stacked: false,
        beginAtZero: true,
        title: { display: true, text: yTitle },
        ticks: { maxTicksLimit: 6, callback: formatTick },
      },
    },
    plugins: {
      tooltip: {
        callbacks: {
          title: (items: TooltipItem<'line'>[]) => (items[0] ? `${formatSignificant(items[0].parsed.x ?? 0)} s` : ''),
          label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${formatSignificant(ownValue(item))} ${yUnitOf(item)}`,
        },
      },
    },
  };
}

/** Tick labels without Intl.NumberFormat, which costs more than the rest of a tick on every update. */
function formatTick(value: number | string): string {
  return typeof value === 'number' ? formatSignificant(value, 4) : value;
}

/** A band's own watts rather than its stacked top; the plotted value elsewhere. */
function ownValue(item: TooltipItem<'line'>): number {
  const raw = item.raw as Partial<StackedPoint> | undefined;
  return typeof raw?.watts === 'number' ? raw.watts : item.parsed.y ?? 0;
}

function yUnitOf(item: TooltipItem<'line'>): string {
  const y = item.chart.options.scales?.y;
  const text = y && 'title' in y ? y.title?.text : undefined;
  return typeof text === 'string' ? text : '';
}

function setAxisTitle(chart: LineChart, text: string): void {
  const y = chart.options.scales?.y;
  if (y && 'title' in y && y.title) y.title.text = text;
}

function applyDefaults(theme: ChartTheme): void {
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = theme.fontSizePx;
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
}

function readChartTheme(): ChartTheme {
  const style = getComputedStyle(document.body);
  const read = (...names: string[]): string => {
    for (const name of names) {
      const value = style.getPropertyValue(name).trim();
      if (value) return value;
    }
    // The body's own colour comes from --vscode-foreground too (media/panel.css).
    return style.color;
  };
  const fontSizePx = Number.parseFloat(read('--vscode-font-size'));
  return {
    components: {
      cpu: read('--vscode-charts-blue', '--vscode-foreground'),
      gpu: read('--vscode-charts-purple', '--vscode-foreground'),
      ram: read('--vscode-charts-green', '--vscode-foreground'),
    },
    emissions: read('--vscode-charts-orange', '--vscode-foreground'),
    foreground: read('--vscode-charts-foreground', '--vscode-foreground'),
    grid: read('--vscode-charts-lines', '--vscode-widget-border', '--vscode-foreground'),
    fontFamily: read('--vscode-font-family'),
    fontSizePx: Number.isFinite(fontSizePx) && fontSizePx > 0 ? fontSizePx : 12,
  };
}
