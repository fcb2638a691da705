import type { EquivalentAmount } from './equivalents';
import { buildReportModel, StatementPart } from './reportModel';
import type { RunRecord } from './runRecord';

/**
 * Backslash-escapes the characters that would turn user text into Markdown or raw HTML (CommonMark
 * allows escaping any ASCII punctuation), and folds line breaks so a value stays in its table cell.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~&#]/g, (char) => `\\${char}`);
}

/** A code span that survives backticks inside the text: the fence is one backtick longer than any run in it. */
export function markdownCodeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const padding = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${padding}${flat}${padding}${fence}`;
}

function renderStatement(parts: readonly StatementPart[]): string {
  return parts.map((part) => (part.kind === 'code' ? markdownCodeSpan(part.text) : escapeMarkdown(part.text))).join('');
}

function withMarker(text: string, estimated: boolean): string {
  return estimated ? `${escapeMarkdown(text)} *(estimated)*` : escapeMarkdown(text);
}

/** The impact statement alone, as one Markdown paragraph to paste into a paper or a pull request. */
export function formatMarkdownImpactStatement(record: RunRecord, equivalents: readonly EquivalentAmount[]): string {
  return renderStatement(buildReportModel(record, equivalents).statement);
}

/**
 * A Markdown report: an impact statement to paste into a paper or a pull request, energy by component
 * (machine, idle, task), run, location and machine facts, and the comparisons with their sources.
 */
export function formatMarkdownReport(record: RunRecord, equivalents: readonly EquivalentAmount[]): string {
  const model = buildReportModel(record, equivalents);
  const lines = [`# ${escapeMarkdown(model.title)}`, '', `> ${renderStatement(model.statement)}`, ''];
  for (const note of model.notes) lines.push(`- ${escapeMarkdown(note)}`);
  lines.push('', '## Energy by component', '', '| Component | Machine | of which idle | Task | Source |', '| --- | ---: | ---: | ---: | --- |');
  for (const row of model.components) {
    lines.push(`| ${row.component} | ${row.machineEnergy} | ${row.idleEnergy} | ${row.taskEnergy} | ${withMarker(row.source, row.estimated)} |`);
  }
  for (const section of model.sections) {
    lines.push('', `## ${escapeMarkdown(section.title)}`, '', '| | |', '| --- | --- |');
    for (const row of section.rows) lines.push(`| ${escapeMarkdown(row.label)} | ${withMarker(row.value, row.estimated)} |`);
  }
  if (model.equivalents.length > 0) {
    lines.push('', '## Comparisons', '');
    for (const equivalent of model.equivalents) lines.push(`- ${escapeMarkdown(equivalent.text)} (source: ${escapeMarkdown(equivalent.source)})`);
  }
  lines.push('', `Run ${markdownCodeSpan(record.id)}, measured with Carbon Meter.`, '');
  return lines.join('\n');
}
