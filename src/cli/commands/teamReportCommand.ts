import { mkdir, writeFile } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { groupTeamRuns } from '../../engine/reports/team/groupTeamRuns';
import { formatTeamReportHtml, formatTeamReportJson, formatTeamReportMarkdown, TeamReportSources } from '../../engine/reports/team/formatTeamReport';
import { readTeamRuns } from '../../engine/reports/team/readTeamRuns';
import { printable, type ReportArgs } from '../args';
import type { CliIo } from '../cliIo';

/**
 * `carbon-meter report --group-by …`: totals, weekly trend and top tasks over stores and emissions.csv
 * files (CodeCarbon's included). Reads only: other people's stores are never written to, so crashed runs
 * in them are not recovered here. Exit 1 when nothing at all could be read.
 */
export async function runTeamReportCommand(args: ReportArgs & { groupBy: NonNullable<ReportArgs['groupBy']> }, io: CliIo): Promise<number> {
  const paths = args.targets.map((target) => resolve(io.cwd, target));
  const reading = await readTeamRuns(paths);
  for (const problem of reading.problems) io.stderr(`carbon-meter: ${printable(problem)}\n`);
  if (reading.runs.length === 0) {
    io.stderr(`carbon-meter: no runs found in ${args.targets.map((target) => printable(target)).join(', ')}\n`);
    return 1;
  }
  const report = groupTeamRuns(reading.runs, args.groupBy);
  const read: TeamReportSources = { sources: args.targets, skipped: reading.skipped, problems: reading.problems };
  const format = args.format === 'csv' ? 'md' : args.format;
  const text = format === 'html' ? formatTeamReportHtml(report, read) : format === 'json' ? formatTeamReportJson(report, read) : formatTeamReportMarkdown(report, read);
  if (!args.outDir) {
    io.stdout(text);
    return 0;
  }
  const outDir = resolve(io.cwd, args.outDir);
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, `team-report.${format}`);
  await writeFile(path, text);
  io.stderr(`carbon-meter: wrote ${path}\n`);
  return 0;
}
