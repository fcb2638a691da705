/** The export formats as the user picks them, and the file names they are saved under. Pure. */
import type { RunReportFormat } from '../../engine/reports/formatRunReport';
import { formatEmissions } from '../../engine/reports/formatQuantities';
import type { RunSummary } from '../../engine/runStore';

export interface FormatChoice {
  readonly format: RunReportFormat;
  readonly label: string;
  readonly detail: string;
  /** For the save dialog's filter. */
  readonly filterName: string;
  readonly extension: string;
}

export const FORMAT_CHOICES: readonly FormatChoice[] = [
  { format: 'csv', label: 'CSV (CodeCarbon emissions.csv)', detail: 'One row with CodeCarbon 3.x\'s 38 columns, for tools that read emissions.csv', filterName: 'CSV', extension: 'csv' },
  { format: 'json', label: 'JSON', detail: 'The full run record, with every sample', filterName: 'JSON', extension: 'json' },
  { format: 'html', label: 'HTML', detail: 'A standalone report page', filterName: 'HTML', extension: 'html' },
  { format: 'md', label: 'Markdown impact statement', detail: 'A statement to paste into a paper or a pull request, with the figures behind it; also copied to the clipboard', filterName: 'Markdown', extension: 'md' },
];

export function formatChoice(format: RunReportFormat): FormatChoice {
  const choice = FORMAT_CHOICES.find((candidate) => candidate.format === format);
  if (!choice) throw new Error(`unknown report format ${format}`);
  return choice;
}

/** `carbon-meter-1a2b3c4d.md`: the run id's first 8 characters keep names short and distinct. */
export function reportFileName(runId: string, format: RunReportFormat): string {
  const safe = runId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 8) || 'run';
  return `carbon-meter-${safe}.${formatChoice(format).extension}`;
}

export interface RunChoice {
  readonly label: string;
  readonly description: string;
  readonly detail: string;
  readonly runId: string;
}

/** A run in the "Export Run Report…" picker: the command, its emissions and when it ran. */
export function runChoice(run: RunSummary, formatDate: (epochMs: number) => string): RunChoice {
  const status = run.status === 'finished' ? '' : ` · ${run.status}`;
  return {
    label: run.command.length > 120 ? `${run.command.slice(0, 119)}…` : run.command,
    description: `${formatEmissions(run.emissionsKg)}${run.estimated ? ' (estimated)' : ''}${status}`,
    detail: `${run.projectName} / ${run.experimentName} · ${formatDate(run.startedAtMs)} · ${run.id.slice(0, 8)}`,
    runId: run.id,
  };
}
