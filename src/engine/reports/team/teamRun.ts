import type { RunSummary } from '../../runStore';
import { parseEmissionsCsv } from '../csvReport';

/** One run as the team report counts it, whatever it was read from. */
export interface TeamRun {
  /** The run's id when its source has one; used to count a run found twice (store and CSV) once. */
  readonly id: string | undefined;
  readonly project: string;
  readonly experiment: string;
  /** The command or task; CodeCarbon's CSV has no such column, so its rows have none. */
  readonly task: string;
  readonly endedAtMs: number;
  readonly durationSeconds: number;
  readonly energyKWh: number;
  readonly emissionsKg: number;
  /** The store folder or CSV file it came from, for the report's list of sources. */
  readonly source: string;
}

export interface TeamRunsReading {
  readonly runs: readonly TeamRun[];
  /** Rows or records left out, and why (a torn CSV row, a missing column): counted, never thrown. */
  readonly skipped: number;
  readonly problems: readonly string[];
}

export function teamRunsFromSummaries(summaries: readonly RunSummary[], source: string): TeamRun[] {
  return summaries.map((summary) => ({
    id: summary.id,
    project: summary.projectName,
    experiment: summary.experimentName,
    task: summary.command,
    endedAtMs: summary.endedAtMs,
    durationSeconds: summary.durationSeconds,
    energyKWh: summary.energyKWh,
    emissionsKg: summary.emissionsKg,
    source,
  }));
}

const REQUIRED_COLUMNS = ['timestamp', 'project_name', 'duration', 'emissions', 'energy_consumed'] as const;

/**
 * CodeCarbon's timestamp is local time without a zone (`2024-03-15T10:00:00`), sometimes with
 * microseconds or an offset; Date.parse reads all three (zone-less as local time, as CodeCarbon wrote it).
 */
function parseTimestamp(text: string): number {
  return Date.parse(text.trim().replace(' ', 'T'));
}

/**
 * Reads an `emissions.csv`: ours, or one CodeCarbon wrote (2.x files have fewer columns; only those the
 * report needs are required). A row with a number that does not parse is skipped and counted.
 */
export function teamRunsFromEmissionsCsv(text: string, source: string): TeamRunsReading {
  const parsed = parseEmissionsCsv(text.replace(/^\uFEFF/, ''));
  const missing = REQUIRED_COLUMNS.filter((column) => !parsed.header.includes(column));
  if (missing.length > 0) {
    return { runs: [], skipped: parsed.rows.length + parsed.skippedRows, problems: [`${source}: not an emissions.csv (no ${missing.join(', ')} column)`] };
  }
  const runs: TeamRun[] = [];
  let skipped = parsed.skippedRows;
  for (const row of parsed.rows) {
    const durationSeconds = Number(row.duration);
    const emissionsKg = Number(row.emissions);
    const energyKWh = Number(row.energy_consumed);
    const endedAtMs = parseTimestamp(row.timestamp ?? '');
    if (![durationSeconds, emissionsKg, energyKWh, endedAtMs].every(Number.isFinite) || row.duration === '' || row.emissions === '' || row.energy_consumed === '') {
      skipped++;
      continue;
    }
    runs.push({
      id: row.run_id || undefined,
      project: row.project_name || '(no project)',
      experiment: row.experiment_id || 'default',
      task: '',
      endedAtMs,
      durationSeconds,
      energyKWh,
      emissionsKg,
      source,
    });
  }
  const problems = skipped > 0 ? [`${source}: ${skipped} row(s) skipped (torn, or a number that does not parse)`] : [];
  return { runs, skipped, problems };
}

/**
 * Joins readings, counting a run that appears in several (a store and the emissions.csv beside it, or
 * one CSV given twice) once: the first reading wins, so list stores before CSV files.
 */
export function mergeTeamRuns(readings: readonly TeamRunsReading[]): TeamRunsReading {
  const seen = new Set<string>();
  const runs: TeamRun[] = [];
  for (const reading of readings) {
    for (const run of reading.runs) {
      if (run.id !== undefined) {
        if (seen.has(run.id)) continue;
        seen.add(run.id);
      }
      runs.push(run);
    }
  }
  return {
    runs,
    skipped: readings.reduce((sum, reading) => sum + reading.skipped, 0),
    problems: readings.flatMap((reading) => reading.problems),
  };
}
