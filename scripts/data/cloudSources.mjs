/** Readers for the raw cloud-region files; each returns plain maps keyed by `provider:region`. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvObjects } from './csv.mjs';

export const FILES = {
  spruceEmber: 'spruce-cloud-regions/ember_co2_intensity.csv',
  spruceAwsPue: 'spruce-cloud-regions/aws-pue-wue.csv',
  spruceAzurePue: 'spruce-cloud-regions/azure-pue-wue.csv',
  googleYearlyDir: 'google-region-carbon-info/yearly',
  ccfApp: 'cloud-carbon-footprint/ccf-app-region-emission-factors.csv',
  ccfAwsGrid: 'ccf-coefficients/data/grid-emissions-factors-aws.csv',
  carbonAwareAws: 'carbon-aware-sdk/aws-regions.json',
  carbonAwareAzure: 'carbon-aware-sdk/azure-regions.json',
  codecarbonGcp: 'codecarbon/cloud/impact.csv',
  mlco2: 'mlco2-impact/impact.csv',
  greenAlgorithms: 'green-algorithms/v3.0/cloudProviders_datacenters.csv',
  greenAlgorithmsGrids: 'green-algorithms/v3.0/CI_aggregated.csv',
};

// CodeCarbon's impact.csv spells me-central1 as me-cenrtal1 (documented defect); fix the id, keep the row.
/** @type {Record<string, string>} */
const REGION_ID_FIXES = { 'me-cenrtal1': 'me-central1' };

/**
 * @param {string} provider
 * @param {string} region
 */
export function regionKey(provider, region) {
  const id = region.trim().toLowerCase();
  return `${provider.trim().toLowerCase()}:${REGION_ID_FIXES[id] ?? id}`;
}

/** Azure display name → region id, the way Azure derives ids ("West US 2" → "westus2"). */
export function azureIdFromName(/** @type {string} */ name) {
  return name.toLowerCase().replace(/\([^)]*\)/g, '').replace(/[^a-z0-9]/g, '');
}

const read = (/** @type {string} */ sharedDir, /** @type {string} */ file, encoding = /** @type {BufferEncoding} */ ('utf8')) =>
  readFileSync(join(sharedDir, file), encoding);

/**
 * Reads every raw cloud source once.
 * @param {string} sharedDir
 */
