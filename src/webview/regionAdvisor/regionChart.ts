// The Region Advisor's bar chart: this run's CO₂e in the ten lowest-emitting regions, with "here" as the
// last bar to compare against. Horizontal bars, so long region ids stay readable. Only the Chart.js parts
// a bar chart needs are registered; colours and fonts come from the VS Code theme's CSS variables.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type TooltipItem } from 'chart.js';
import { regionKey, type AdvisorOriginView, type RegionRowView } from '../../protocol/regionAdvisorMessages';
import { withAlpha } from '../colors';
import { emissionsScaleFor, formatSignificant } from '../format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** How many regions the chart shows. */
export const CHART_REGIONS = 10;
const BAR_ALPHA = 0.75;
const GRID_ALPHA = 0.6;

interface BarTheme {
  readonly region: string;
  readonly current: string;
  readonly here: string;
  readonly foreground: string;
  readonly grid: string;
  readonly fontFamily: string;
  readonly fontSizePx: number;
}

export class RegionChart {
  private readonly chart: Chart<'bar', number[], string>;
  private theme: BarTheme = readBarTheme();
  /** Which bar is here, the region the run ran in, or another region: drives the colours. */
  private kinds: ('region' | 'current' | 'here')[] = [];
  private unit = 'g CO₂e';

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [{ label: 'CO₂e', data: [], borderWidth: 1, borderRadius: 2, barPercentage: 0.8 }] },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { type: 'linear', beginAtZero: true, title: { display: true, text: 'CO₂e' }, ticks: { maxTicksLimit: 6 } },
          y: { type: 'category', ticks: { autoSkip: false } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item: TooltipItem<'bar'>) => `${formatSignificant(item.parsed.x ?? 0)} ${this.unit}`,
            },
          },
        },
      },
    });
    this.applyTheme();
  }

  /** The top regions of `rows` (already in rank order) and here. */
  show(rows: readonly RegionRowView[], origin: AdvisorOriginView | undefined): void {
    const top = rows.slice(0, CHART_REGIONS);
    const largest = Math.max(origin?.emissionsKg ?? 0, ...top.map((row) => row.emissionsKg));
    const scale = emissionsScaleFor(largest);
    this.unit = `${scale.unit} CO₂e`;
    const labels = top.map((row) => regionKey(row));
    const values = top.map((row) => row.emissionsKg * scale.perKg);
    this.kinds = top.map((row) => (row.isCurrent ? 'current' : 'region'));
    if (origin) {
      labels.push(`Here: ${origin.label}`);
      values.push(origin.emissionsKg * scale.perKg);
      this.kinds.push('here');
    }
    this.chart.data.labels = labels;
    const dataset = this.chart.data.datasets[0];
    if (dataset) dataset.data = values;
    const x = this.chart.options.scales?.x;
    if (x && 'title' in x && x.title) x.title.text = this.unit;
    this.colour();
    this.chart.update('none');
    this.canvas.dataset.bars = String(values.length);
  }

  /** Re-reads the theme's colours and fonts, e.g. after the user switched themes. */
  applyTheme(): void {
    this.theme = readBarTheme();
    Chart.defaults.font.family = this.theme.fontFamily;
    Chart.defaults.font.size = this.theme.fontSizePx;
    Chart.defaults.color = this.theme.foreground;
    for (const scale of Object.values(this.chart.options.scales ?? {})) {
      if (!scale) continue;
      scale.grid = { ...scale.grid, color: withAlpha(this.theme.grid, GRID_ALPHA) };
      scale.border = { ...scale.border, color: this.theme.grid };
      scale.ticks = { ...scale.ticks, color: this.theme.foreground };
      if ('title' in scale && scale.title) scale.title.color = this.theme.foreground;
    }
    this.colour();
    this.chart.update('none');
  }

  private colour(): void {
    const dataset = this.chart.data.datasets[0];
    if (!dataset) return;
    const colours = this.kinds.map((kind) => this.theme[kind]);
    dataset.borderColor = colours;
    dataset.backgroundColor = colours.map((colour) => withAlpha(colour, BAR_ALPHA));
  }
}

function readBarTheme(): BarTheme {
  const style = getComputedStyle(document.body);
  const read = (...names: string[]): string => {
    for (const name of names) {
      const value = style.getPropertyValue(name).trim();
      if (value) return value;
    }
    return style.color;
  };
  const fontSizePx = Number.parseFloat(read('--vscode-font-size'));
  return {
    region: read('--vscode-charts-green', '--vscode-foreground'),
    current: read('--vscode-charts-blue', '--vscode-foreground'),
    here: read('--vscode-charts-orange', '--vscode-foreground'),
    foreground: read('--vscode-charts-foreground', '--vscode-foreground'),
    grid: read('--vscode-charts-lines', '--vscode-widget-border', '--vscode-foreground'),
    fontFamily: read('--vscode-font-family'),
    fontSizePx: Number.isFinite(fontSizePx) && fontSizePx > 0 ? fontSizePx : 12,
  };
}
