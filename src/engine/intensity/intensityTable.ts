/**
 * The shipped intensity data (data/*.json, built by scripts/buildData.mjs) and lookups over it.
 * Files are read on first use and validated, so a corrupt install fails with a clear message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCloseMatches, unknownMessage } from './closeMatches';

/** Grid intensity of one country, latest year available. */
export interface CountryIntensity {
  readonly iso3: string;
  readonly iso2: string;
  readonly name: string;
  readonly gramsPerKWh: number;
  readonly year: number;
  readonly source: string;
}

/** World average grid intensity. */
export interface WorldIntensity {
  readonly name: string;
  readonly gramsPerKWh: number;
  readonly year: number;
  readonly source: string;
}

/** Grid intensity of a sub-national grid (US state, Canadian province, bidding zone). */
export interface RegionIntensity {
  readonly countryIso3: string;
  readonly code: string;
  readonly name: string;
  readonly gramsPerKWh: number;
  readonly year: number | null;
  readonly source: string;
}

/** Where a cloud region's grid intensity comes from, most specific first. */
export type IntensityBasis =
  /** The provider's own published figure for the region (Google). */
  | 'provider'
  /** A grid figure matched to the region's location (Ember per region via SPRUCE). */
  | 'region'
  /** The average of the state or province grid the region lies in. */
  | 'subdivision'
  /** The average of the country's grid. */
  | 'country';

/** Where a cloud region's PUE comes from: the provider for the region, a third-party per-region table, a provider-wide average. */
export type PueBasis = 'provider' | 'region' | 'provider-average';

/** One cloud region with its grid intensity and PUE. */
export interface CloudRegion {
  readonly provider: string;
  readonly region: string;
  readonly displayName: string;
  readonly countryIso3: string;
  /** Continent of the region's country ("Europe", "North America", ...); null when no source names it. */
  readonly continent: string | null;
  /** Code of the sub-national grid in regionIntensity.json the region lies in (US state "VA"), when known. */
  readonly subdivisionCode: string | null;
  readonly subdivisionName: string | null;
  /** Electricity Maps sub-national zone id, when known. */
  readonly zone: string | null;
  /** Electricity Maps zone id the region draws from (country-level ids included), when known. */
  readonly electricityMapsZone: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  /** Null when no source gives one: never treat as 0. */
  readonly gridIntensityGramsPerKWh: number | null;
  readonly intensityYear: number | null;
  readonly intensitySource: string;
  readonly intensityBasis: IntensityBasis;
  readonly pue: number | null;
  readonly pueSource: string | null;
  readonly pueBasis: PueBasis | null;
  readonly carbonFreePercent: number | null;
  /** Year the carbon-free share describes. */
  readonly carbonFreeYear: number | null;
}

/** An everyday equivalent of an amount of CO₂e. */
export interface Equivalent {
  readonly id: 'car-km' | 'tv-hours' | 'household-days';
  readonly label: string;
  readonly kgPerUnit: number;
  readonly source: string;
}

/** CPU thermal design power, per socket. */
export interface CpuPowerEntry {
  readonly name: string;
  readonly tdpWatts: number;
}

/** Cloud Carbon Footprint per-vCPU power coefficients. */
export interface CloudCpuCoefficients {
  readonly memoryWattsPerGiB: number;
  readonly providers: readonly {
    readonly provider: string;
    readonly averageMinWattsPerVcpu: number;
    readonly averageMaxWattsPerVcpu: number;
    readonly microarchitectures: readonly { readonly name: string; readonly minWattsPerVcpu: number; readonly maxWattsPerVcpu: number }[];
  }[];
}

/** Everything in data/, loaded. */
export interface IntensityData {
  readonly world: WorldIntensity;
  readonly countries: readonly CountryIntensity[];
  readonly regions: readonly RegionIntensity[];
  readonly cloudRegions: readonly CloudRegion[];
  readonly equivalents: readonly Equivalent[];
  readonly cpuPower: readonly CpuPowerEntry[];
  readonly cloudCpuCoefficients: CloudCpuCoefficients;
}