export function readCloudSources(sharedDir) {
  /** @type {Map<string, number>} */
  const ember = new Map();
  // The header line itself is a comment ("#provider,region,gCO2_per_kWh").
  for (const row of parseCsvObjects(`provider,region,g\n${read(sharedDir, FILES.spruceEmber)}`, { skipComments: true })) {
    ember.set(regionKey(row.provider, row.region), Number(row.g));
  }

  /** @type {{ pattern: RegExp, name: string, pue: number }[]} */
  const awsPue = [];
  for (const row of parseCsvObjects(`name,pattern,pue,wue\n${read(sharedDir, FILES.spruceAwsPue)}`, { skipComments: true })) {
    if (row.pue !== '') awsPue.push({ pattern: new RegExp(`^${row.pattern}$`), name: row.name, pue: Number(row.pue) });
  }
  /** @type {Map<string, { name: string, pue: number | null }>} */
  const azureNames = new Map();
  for (const row of parseCsvObjects(`name,id,pue,wue\n${read(sharedDir, FILES.spruceAzurePue)}`, { skipComments: true })) {
    azureNames.set(regionKey('azure', row.id), { name: row.name, pue: row.pue === '' ? null : Number(row.pue) });
  }

  /** @type {Map<string, { year: number, location: string, cfe: number | null, gramsPerKWh: number | null }>} */
  const google = new Map();
  const years = readdirSync(join(sharedDir, FILES.googleYearlyDir)).filter((f) => /^\d{4}\.csv$/.test(f)).map((f) => Number(f.slice(0, 4))).sort();
  for (const year of years) {
    for (const row of parseCsvObjects(read(sharedDir, `${FILES.googleYearlyDir}/${year}.csv`))) {
      const intensityColumn = Object.keys(row).find((k) => k.toLowerCase().includes('grid carbon intensity')) ?? '';
      const value = row[intensityColumn] ?? '';
      const cfe = row['Google CFE'] ?? '';
      // Later years overwrite earlier ones, so each region keeps its latest published figure.
      google.set(regionKey('gcp', row['Google Cloud Region'] ?? ''), {
        year, location: row.Location ?? '', cfe: cfe === '' ? null : Number(cfe), gramsPerKWh: value === '' ? null : Number(value),
      });
    }
  }

  /** @type {Map<string, { zone: string, pue: number, pueScope: string }>} */
  const ccf = new Map();
  for (const row of parseCsvObjects(read(sharedDir, FILES.ccfApp))) {
    ccf.set(regionKey(row.provider, row.region), { zone: row.electricity_maps_zone, pue: Number(row.pue), pueScope: row.pue_scope });
  }
  /** @type {Map<string, string>} */
  const ccfAwsCountry = new Map();
  for (const row of parseCsvObjects(read(sharedDir, FILES.ccfAwsGrid))) ccfAwsCountry.set(regionKey('aws', row.Region), row.Country);

  /** @type {{ code: string, full_name: string }[]} */
  // carbon-aware-sdk's aws-regions.json is Latin-1 ("São Paulo").
  const awsRegions = JSON.parse(read(sharedDir, FILES.carbonAwareAws, 'latin1'));
  /** @type {Map<string, string>} */
  const awsNames = new Map(awsRegions.map((r) => [regionKey('aws', r.code), r.full_name]));
  /** @type {Record<string, { Latitude: string, Longitude: string }>} */
  const azureCoordinates = JSON.parse(read(sharedDir, FILES.carbonAwareAzure));
  /** @type {Map<string, { latitude: number, longitude: number }>} */
  const coordinates = new Map(Object.entries(azureCoordinates).map(([id, c]) => [regionKey('azure', id), { latitude: Number(c.Latitude), longitude: Number(c.Longitude) }]));

  /** @type {Map<string, { countryIso3: string, city: string }>} */
  const codecarbon = new Map();
  for (const row of parseCsvObjects(read(sharedDir, FILES.codecarbonGcp))) {
    codecarbon.set(regionKey(row.provider, row.region), { countryIso3: row.countryIsoCode, city: row.city });
  }
  /** @type {Map<string, { country: string, state: string, city: string, pue: number | null }>} */
  const mlco2 = new Map();
  for (const row of parseCsvObjects(read(sharedDir, FILES.mlco2))) {
    if (row.region === '') continue;
    mlco2.set(regionKey(row.provider, row.region), { country: row.country, state: row.state, city: row.city, pue: row.PUE === '' ? null : Number(row.PUE) });
  }
  /** @type {Map<string, { location: string, name: string, pue: number | null }>} */
  const greenAlgorithms = new Map();
  for (const row of parseCsvObjects(read(sharedDir, FILES.greenAlgorithms), { headerIndex: 1 })) {
    const id = row.provider === 'azure' ? azureIdFromName(row.Name) : row.Name;
    greenAlgorithms.set(regionKey(row.provider, id), { location: row.location, name: row.location_freeForm || row.Name, pue: row.PUE === '' ? null : Number(row.PUE) });
  }
  // Every grid row names its continent; "US-CA" and "US" both give the United States' continent.
  /** @type {Map<string, string>} */
  const continents = new Map();
  for (const row of parseCsvObjects(read(sharedDir, FILES.greenAlgorithmsGrids), { headerIndex: 1 })) {
    const iso2 = /^([A-Z]{2})(-|$)/.exec(row.location)?.[1];
    if (iso2 && row.continentName && !continents.has(iso2)) continents.set(iso2, row.continentName);
  }
  return { ember, awsPue, azureNames, google, ccf, ccfAwsCountry, awsNames, coordinates, codecarbon, mlco2, greenAlgorithms, continents };
}
