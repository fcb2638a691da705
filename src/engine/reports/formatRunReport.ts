import { computeEquivalents, EquivalentDefinition } from './equivalents';
import { emissionsCsvFields, formatEmissionsCsvHeader } from './csvReport';
import { formatCsvLine } from './csvText';
import { escapeHtml } from './escapeHtml';
import { formatHtmlReport } from './htmlReport';
import { formatJsonReport } from './jsonReport';
import { escapeMarkdown, formatMarkdownReport } from './markdownReport';
import type { RunRecord } from './runRecord';
import type { EmbodiedChoices } from '../lifecycle/deviceEmbodied';
import type { EmbodiedData } from '../lifecycle/embodiedData';
import { formatRunEmbodiedHtml, formatRunEmbodiedMarkdown } from '../lifecycle/formatEmbodied';
import { computeRunEmbodied } from '../lifecycle/runEmbodied';

export type RunReportFormat = 'csv' | 'json' | 'html' | 'md';

export const RUN_REPORT_FORMATS: readonly RunReportFormat[] = ['csv', 'json', 'html', 'md'];

/**
 * One run in one of the exported formats; the CLI's `report` and the extension's export share it so
 * both write the same bytes. `csv` is a one-row CodeCarbon emissions.csv with its header. With `embodied`,
 * the Markdown and HTML reports gain the run's embodied share (SCI) beside its operational CO₂e.
 */
export function formatRunReport(
  record: RunRecord, format: RunReportFormat, equivalents: readonly EquivalentDefinition[],
  embodied?: { readonly data: EmbodiedData; readonly choices?: EmbodiedChoices },
): string {
  const amounts = () => computeEquivalents(record.emissionsKg, { provenance: undefined, equivalents });
  switch (format) {
    case 'md': return formatMarkdownReport(record, amounts()) + (embodied ? `\n${embodiedSection(record, embodied)}` : '');
    case 'html': return formatHtmlReport(record, amounts(), embodied ? embodiedHtmlSection(record, embodied) : '');
    case 'json': return formatJsonReport(record);
    case 'csv': return formatEmissionsCsvHeader() + formatCsvLine(Object.values(emissionsCsvFields(record)));
  }
}

/** The embodied section, or one line saying why it could not be computed: a report is never lost to it. */
function embodiedSection(record: RunRecord, embodied: { readonly data: EmbodiedData; readonly choices?: EmbodiedChoices }): string {
  try {
    return formatRunEmbodiedMarkdown(computeRunEmbodied(record, embodied.data, embodied.choices));
  } catch (error) {
    return `## Embodied emissions\n\nNot computed: ${escapeMarkdown((error as Error).message)}\n`;
  }
}

function embodiedHtmlSection(record: RunRecord, embodied: { readonly data: EmbodiedData; readonly choices?: EmbodiedChoices }): string {
  try {
    return formatRunEmbodiedHtml(computeRunEmbodied(record, embodied.data, embodied.choices));
  } catch (error) {
    return `<h2>Embodied emissions</h2>\n<p>Not computed: ${escapeHtml((error as Error).message)}</p>`;
  }
}
