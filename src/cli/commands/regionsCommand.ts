import { findCloseMatches, unknownMessage } from '../../engine/intensity/closeMatches';
import { findCountry, IntensityData } from '../../engine/intensity/intensityTable';
import { resolveLocation } from '../../engine/intensity/location';
import { originFromPlace, PlacedIntensity } from '../../engine/intensity/rankingOrigin';
import {
  describeEstimate, RankedRegion, RankingInputError, rankRegions, RegionFilters, RegionRanking,
} from '../../engine/intensity/regionRanking';
import { formatEmissions, formatEnergy, formatPue, formatSignificant } from '../../engine/reports/formatQuantities';
import type { RunRecord } from '../../engine/reports/runRecord';
import { RegionsArgs, UsageError } from '../args';
import type { CliIo } from '../cliIo';
import { formatTable } from '../formatTable';

/** What `regions` needs from outside; main.ts passes the real ones, tests fixtures. */
export interface RegionsContext {
  readonly data: IntensityData;
  readonly io: Pick<CliIo, 'env' | 'cwd'>;
  /** Reads a stored run by id or unique prefix. */
  readonly readRun: (id: string) => Promise<RunRecord>;
  readonly timeZone: string | undefined;
  readonly zoneTabPath: string;
}

const EXCLUDED_SHOWN = 8;

function checkProviders(providers: readonly string[], data: IntensityData): void {
  const known = [...new Set(data.cloudRegions.map((region) => region.provider))].sort();
  for (const provider of providers) {
    if (!known.includes(provider)) {
      const close = findCloseMatches(provider, known.map((id) => ({ keys: [id], label: id })));
      throw new UsageError(`Unknown provider "${provider}". Known providers: ${known.join(', ')}.${close.length ? ` Did you mean ${close[0]}?` : ''}`);
    }
  }
}

