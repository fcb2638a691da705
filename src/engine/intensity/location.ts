/**
 * Decides where a run happens and which grid intensity and PUE apply, from the strongest source of
 * information to the weakest: flags, settings, environment, .carbon-meter.json, time zone, world average.
 */
import { readWorkspaceConfig, WORKSPACE_CONFIG_FILE_NAME } from '../config/workspaceConfig';
import type { LocationBasis, RunIntensity, RunLocation } from '../reports/runRecord';
import { findCloudRegion, findCountry, findRegion, type CloudRegion, type IntensityData } from './intensityTable';
import { countryOfTimeZone, DEFAULT_ZONE_TAB_PATH } from './timeZoneCountry';

/** What a user can state about the location, in any layer. */
export interface LocationChoice {
  /** ISO3, ISO2 or country name. */
  readonly country?: string;
  /** Sub-national region code, e.g. "CA" for California. */
  readonly region?: string;
  /** "provider:region", e.g. "gcp:europe-west1". */
  readonly cloud?: string;
  readonly pue?: number;
}

/** Every input is passed in, so the logic never reads globals. */
export interface LocationInput {
  readonly flags?: LocationChoice;
  readonly settings?: LocationChoice;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory searched for `.carbon-meter.json`; none when undefined. */
  readonly configDir?: string;
  /** IANA time zone, e.g. from `systemTimeZone()`. */
  readonly timeZone?: string;
  readonly zoneTabPath?: string;
}

/** The resolved location, intensity and PUE, plus anything the caller should show the user. */
export interface ResolvedLocation {
  readonly location: RunLocation;
  readonly intensity: RunIntensity;
  readonly pue: number;
  readonly pueSource: string;
  readonly warnings: readonly string[];
}

export const CONFIG_FILE_NAME = WORKSPACE_CONFIG_FILE_NAME;
// CodeCarbon's default when nothing is known about the data centre.
const DEFAULT_PUE = 1.0;
const MAX_PUE = 5;

interface Layer {
  readonly basis: LocationBasis;
  readonly choice: LocationChoice;
}

/** Resolves the location; throws only when an explicit flag names something unknown. */
export function resolveLocation(input: LocationInput, data: IntensityData): ResolvedLocation {
  const warnings: string[] = [];
  const layers: Layer[] = [
    { basis: 'flag', choice: input.flags ?? {} },
    { basis: 'setting', choice: input.settings ?? {} },
    { basis: 'environment', choice: readEnvironment(input.env, warnings) },
    { basis: 'config-file', choice: input.configDir ? readConfigFile(input.configDir, warnings) : {} },
  ];
  let resolved: Omit<ResolvedLocation, 'pue' | 'pueSource' | 'warnings'> & { cloud?: CloudRegion } | undefined;
  for (const layer of layers) {
    try {
      resolved = resolveLayer(layer, data, warnings);
    } catch (error) {
      if (layer.basis === 'flag') throw error;
      warnings.push(`Ignoring ${layer.basis} location: ${(error as Error).message}`);
    }
    if (resolved) break;
  }
  resolved ??= guessFromTimeZone(input, data) ?? worldDefault(data);

  const pueLayer = layers.find((l) => l.choice.pue !== undefined);
  const cloudPue = resolved.cloud?.pue;
  const pue = pueLayer?.choice.pue ?? cloudPue ?? DEFAULT_PUE;
  const pueSource = pueLayer ? pueLayer.basis : cloudPue != null ? `cloud region: ${resolved.cloud?.pueSource ?? ''}` : 'default (CodeCarbon 1.0)';
  return { location: resolved.location, intensity: resolved.intensity, pue, pueSource, warnings };
}

