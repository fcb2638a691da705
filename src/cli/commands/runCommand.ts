import { basename } from 'node:path';
import { CarbonEngine } from '../../engine/engine';
import { readOwnChildrenCpuTicks } from '../../engine/attribution/childCpuTime';
import { trackCommand } from '../../engine/trackCommand';
import { formatEmissions, formatEnergy, formatDuration } from '../../engine/reports/formatQuantities';
import type { RunRecord } from '../../engine/reports/runRecord';
import { RunArgs, UsageError } from '../args';
import type { CliIo } from '../cliIo';

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
export async function runRunCommand(args: RunArgs, engine: CarbonEngine, io: CliIo): Promise<number> {
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

  // Runs a crashed tracker left behind become `interrupted` records; done beside the command, not before it.
  const recovery = engine.store.recoverInterrupted().then((report) => {
    for (const run of report.recovered) io.stderr(`carbon-meter: recovered interrupted run ${run.id} (${run.samples} samples)\n`);
  }, () => undefined);

  const ownChildrenTicksBefore = await readOwnChildrenCpuTicks(engine.options.procRoot).catch(() => undefined);
  const outcome = await trackCommand({
    argv: args.argv,
    cwd: io.cwd,
    env: io.env,
    onError: (message) => io.stderr(`carbon-meter: ${message}\n`),
    startSession: (rootPid) => engine.startRun({
      command: args.argv.join(' '),
      projectName: args.project ?? basename(io.cwd),
      experimentName: args.experiment ?? 'default',
      trackingMode: args.trackingMode,
      location,
      rootPid,
      readRootTotalCpuTicks: async () => {
        if (ownChildrenTicksBefore === undefined) return undefined;
        return (await readOwnChildrenCpuTicks(engine.options.procRoot)) - ownChildrenTicksBefore;
      },
    }),
  });
  await recovery;
  if (outcome.record && !args.quiet) {
    io.stderr(formatRunSummary(outcome.record, { csvPath: engine.emissionsCsvPath, runsDirectory: engine.store.runsDirectory }));
  }
  return outcome.exitCode;
}