type Shape = Record<string, 'string' | 'number' | 'string?' | 'number?'>;

function readTable(dataDir: string, fileName: string, key: string, shape: Shape): { file: Record<string, unknown>; rows: unknown[] } {
  const path = join(dataDir, fileName);
  let file: unknown;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read data file ${path}: ${(error as Error).message}`);
  }
  if (typeof file !== 'object' || file === null) throw new Error(`${path}: not a JSON object`);
  const record = file as Record<string, unknown>;
  if (typeof record.provenance !== 'object' || record.provenance === null) throw new Error(`${path}: missing "provenance"`);
  const rows = record[key];
  if (!Array.isArray(rows) || rows.length === 0) throw new Error(`${path}: "${key}" must be a non-empty array`);
  // The fields are worked out once per table and the row's name only on a failure: every CLI start checks
  // the country table's ~214 rows, and doing it per row cost ~2 ms of that start.
  const fields = fieldsOf(shape);
  rows.forEach((row, index) => checkFields(row, fields, () => `${path}: ${key}[${index}]`));
  return { file: record, rows };
}

interface FieldCheck {
  readonly field: string;
  readonly type: 'string' | 'number';
  readonly optional: boolean;
}

function fieldsOf(shape: Shape): FieldCheck[] {
  return Object.entries(shape).map(([field, kind]) => ({
    field, type: kind.startsWith('string') ? 'string' : 'number', optional: kind.endsWith('?'),
  }));
}

function checkShape(value: unknown, shape: Shape, where: string): void {
  checkFields(value, fieldsOf(shape), () => where);
}

function checkFields(value: unknown, fields: readonly FieldCheck[], where: () => string): void {
  if (typeof value !== 'object' || value === null) throw new Error(`${where()} is not an object`);
  const record = value as Record<string, unknown>;
  for (const { field, type, optional } of fields) {
    const actual = record[field];
    if (optional && actual === null) continue;
    if (typeof actual !== type || (type === 'number' && !Number.isFinite(actual))) {
      throw new Error(`${where()}.${field} must be ${optional ? `${type} or null` : `a ${type}`}, got ${JSON.stringify(actual)}`);
    }
  }
}

const cache = new Map<string, IntensityData>();

/** Reads and validates data/*.json once per directory (each table on first use); later calls return the same object. */
export function loadIntensityData(dataDir: string): IntensityData {
  const cached = cache.get(dataDir);
  if (cached) return cached;
  const country = readTable(dataDir, 'countryIntensity.json', 'countries', { iso3: 'string', iso2: 'string', name: 'string', gramsPerKWh: 'number', year: 'number', source: 'string' });
  checkShape(country.file.world, { name: 'string', gramsPerKWh: 'number', year: 'number', source: 'string' }, `${dataDir}/countryIntensity.json: world`);
  // The other tables are read on first use: most runs need only the country table and the CPU table.
  const once = <T>(read: () => T): (() => T) => {
    let value: T | undefined;
    return () => (value ??= read());
  };
  const regions = once(() => readTable(dataDir, 'regionIntensity.json', 'regions', { countryIso3: 'string', code: 'string', name: 'string', gramsPerKWh: 'number', year: 'number?', source: 'string' }).rows as RegionIntensity[]);
  const cloudRegions = once(() => readTable(dataDir, 'cloudRegions.json', 'regions', {
    provider: 'string', region: 'string', displayName: 'string', countryIso3: 'string', continent: 'string?', subdivisionCode: 'string?', subdivisionName: 'string?',
    zone: 'string?', electricityMapsZone: 'string?', latitude: 'number?', longitude: 'number?', gridIntensityGramsPerKWh: 'number?', intensityYear: 'number?',
    intensitySource: 'string', intensityBasis: 'string', pue: 'number?', pueSource: 'string?', pueBasis: 'string?', carbonFreePercent: 'number?', carbonFreeYear: 'number?',
  }).rows as CloudRegion[]);
  const equivalents = once(() => readTable(dataDir, 'equivalents.json', 'equivalents', { id: 'string', label: 'string', kgPerUnit: 'number', source: 'string' }).rows as Equivalent[]);
  const cpuPower = once(() => readTable(dataDir, 'cpuPower.json', 'cpus', { name: 'string', tdpWatts: 'number' }).rows as CpuPowerEntry[]);
  const cloudCpuCoefficients = once((): CloudCpuCoefficients => {
    const coefficients = readTable(dataDir, 'cloudCpuCoefficients.json', 'providers', { provider: 'string', averageMinWattsPerVcpu: 'number', averageMaxWattsPerVcpu: 'number' });
    if (typeof coefficients.file.memoryWattsPerGiB !== 'number') throw new Error(`${dataDir}/cloudCpuCoefficients.json: memoryWattsPerGiB must be a number`);
    return { memoryWattsPerGiB: coefficients.file.memoryWattsPerGiB, providers: coefficients.rows as CloudCpuCoefficients['providers'] };
  });
  const data: IntensityData = {
    world: country.file.world as WorldIntensity,
    countries: country.rows as CountryIntensity[],
    get regions() { return regions(); },
    get cloudRegions() { return cloudRegions(); },
    get equivalents() { return equivalents(); },
    get cpuPower() { return cpuPower(); },
    get cloudCpuCoefficients() { return cloudCpuCoefficients(); },
  };
  cache.set(dataDir, data);
  return data;
}

/** A country by ISO3 or ISO2 code (case-insensitive) or exact name; throws listing close matches. */
export function findCountry(data: IntensityData, codeOrName: string): CountryIntensity {
  const needle = codeOrName.trim().toUpperCase();
  const found = data.countries.find((c) => c.iso3 === needle || c.iso2 === needle || c.name.toUpperCase() === needle);
  if (found) return found;
  const matches = findCloseMatches(codeOrName, data.countries.map((c) => ({ keys: [c.iso3, c.iso2, c.name], label: `${c.iso3} (${c.name})` })));
  throw new Error(unknownMessage('country', codeOrName, matches));
}

/** A sub-national grid by country (any form findCountry accepts) and region code or name (case-insensitive). */
export function findRegion(data: IntensityData, country: string, code: string): RegionIntensity {
  const countryIso3 = findCountry(data, country).iso3;
  const inCountry = data.regions.filter((r) => r.countryIso3 === countryIso3);
  const needle = code.trim().toUpperCase();
  const found = inCountry.find((r) => r.code.toUpperCase() === needle || r.name.toUpperCase() === needle);
  if (found) return found;
  const matches = findCloseMatches(code, inCountry.map((r) => ({ keys: [r.code, r.name], label: `${r.code} (${r.name})` })));
  const known = inCountry.length === 0 ? ` ${countryIso3} has no sub-national data.` : '';
  throw new Error(`${unknownMessage(`region of ${countryIso3}`, code, matches)}${known}`);
}

/** A cloud region by "provider:region" (case-insensitive); throws listing close matches. */
export function findCloudRegion(data: IntensityData, providerAndRegion: string): CloudRegion {
  const [provider = '', region = ''] = providerAndRegion.trim().toLowerCase().split(':');
  const found = data.cloudRegions.find((r) => r.provider === provider && r.region === region);
  if (found) return found;
  const matches = findCloseMatches(providerAndRegion, data.cloudRegions.map((r) => ({ keys: [`${r.provider}:${r.region}`], label: `${r.provider}:${r.region} (${r.displayName})` })));
  throw new Error(unknownMessage('cloud region', providerAndRegion, matches));
}
