import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CarbonEngine } from '../../engine/engine';
import { readOwnChildrenCpuTicks } from '../../engine/attribution/childCpuTime';
import { trackCommand } from '../../engine/trackCommand';
import { formatEmissions, formatEnergy, formatDuration } from '../../engine/reports/formatQuantities';
import { formatJsonReport } from '../../engine/reports/jsonReport';
import type { RunRecord } from '../../engine/reports/runRecord';
import type { RunStore } from '../../engine/runStore';
import { readWorkspaceConfig } from '../../engine/config/workspaceConfig';
import type { PushgatewayConfig } from '../../engine/export/runMetricsExporter';
import { printable, RunArgs, shown, UsageError } from '../args';
import type { CliIo } from '../cliIo';
import { PUSHGATEWAY_URL_PATTERN } from '../../engine/export/pushgatewayClient';

/** One line per fact, on stderr so the command's own stdout stays clean. */
export function formatRunSummary(record: RunRecord, where: { csvPath: string; runsDirectory: string }): string {
  const energy = record.trackingMode === 'machine' ? record.machineEnergyKWh : record.taskEnergyKWh;
  const source = (component: 'cpu' | 'gpu' | 'ram'): string => {
    const summary = record.sources.find((candidate) => candidate.component === component);
    if (!summary?.sourceId) return 'none';
    return `${summary.sourceId}${summary.estimated ? ', estimated' : ''}`;
  };
  const place = record.location.cloudProvider
    ? `${record.location.cloudProvider}:${record.location.cloudRegion}`
    : [record.location.countryName, record.location.region].filter(Boolean).join(', ');
  const lines = [
    `carbon-meter: ${record.status} in ${formatDuration(record.durationSeconds)}, ${record.trackingMode === 'process' ? 'process tree' : 'whole machine'}`,
    `  energy     ${formatEnergy(record.energyKWh)}  (CPU ${formatEnergy(energy.cpu)} [${source('cpu')}], GPU ${formatEnergy(energy.gpu)} [${source('gpu')}], RAM ${formatEnergy(energy.ram)} [${source('ram')}])`,
    ...(record.trackingMode === 'process'
      ? [`  machine    ${formatEnergy(record.machineEnergyKWh.cpu + record.machineEnergyKWh.gpu + record.machineEnergyKWh.ram)} in all, of which idle ${formatEnergy(record.machineIdleEnergyKWh.cpu + record.machineIdleEnergyKWh.gpu + record.machineIdleEnergyKWh.ram)}; task CPU time ${(record.taskCpuSeconds ?? 0).toFixed(2)} s`]
      : []),
    `  emissions  ${formatEmissions(record.emissionsKg)}  (${record.intensity.gramsPerKWh.toFixed(0)} g/kWh, ${place}${record.location.basis === 'time-zone-guess' ? ' guessed from the time zone' : ''}; PUE ${record.pue})`,
    `  saved      ${where.csvPath} and ${where.runsDirectory}/${record.id}.json`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `carbon-meter run`: runs the command, measures it, records it. Resolves to the exit code to use. */
export async function runRunCommand(args: RunArgs, engine: CarbonEngine, io: CliIo, options: RunCommandOptions = {}): Promise<number> {
  let location;
  try {
    location = engine.resolveLocation({
      flags: { country: args.country, region: args.region, cloud: args.cloud, pue: args.pue },
      env: io.env,
      configDir: io.cwd,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const warning of location.warnings) io.stderr(`carbon-meter: ${warning}\n`);

  // Its warnings were printed with the location's, which reads the same file.
  const workspace = readWorkspaceConfig(io.cwd).config;
  const team = teamOptions(args, io, workspace.pushgateway);

  // Runs a crashed tracker left behind become `interrupted` records; done beside the command, not before it.
  const recovery = recoverInterruptedRuns(engine.store, io);

  const ownChildrenTicksBefore = await readOwnChildrenCpuTicks(engine.options.procRoot).catch(() => undefined);
  const outcome = await trackCommand({
    argv: args.argv,
    cwd: io.cwd,
    env: io.env,
    onError: (message) => io.stderr(`carbon-meter: ${message}\n`),
    startSession: (rootPid) => engine.startRun({
      command: args.argv.join(' '),
      projectName: args.project ?? workspace.project ?? basename(io.cwd),
      experimentName: args.experiment ?? workspace.experiment ?? 'default',
      trackingMode: args.trackingMode,
      location,
      rootPid,
      workingDirectory: io.cwd,
      readableIds: team.readableIds,
      pushgateway: team.pushgateway,
      readRootTotalCpuTicks: async () => {
        if (ownChildrenTicksBefore === undefined) return undefined;
        return (await readOwnChildrenCpuTicks(engine.options.procRoot)) - ownChildrenTicksBefore;
      },
    }),
  });
  await recovery;
  const saved = outcome.record ? await saveOrKeepAside(outcome.record, engine, io, options) : true;
  if (outcome.record && saved && !args.quiet) {
    io.stderr(formatRunSummary(outcome.record, { csvPath: engine.emissionsCsvPath, runsDirectory: engine.store.runsDirectory }));
  }
  // Bounded by the push timeout; a gateway that is down leaves the push queued for the next run.
  await engine.settleExports();
  return outcome.exitCode;
}

/** The Pushgateway and whether names are sent: flag, else environment, else (URL only) the workspace file. */
function teamOptions(args: RunArgs, io: CliIo, workspacePushgateway: string | undefined): { pushgateway: PushgatewayConfig | undefined; readableIds: boolean } {
  const readableIds = args.readableIds || /^(1|true|yes)$/i.test(io.env.CARBON_METER_READABLE_IDS ?? '');
  let url = args.pushgateway;
  const fromEnv = io.env.CARBON_METER_PUSHGATEWAY?.trim();
  if (url === undefined && fromEnv) {
    if (PUSHGATEWAY_URL_PATTERN.test(fromEnv)) url = fromEnv;
    else io.stderr(`carbon-meter: ignoring CARBON_METER_PUSHGATEWAY: ${printable(shown(fromEnv))} is not an http:// or https:// URL\n`);
  }
  url ??= workspacePushgateway;
  return { pushgateway: url === undefined ? undefined : { url }, readableIds };
}

/** How long the CLI waits for storage to come back before it keeps a run elsewhere; tests shorten it. */
export interface RunCommandOptions {
  /** Waits between retries of the writes still held in memory when the command ends. */
  readonly storageRetryDelaysMs?: readonly number[];
  /** Where a run goes when its store cannot be written at all. */
  readonly fallbackDir?: string;
}

const DEFAULT_STORAGE_RETRY_DELAYS_MS = [250, 500, 1_000, 2_000];

/**
 * Turns journals of crashed runs (a `kill -9`, a power cut) into `interrupted` records with their energy
 * and CO₂e up to the last sample, and says so. Every command that reads the store calls it first.
 */
export async function recoverInterruptedRuns(store: RunStore, io: CliIo): Promise<void> {
  try {
    const report = await store.recoverInterrupted();
    for (const run of report.recovered) {
      io.stderr(`carbon-meter: recovered interrupted run ${run.id}: ${formatDuration(run.durationSeconds)}, ${formatEnergy(run.energyKWh)}, `
        + `${formatEmissions(run.emissionsKg)} up to its last sample (${run.samples} samples${run.skippedLines > 0 ? `, ${run.skippedLines} unreadable lines skipped` : ''})\n`);
      if (run.csvError) io.stderr(`carbon-meter: ${run.csvError}\n`);
    }
    for (const problem of report.problems) io.stderr(`carbon-meter: could not recover ${problem.file}: ${problem.message}\n`);
  } catch (error) {
    io.stderr(`carbon-meter: could not recover interrupted runs: ${(error as Error).message}\n`);
  }
}

/**
 * The process is about to exit, taking the store's memory with it: retry what is still unwritten for a
 * few seconds, then write the record to a fallback folder, and as a last resort print it, so a full or
 * read-only disk never loses a measured run.
 */
async function saveOrKeepAside(record: RunRecord, engine: CarbonEngine, io: CliIo, options: RunCommandOptions): Promise<boolean> {
  const delays = options.storageRetryDelaysMs ?? DEFAULT_STORAGE_RETRY_DELAYS_MS;
  if (await engine.store.flush()) return true;
  io.stderr(`carbon-meter: waiting up to ${formatDuration(delays.reduce((sum, delay) => sum + delay, 0) / 1000)} for ${engine.store.runsDirectory} to accept run ${record.id}\n`);
  for (const delayMs of delays) {
    await new Promise((resolveDelay) => setTimeout(resolveDelay, delayMs));
    if (await engine.store.flush()) {
      io.stderr(`carbon-meter: storage is back; run ${record.id} written to ${engine.store.runsDirectory}\n`);
      return true;
    }
  }
  const fallbackDir = options.fallbackDir ?? join(tmpdir(), 'carbon-meter-unsaved');
  const fallbackPath = join(fallbackDir, `${record.id}.json`);
  try {
    await mkdir(fallbackDir, { recursive: true });
    await writeFile(fallbackPath, formatJsonReport(record));
    io.stderr(`carbon-meter: run ${record.id} could not be written to ${engine.store.runsDirectory}; it was saved as ${fallbackPath}. `
      + `Move it into ${engine.store.runsDirectory}/ once storage is back (\`carbon-meter report ${fallbackPath}\` reads it now).\n`);
  } catch (error) {
    io.stderr(`carbon-meter: run ${record.id} could not be written anywhere (${(error as Error).message}); its record follows, save it as ${record.id}.json:\n${formatJsonReport(record)}\n`);
  }
  return false;
}