function resolveCountries(countries: readonly string[], data: IntensityData): string[] {
  return countries.map((country) => {
    try {
      return findCountry(data, country).iso3;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
}

function resolveContinents(continents: readonly string[], data: IntensityData): string[] {
  const known = [...new Set(data.cloudRegions.map((region) => region.continent).filter((c): c is string => c !== null))].sort();
  return continents.map((continent) => {
    const found = known.find((name) => name.toLowerCase() === continent.trim().toLowerCase());
    if (found) return found;
    const close = findCloseMatches(continent, known.map((name) => ({ keys: [name], label: name })));
    throw new UsageError(`${unknownMessage('continent', continent, close)} Known: ${known.join(', ')}.`);
  });
}

/** `--from aws:eu-west-1`, `--from FR`, `--from US/CA`. */
function placeFrom(from: string, context: RegionsContext): PlacedIntensity {
  const [country, region] = from.includes('/') ? from.split('/', 2) : [from, undefined];
  const flags = from.includes(':') ? { cloud: from } : { country, region };
  try {
    return resolveLocation({ flags, env: {}, timeZone: undefined, zoneTabPath: context.zoneTabPath }, context.data);
  } catch (error) {
    throw new UsageError(`--from: ${(error as Error).message}`);
  }
}

async function readWorkload(args: RegionsArgs, context: RegionsContext): Promise<{ energyKWh: number | undefined; place: PlacedIntensity; run: RunRecord | undefined }> {
  let run: RunRecord | undefined;
  if (args.runId !== undefined) {
    try {
      run = await context.readRun(args.runId);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const place = args.from !== undefined
    ? placeFrom(args.from, context)
    : run ?? resolveLocation({ env: context.io.env, configDir: context.io.cwd, timeZone: context.timeZone, zoneTabPath: context.zoneTabPath }, context.data);
  return { energyKWh: run ? run.energyKWh : args.energyKWh, place, run };
}

/** `carbon-meter regions`: cloud regions ranked by a workload's emissions, with savings against here. Returns the text for stdout. */
export async function runRegionsCommand(args: RegionsArgs, context: RegionsContext): Promise<string> {
  const { data } = context;
  checkProviders(args.providers, data);
  const filters: RegionFilters = {
    providers: args.providers.length > 0 ? args.providers : undefined,
    countries: args.countries.length > 0 ? resolveCountries(args.countries, data) : undefined,
    continents: args.continents.length > 0 ? resolveContinents(args.continents, data) : undefined,
    maxDistanceKm: args.maxDistanceKm,
    measuredOnly: args.measuredOnly,
  };
  const { energyKWh, place, run } = await readWorkload(args, context);
  const origin = originFromPlace(place, data, { coordinates: args.near, timeZone: context.timeZone, zoneTabPath: context.zoneTabPath });

  let ranking: RegionRanking;
  try {
    ranking = rankRegions(data.cloudRegions, { energyKWh, origin }, filters);
  } catch (error) {
    if (error instanceof RankingInputError && args.maxDistanceKm !== undefined && !origin.coordinates) {
      throw new UsageError(`--max-distance-km needs to know where here is, and ${origin.label} has no coordinates: give --near LATITUDE,LONGITUDE.`);
    }
    throw error instanceof RankingInputError ? new UsageError(error.message) : error;
  }
  const shown = args.limit ? ranking.ranked.slice(0, args.limit) : ranking.ranked;
  if (args.json && args.full) {
    return `${JSON.stringify({ runId: run?.id, energyKWh: ranking.energyKWh, origin: ranking.origin, filters, ranked: shown, excluded: ranking.excluded }, null, 2)}\n`;
  }
  if (args.json) {
    // The engine issue's contract: an array, lowest first, each row naming its `country`.
    return `${JSON.stringify(shown.map((row) => ({ country: row.countryIso3, ...row })), null, 2)}\n`;
  }
  return formatRanking(ranking, shown, run);
}

function dataLabel(region: RankedRegion): string {
  const year = region.intensityYear ? ` ${region.intensityYear}` : '';
  const intensity = {
    provider: `provider${year}`, region: 'Ember 2024-25', subdivision: `state avg${year}`, country: `country avg${year}`,
  }[region.intensityBasis];
  const pue = region.estimates.includes('pue-unknown') ? '; PUE 1.0 assumed' : region.estimates.includes('pue-provider-average') ? '; PUE avg' : '';
  return `${intensity}${pue}`;
}

function formatRanking(ranking: RegionRanking, shown: readonly RankedRegion[], run: RunRecord | undefined): string {
  const { origin, energyKWh } = ranking;
  const withEnergy = energyKWh !== undefined;
  const withDistance = origin?.coordinates !== undefined;
  const lines: string[] = [];
  if (origin) {
    const here = `${origin.label}: ${formatSignificant(origin.gridIntensityGramsPerKWh)} g/kWh × PUE ${formatPue(origin.pue)}`;
    lines.push(withEnergy
      ? `Workload: ${formatEnergy(energyKWh)} at the components${run ? ` (run ${run.id})` : ''}; here, ${here} = ${formatEmissions(origin.emissionsKg ?? 0)}.`
      : `Here: ${here}.`);
    if (withDistance) lines.push(`Distances from ${origin.coordinatesSource === 'given' ? '--near' : origin.coordinatesSource} (${formatSignificant(origin.coordinates?.latitude ?? 0, 4)}, ${formatSignificant(origin.coordinates?.longitude ?? 0, 4)}).`);
    lines.push('');
  }
  const headers = ['rank', 'provider', 'region', 'country', 'g/kWh', 'PUE', ...(withEnergy ? ['CO2e', 'saving'] : []), ...(origin ? ['saving %'] : []),
    ...(withDistance ? ['km'] : []), 'CFE', 'data', 'name'];
  const rows = shown.map((region) => [
    `${region.isCurrent ? '*' : ''}${region.tied ? '=' : ''}${region.rank}`,
    region.provider, region.region, region.countryIso3,
    formatSignificant(region.gridIntensityGramsPerKWh), formatPue(region.pue),
    ...(withEnergy ? [formatEmissions(region.emissionsKg ?? 0).replace(' CO₂e', ''), region.savingKg === undefined ? '' : formatEmissions(region.savingKg).replace(' CO₂e', '')] : []),
    ...(origin ? [region.savingPercent === undefined ? '' : `${region.savingPercent.toFixed(0)} %`] : []),
    ...(withDistance ? [region.distanceKm === undefined ? '-' : region.distanceKm.toFixed(0)] : []),
    region.carbonFreePercent === null ? '' : `${region.carbonFreePercent.toFixed(0)} %`,
    dataLabel(region),
    region.displayName,
  ]);
  const numeric = headers.map((header) => ['rank', 'g/kWh', 'PUE', 'CO2e', 'saving', 'saving %', 'km', 'CFE'].includes(header));
  lines.push(formatTable(headers, rows, numeric), '');

  const notes = [
    withEnergy
      ? 'CO2e = energy × PUE × grid intensity (yearly average); saving = here minus the region (negative: more than here).'
      : `Sorted by PUE × grid intensity.${origin ? ' Saving % compares it with here.' : ''} Add --energy-kwh N or --run ID for emissions.`,
    '=N: tied with another region; *: where the workload runs now. CFE: Google\'s carbon-free energy share.',
  ];
  if (shown.length < ranking.ranked.length) notes.push(`Showing ${shown.length} of ${ranking.ranked.length} regions (--limit).`);
  if (ranking.ranked.length === 0) notes.push('No region matches the filters.');
  const byReason = new Map<string, string[]>();
  for (const excluded of ranking.excluded) {
    const title = {
      'no-intensity': 'no grid intensity known',
      'no-continent': 'continent unknown',
      'no-coordinates': 'no coordinates, so the distance is unknown',
      estimated: 'estimated data (--measured-only)',
    }[excluded.reason];
    byReason.set(title, [...(byReason.get(title) ?? []), `${excluded.provider}:${excluded.region}`]);
  }
  for (const [title, keys] of byReason) {
    const more = keys.length > EXCLUDED_SHOWN ? `, and ${keys.length - EXCLUDED_SHOWN} more (--json lists all)` : '';
    notes.push(`Left out, ${title}: ${keys.length} region${keys.length === 1 ? '' : 's'}: ${keys.slice(0, EXCLUDED_SHOWN).join(', ')}${more}.`);
  }
  const reasons = [...new Set(shown.flatMap((r) => r.estimates))];
  const hidden = shown.filter((region) => region.estimates.some((reason) => reason !== 'pue-provider-average')).length;
  if (reasons.length > 0) {
    notes.push(`Estimates among the regions shown: ${reasons.map(describeEstimate).join('; ')}.${hidden > 0 ? ` --measured-only hides the ${hidden} whose intensity is a country or state average or whose PUE is unknown.` : ''}`);
  }
  lines.push(...notes);
  return `${lines.join('\n')}\n`;
}
