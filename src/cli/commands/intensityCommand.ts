import { recomputeRunEmissions, RunLiveEmissions } from '../../engine/intensity/hourlyEmissions';
import type { IntensityData } from '../../engine/intensity/intensityTable';
import { IntensityReading, LiveIntensityProvider, liveZoneFor, readLatestIntensity } from '../../engine/intensity/liveIntensityApi';
import { resolveLocation } from '../../engine/intensity/location';
import { describePlace, PlacedIntensity } from '../../engine/intensity/rankingOrigin';
import { formatEmissions, formatEnergy, formatPue, formatSignificant } from '../../engine/reports/formatQuantities';
import type { RunRecord } from '../../engine/reports/runRecord';
import { IntensityArgs, UsageError } from '../args';
import type { CliIo } from '../cliIo';

/** The environment variable that holds the Electricity Maps API key. */
export const ELECTRICITY_MAPS_KEY_VARIABLE = 'CARBON_METER_ELECTRICITY_MAPS_KEY';

/** A live provider, or why there is none. */
export type LiveProviderChoice = { readonly provider: LiveIntensityProvider } | { readonly reason: string };

/** What `intensity` needs from outside; main.ts passes the real ones, tests fixtures. */
export interface IntensityContext {
  readonly data: IntensityData;
  readonly io: Pick<CliIo, 'env' | 'cwd'>;
  readonly readRun: (id: string) => Promise<RunRecord>;
  readonly timeZone: string | undefined;
  readonly zoneTabPath: string;
  /** Called only with --live, so no key is read and no request made otherwise. */
  readonly liveProvider: () => LiveProviderChoice;
}

const SCOPE_TEXT = { country: 'country grid', region: 'sub-national grid', 'cloud-region': 'cloud region', world: 'world average' } as const;

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

async function readPlace(args: IntensityArgs, context: IntensityContext): Promise<{ place: PlacedIntensity; run: RunRecord | undefined; warnings: readonly string[] }> {
  if (args.runId !== undefined) {
    try {
      const run = await context.readRun(args.runId);
      return { place: run, run, warnings: [] };
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  try {
    const resolved = resolveLocation({
      flags: { country: args.country, region: args.region, cloud: args.cloud },
      env: context.io.env, configDir: context.io.cwd, timeZone: context.timeZone, zoneTabPath: context.zoneTabPath,
    }, context.data);
    return { place: resolved, run: undefined, warnings: resolved.warnings };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `carbon-meter intensity`: the grid intensity of a place, yearly and (with --live) live; or a run recomputed hour by hour. */
export async function runIntensityCommand(args: IntensityArgs, context: IntensityContext): Promise<string> {
  const { place, run, warnings } = await readPlace(args, context);
  const yearly = { gramsPerKWh: place.intensity.gramsPerKWh, source: place.intensity.source, year: place.intensity.year };
  const zone = liveZoneFor(place.location, context.data, args.zone);

  let live: IntensityReading | undefined;
  let hourly: RunLiveEmissions | undefined;
  if (args.live) {
    const choice = context.liveProvider();
    const provider = 'provider' in choice ? choice.provider : undefined;
    const reason = 'reason' in choice ? choice.reason : undefined;
    if (run) hourly = await recomputeRunEmissions(provider, zone?.zone, run, reason);
    else live = await readLatestIntensity(provider, zone?.zone, yearly, reason);
  }

  if (args.json) {
    return `${JSON.stringify({ location: place.location, yearly: { ...yearly, scope: place.intensity.scope }, pue: place.pue, zone, live, runId: run?.id, hourly, warnings }, null, 2)}\n`;
  }
  const lines = [
    `Location   ${describePlace(place.location)} (${place.location.countryIso3}), ${SCOPE_TEXT[place.intensity.scope]}; decided by ${place.location.basis}`,
    `Yearly     ${formatSignificant(yearly.gramsPerKWh)} gCO2e/kWh${yearly.year ? ` (${yearly.year})` : ''}: ${yearly.source}`,
    `PUE        ${formatPue(place.pue)}`,
  ];
  if (run) {
    lines.unshift(`Run        ${run.id}: ${formatEnergy(run.energyKWh)}, ${utc(run.startedAtMs)} to ${utc(run.endedAtMs)}`);
    lines.push(`Emissions  ${formatEmissions(run.emissionsKg)} with the yearly figure`);
  }
  if (live) {
    lines.push(live.live
      ? `Live       ${formatSignificant(live.gramsPerKWh)} gCO2e/kWh for the hour from ${utc(live.atMs ?? 0)}: ${live.source}${live.estimated ? ' (estimated by the provider)' : ''}${live.fromCache ? ' (cached)' : ''}`
      : `Live       not used: ${live.fallbackReason ?? ''}`);
  }
  if (hourly) {
    if (hourly.basis === 'yearly') {
      lines.push(`Hourly     not used: ${hourly.fallbackReason ?? ''}`);
    } else {
      const percent = hourly.yearlyEmissionsKg > 0 ? ` (${((hourly.differenceKg / hourly.yearlyEmissionsKg) * 100).toFixed(0)} %)` : '';
      lines.push(`Hourly     ${formatEmissions(hourly.emissionsKg)} at ${formatSignificant(hourly.averageIntensityGramsPerKWh)} g/kWh on average: ${hourly.source}; ${formatEmissions(hourly.differenceKg)} against yearly${percent}`);
      for (const hour of hourly.hours) {
        lines.push(`  ${utc(hour.startMs)}  ${formatSignificant(hour.gramsPerKWh)} g/kWh  ${formatEnergy(hour.energyKWh)}${hour.estimated ? '  (estimated)' : ''}`);
      }
      if (hourly.fallbackReason) lines.push(`  ${hourly.fallbackReason}`);
    }
  }
  if (!args.live) lines.push(`Add --live for Electricity Maps' figure (key in ${ELECTRICITY_MAPS_KEY_VARIABLE}).`);
  else if (zone && zone.basis !== 'given') lines.push(`Zone ${zone.zone} from the ${zone.basis}; --zone Z picks another.`);
  lines.push(...warnings.map((warning) => `warning: ${warning}`));
  return `${lines.join('\n')}\n`;
}
