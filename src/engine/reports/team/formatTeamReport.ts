import { escapeHtml } from '../escapeHtml';
import { formatDuration, formatEmissions, formatEnergy } from '../formatQuantities';
import { escapeMarkdown } from '../markdownReport';
import type { GroupKey, RunTotals, TeamReport } from './groupTeamRuns';

/** What was read to make the report, shown under it so a reader knows what it covers. */
export interface TeamReportSources {
  readonly sources: readonly string[];
  readonly skipped: number;
  readonly problems: readonly string[];
}

/** The trend shows the latest weeks only: enough for "how are we doing lately" in a PR or a wiki page. */
const TREND_WEEKS = 12;

const HEADINGS: Readonly<Record<GroupKey, string>> = { project: 'Project', experiment: 'Experiment', task: 'Task' };

function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

function cells(totals: RunTotals): string[] {
  return [String(totals.runs), formatEnergy(totals.energyKWh), formatEmissions(totals.emissionsKg), formatDuration(totals.durationSeconds)];
}

function period(report: TeamReport): string {
  return report.firstEndedAtMs === undefined || report.lastEndedAtMs === undefined
    ? 'no runs'
    : `${report.total.runs} run${report.total.runs === 1 ? '' : 's'} from ${isoDate(report.firstEndedAtMs)} to ${isoDate(report.lastEndedAtMs)}`;
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, index) => (index < header.length - 4 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

export function formatTeamReportMarkdown(report: TeamReport, read: TeamReportSources): string {
  const header = [...report.groupBy.map((key) => HEADINGS[key]), 'Runs', 'Energy', 'CO₂e', 'Duration'];
  const lines = [
    '# Carbon Meter team report',
    '',
    `${period(report)}: ${formatEnergy(report.total.energyKWh)}, ${formatEmissions(report.total.emissionsKg)} CO₂e.`,
    '',
    `## By ${report.groupBy.join(', ')}`,
    '',
    ...markdownTable(header, [
      ...report.groups.map((group) => [...group.values.map((value) => escapeMarkdown(value) || '—'), ...cells(group)]),
      [...report.groupBy.map((_, index) => (index === 0 ? '**Total**' : '')), ...cells(report.total)],
    ]),
  ];
  if (report.weeks.length > 0) {
    lines.push('', '## Weekly trend', '', ...markdownTable(['Week of', 'Runs', 'Energy', 'CO₂e', 'Duration'],
      report.weeks.slice(-TREND_WEEKS).map((week) => [isoDate(week.weekStartMs), ...cells(week)])));
  }
  if (report.topTasks.length > 0) {
    lines.push('', '## Top tasks', '', ...markdownTable(['Project', 'Task', 'Runs', 'Energy', 'CO₂e', 'Duration'],
      report.topTasks.map((task) => [escapeMarkdown(task.project), escapeMarkdown(task.task), ...cells(task)])));
  }
  lines.push('', `Read from ${read.sources.map((source) => escapeMarkdown(source)).join(', ')}${read.skipped > 0 ? `; ${read.skipped} unreadable row(s) or record(s) skipped` : ''}.`, '');
  return lines.join('\n');
}

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f23; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: .8em; background: #2e7d32; vertical-align: middle; }
footer { color: #57606a; font-size: .85em; }
`;

function htmlRow(values: readonly string[], totals: RunTotals, bar?: number): string {
  const barCell = bar === undefined ? '' : `<td><span class="bar" style="width:${(bar * 10).toFixed(2)}rem"></span></td>`;
  return `<tr>${values.map((value) => `<td>${escapeHtml(value)}</td>`).join('')}${cells(totals).map((cell) => `<td class="number">${escapeHtml(cell)}</td>`).join('')}${barCell}</tr>`;
}

/** A standalone page; every name read from a store or CSV is escaped. */
export function formatTeamReportHtml(report: TeamReport, read: TeamReportSources): string {
  const head = (names: readonly string[]): string => `<thead><tr>${names.map((name) => `<th>${escapeHtml(name)}</th>`).join('')}</tr></thead>`;
  const maxGroup = Math.max(...report.groups.map((group) => group.emissionsKg), Number.MIN_VALUE);
  const weeks = report.weeks.slice(-TREND_WEEKS);
  const maxWeek = Math.max(...weeks.map((week) => week.emissionsKg), Number.MIN_VALUE);
  const html = [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">', '<title>Carbon Meter team report</title>', `<style>${STYLE}</style>`, '</head>', '<body>',
    '<h1>Carbon Meter team report</h1>',
    `<p>${escapeHtml(`${period(report)}: ${formatEnergy(report.total.energyKWh)}, ${formatEmissions(report.total.emissionsKg)} CO₂e.`)}</p>`,
    `<h2>${escapeHtml(`By ${report.groupBy.join(', ')}`)}</h2>`,
    '<table>', head([...report.groupBy.map((key) => HEADINGS[key]), 'Runs', 'Energy', 'CO₂e', 'Duration', '']), '<tbody>',
    ...report.groups.map((group) => htmlRow(group.values, group, group.emissionsKg / maxGroup)),
    htmlRow(report.groupBy.map((_, index) => (index === 0 ? 'Total' : '')), report.total),
    '</tbody>', '</table>',
  ];
  if (weeks.length > 0) {
    html.push('<h2>Weekly trend</h2>', '<table>', head(['Week of', 'Runs', 'Energy', 'CO₂e', 'Duration', '']), '<tbody>',
      ...weeks.map((week) => htmlRow([isoDate(week.weekStartMs)], week, week.emissionsKg / maxWeek)), '</tbody>', '</table>');
  }
  if (report.topTasks.length > 0) {
    html.push('<h2>Top tasks</h2>', '<table>', head(['Project', 'Task', 'Runs', 'Energy', 'CO₂e', 'Duration']), '<tbody>',
      ...report.topTasks.map((task) => htmlRow([task.project, task.task], task)), '</tbody>', '</table>');
  }
  html.push(`<footer>${escapeHtml(`Read from ${read.sources.join(', ')}${read.skipped > 0 ? `; ${read.skipped} unreadable row(s) or record(s) skipped` : ''}.`)}</footer>`, '</body>', '</html>', '');
  return html.join('\n');
}

export function formatTeamReportJson(report: TeamReport, read: TeamReportSources): string {
  return `${JSON.stringify({ ...report, sources: read.sources, skipped: read.skipped, problems: read.problems }, null, 2)}\n`;
}
