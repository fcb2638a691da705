import { computeEquivalents, EquivalentDefinition } from './equivalents';
import { emissionsCsvFields, formatEmissionsCsvHeader } from './csvReport';
import { formatCsvLine } from './csvText';
import { formatHtmlReport } from './htmlReport';
import { formatJsonReport } from './jsonReport';
import { formatMarkdownReport } from './markdownReport';
import type { RunRecord } from './runRecord';

export type RunReportFormat = 'csv' | 'json' | 'html' | 'md';

export const RUN_REPORT_FORMATS: readonly RunReportFormat[] = ['csv', 'json', 'html', 'md'];

/**
 * One run in one of the exported formats; the CLI's `report` and the extension's export share it so
 * both write the same bytes. `csv` is a one-row CodeCarbon emissions.csv with its header.
 */
export function formatRunReport(record: RunRecord, format: RunReportFormat, equivalents: readonly EquivalentDefinition[]): string {
  const amounts = () => computeEquivalents(record.emissionsKg, { provenance: undefined, equivalents });
  switch (format) {
    case 'md': return formatMarkdownReport(record, amounts());
    case 'html': return formatHtmlReport(record, amounts());
    case 'json': return formatJsonReport(record);
    case 'csv': return formatEmissionsCsvHeader() + formatCsvLine(Object.values(emissionsCsvFields(record)));
  }
}