function resolveLayer(layer: Layer, data: IntensityData, warnings: string[]) {
  const { choice, basis } = layer;
  if (choice.cloud) {
    const cloud = findCloudRegion(data, choice.cloud);
    const country = findCountry(data, cloud.countryIso3);
    const location: RunLocation = {
      countryIso3: country.iso3, countryName: country.name, region: cloud.zone ?? undefined, cloudProvider: cloud.provider, cloudRegion: cloud.region,
      latitude: cloud.latitude ?? undefined, longitude: cloud.longitude ?? undefined, basis,
    };
    if (cloud.gridIntensityGramsPerKWh === null) {
      warnings.push(`${cloud.provider}:${cloud.region} has no grid intensity; using the ${country.name} average.`);
      return { location, cloud, intensity: { gramsPerKWh: country.gramsPerKWh, source: country.source, year: country.year, scope: 'country' as const } };
    }
    const intensity: RunIntensity = { gramsPerKWh: cloud.gridIntensityGramsPerKWh, source: cloud.intensitySource, year: cloud.intensityYear ?? undefined, scope: 'cloud-region' };
    return { location, cloud, intensity };
  }
  if (choice.region) {
    const region = choice.country ? findRegion(data, choice.country, choice.region) : findUniqueRegion(data, choice.region);
    const country = findCountry(data, region.countryIso3);
    return {
      location: { countryIso3: country.iso3, countryName: country.name, region: region.code, cloudProvider: undefined, cloudRegion: undefined, latitude: undefined, longitude: undefined, basis },
      intensity: { gramsPerKWh: region.gramsPerKWh, source: region.source, year: region.year ?? undefined, scope: 'region' as const },
    };
  }
  if (choice.country) return countryResult(findCountry(data, choice.country).iso3, data, basis);
  return undefined;
}

/** A region code alone ("ON") is accepted when exactly one country has it. */
function findUniqueRegion(data: IntensityData, code: string) {
  const candidates = data.regions.filter((r) => r.code.toUpperCase() === code.trim().toUpperCase());
  const [only] = candidates;
  if (candidates.length === 1 && only) return only;
  const where = candidates.length > 1 ? `several countries have region "${code}" (${candidates.map((r) => r.countryIso3).join(', ')})` : `unknown region "${code}"`;
  throw new Error(`${where}; give a country too.`);
}

function countryResult(iso3: string, data: IntensityData, basis: LocationBasis) {
  const country = findCountry(data, iso3);
  return {
    location: { countryIso3: country.iso3, countryName: country.name, region: undefined, cloudProvider: undefined, cloudRegion: undefined, latitude: undefined, longitude: undefined, basis },
    intensity: { gramsPerKWh: country.gramsPerKWh, source: country.source, year: country.year, scope: 'country' as const },
  };
}

function guessFromTimeZone(input: LocationInput, data: IntensityData) {
  if (!input.timeZone) return undefined;
  const iso2 = countryOfTimeZone(input.timeZone, input.zoneTabPath ?? DEFAULT_ZONE_TAB_PATH);
  const country = iso2 ? data.countries.find((c) => c.iso2 === iso2) : undefined;
  return country ? countryResult(country.iso3, data, 'time-zone-guess') : undefined;
}

function worldDefault(data: IntensityData) {
  return {
    location: { countryIso3: 'WLD', countryName: data.world.name, region: undefined, cloudProvider: undefined, cloudRegion: undefined, latitude: undefined, longitude: undefined, basis: 'default' as const },
    intensity: { gramsPerKWh: data.world.gramsPerKWh, source: data.world.source, year: data.world.year, scope: 'world' as const },
  };
}

function parsePue(raw: unknown, where: string, warnings: string[]): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  // PUE is facility energy over IT energy, so it cannot be below 1; above 5 is a typo, not a data centre
  // (the same range as --pue, the setting and the workspace file).
  if (Number.isFinite(value) && value >= 1 && value <= MAX_PUE) return value;
  warnings.push(`Ignoring ${where} PUE ${JSON.stringify(raw)}: expected a number from 1 to ${MAX_PUE}.`);
  return undefined;
}

function readEnvironment(env: Readonly<Record<string, string | undefined>>, warnings: string[]): LocationChoice {
  return {
    country: env.CARBON_METER_COUNTRY || undefined,
    region: env.CARBON_METER_REGION || undefined,
    cloud: env.CARBON_METER_CLOUD || undefined,
    pue: parsePue(env.CARBON_METER_PUE, 'CARBON_METER_PUE', warnings),
  };
}

/** The location fields of the workspace file; its other fields (project, Pushgateway…) are read by their users. */
function readConfigFile(directory: string, warnings: string[]): LocationChoice {
  const reading = readWorkspaceConfig(directory);
  warnings.push(...reading.warnings);
  const { country, region, cloud, pue } = reading.config;
  return { country, region, cloud, pue };
}
