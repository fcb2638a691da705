import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CarbonEngine } from '../../engine/engine';
import { loadEmbodiedData } from '../../engine/lifecycle/embodiedData';
import { formatRunReport } from '../../engine/reports/formatRunReport';
import type { RunRecord } from '../../engine/reports/runRecord';
import { createRunStore } from '../../engine/runStore';
import { checkRunRecord } from '../../engine/storage/recordShape';
import { ReportArgs, UsageError } from '../args';
import type { CliIo } from '../cliIo';
import { recoverInterruptedRuns } from './runCommand';
import { runTeamReportCommand } from './teamReportCommand';

/** A run file, the newest run of a store directory, or a run id (prefix) in the default store. */
async function findRun(argument: string, cwd: string, engine: CarbonEngine, io: CliIo): Promise<RunRecord> {
  const target = existsSync(resolve(cwd, argument)) ? resolve(cwd, argument) : argument;
  if (existsSync(target) && statSync(target).isFile()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(target, 'utf8'));
    } catch (error) {
      throw new UsageError(`${target} is not JSON: ${(error as Error).message}`);
    }
    const checked = checkRunRecord(parsed);
    if ('problem' in checked) throw new UsageError(`${target} is not a Carbon Meter run record: ${checked.problem}`);
    return checked.record;
  }
  const store = existsSync(target) && statSync(target).isDirectory()
    ? createRunStore({ directory: target, emissionsCsvPath: join(target, 'emissions.csv') })
    : engine.store;
  try {
    // A run whose tracker was killed is in no final file yet: recover it first, so it can be reported.
    await recoverInterruptedRuns(store, io);
    if (store !== engine.store) {
      const { runs, problems } = await store.listRuns();
      // Unreadable files are skipped, never fatal: the good runs are still reported.
      for (const problem of problems) io.stderr(`carbon-meter: skipped unreadable run file ${problem.file}: ${problem.message}\n`);
      const newest = runs[0];
      if (!newest) throw new UsageError(`No runs in ${target}.`);
      return await store.readRun(newest.id);
    }
    return await store.readRun(target);
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  } finally {
    if (store !== engine.store) store.dispose();
  }
}

export function formatReport(record: RunRecord, format: ReportArgs['format'], engine: CarbonEngine): string {
  return formatRunReport(record, format, engine.data.equivalents, { data: loadEmbodiedData(engine.options.dataDir) });
}

/** `carbon-meter report`: prints a run's report, or writes it to `--out`. */
export async function runReportCommand(args: ReportArgs, engine: CarbonEngine, io: CliIo): Promise<number> {
  if (args.groupBy) return runTeamReportCommand({ ...args, groupBy: args.groupBy }, io);
  const record = await findRun(args.target, io.cwd, engine, io);
  const text = formatReport(record, args.format, engine);
  if (!args.outDir) {
    io.stdout(text);
    return 0;
  }
  const outDir = resolve(io.cwd, args.outDir);
  await mkdir(outDir, { recursive: true });
  // The id comes from the run file, which may be anyone's: it names a file inside outDir, never a path.
  const fileName = record.id.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
  const path = join(outDir, `${fileName}.${args.format}`);
  await writeFile(path, text);
  io.stderr(`carbon-meter: wrote ${path}\n`);
  return 0;
}
