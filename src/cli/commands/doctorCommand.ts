import { CarbonEngine } from '../../engine/engine';
import { formatDiagnostics } from '../../engine/powerSources/selectPowerSources';
import type { DoctorArgs } from '../args';
import type { CliIo } from '../cliIo';

/** `carbon-meter doctor`: which source measures each component, what else was tried, how to fix it. */
export async function runDoctorCommand(args: DoctorArgs, engine: CarbonEngine, io: CliIo): Promise<number> {
  const [facts, { diagnostics }] = await Promise.all([engine.hostFacts(), engine.powerSources()]);
  let location;
  let locationError: string | undefined;
  try {
    location = engine.resolveLocation({ env: io.env, configDir: io.cwd });
  } catch (error) {
    locationError = (error as Error).message;
  }
  if (args.json) {
    io.stdout(`${JSON.stringify({ machine: facts, diagnostics, location, locationError }, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `Machine: ${facts.cpuModel}, ${facts.cpuCount} CPUs, ${facts.ramTotalGiB.toFixed(1)} GiB RAM${facts.cloudProvider ? `, on ${facts.cloudProvider}` : ''}`,
    '',
    formatDiagnostics(diagnostics).trimEnd(),
    '',
    location
      ? `Location: ${location.location.countryName}${location.location.region ? `, ${location.location.region}` : ''}${location.location.cloudRegion ? ` (${location.location.cloudProvider}:${location.location.cloudRegion})` : ''} — ${location.intensity.gramsPerKWh} gCO2e/kWh (${location.intensity.source}${location.intensity.year ? `, ${location.intensity.year}` : ''}), PUE ${location.pue}; decided by ${location.location.basis}`
      : `Location: ${locationError}`,
    ...(location?.warnings ?? []).map((warning) => `  warning: ${warning}`),
  ];
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
