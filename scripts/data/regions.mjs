/** Builds data/regionIntensity.json: sub-national grids (US states, Canadian provinces, Australian states, Nordic bidding zones). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvObjects } from './csv.mjs';
import { round } from './stableJson.mjs';

const GA_FILE = 'green-algorithms/v3.0/CI_aggregated.csv';
const USA_FILE = 'codecarbon/private_infra/2016/usa_emissions.json';
const NORDIC_FILE = 'codecarbon/private_infra/nordic_emissions.json';
const GA_SOURCE = 'Green Algorithms v3.0 CI_aggregated (CC BY 4.0)';
const USA_SOURCE = 'US EPA eGRID 2016 state rates via CodeCarbon (MIT; eGRID public domain)';
const NORDIC_SOURCE = 'ENTSO-E historical averages via CodeCarbon nordic_emissions.json (MIT)';
// Green Algorithms writes Manitoba as CA-MT; Canada Post's code is MB.
/** @type {Record<string, string>} */
const GA_CODE_FIXES = { 'CA-MT': 'MB' };
// eGRID publishes lb/MWh; 1 lb = 0.45359237 kg exactly, so g/kWh = lb/MWh × 0.45359237.
const GRAMS_PER_POUND_KG_PER_MWH = 0.45359237;

/**
 * @param {string} sharedDir
 * @param {Map<string, string>} iso3ByIso2
 */
export function buildRegionIntensity(sharedDir, iso3ByIso2) {
  /** @type {Map<string, { countryIso3: string, code: string, name: string, gramsPerKWh: number, year: number | null, source: string }>} */
  const regions = new Map();
  const add = (/** @type {{ countryIso3: string, code: string }} & Record<string, unknown> */ region) => {
    const key = `${region.countryIso3}:${region.code}`;
    if (!regions.has(key)) regions.set(key, /** @type {never} */ (region));
  };
  const gaRows = parseCsvObjects(readFileSync(join(sharedDir, GA_FILE), 'utf8'), { headerIndex: 1 });
  for (const row of gaRows) {
    const match = /^([A-Z]{2})-([A-Z0-9]+)$/.exec(row.location);
    if (row.Type !== 'Region' || !match) continue;
    const countryIso3 = iso3ByIso2.get(match[1] ?? '');
    if (!countryIso3) throw new Error(`${GA_FILE}: unknown country code in ${row.location}`);
    const code = GA_CODE_FIXES[row.location] ?? match[2] ?? '';
    const year = /data from (\d{4})/.exec(`${row.source} ${row.comments}`);
    add({ countryIso3, code, name: row.regionName, gramsPerKWh: round(Number(row.carbonIntensity), 2), year: year ? Number(year[1]) : null, source: GA_SOURCE });
  }
  /** @type {Record<string, { emissions: number, regionCode: string }>} */
  const usa = JSON.parse(readFileSync(join(sharedDir, USA_FILE), 'utf8'));
  for (const [name, entry] of Object.entries(usa)) {
    if (name === '_unit' || name === 'usa') continue;
    const title = name.replace(/\b\w/g, (c) => c.toUpperCase()).replace(' Of ', ' of ');
    add({ countryIso3: 'USA', code: entry.regionCode, name: title, gramsPerKWh: round(entry.emissions * GRAMS_PER_POUND_KG_PER_MWH, 2), year: 2016, source: USA_SOURCE });
  }
  /** @type {{ data: Record<string, { emission_factor: number, description: string, year: number }> }} */
  const nordic = JSON.parse(readFileSync(join(sharedDir, NORDIC_FILE), 'utf8'));
  for (const [zone, entry] of Object.entries(nordic.data)) {
    const match = /^([A-Z]{2})(\d)$/.exec(zone);
    if (!match) continue; // "FI" is a whole country, already in countryIntensity.json.
    const countryIso3 = iso3ByIso2.get(match[1] ?? '');
    if (!countryIso3) throw new Error(`${NORDIC_FILE}: unknown country in ${zone}`);
    add({ countryIso3, code: zone, name: entry.description, gramsPerKWh: round(entry.emission_factor, 2), year: entry.year, source: NORDIC_SOURCE });
  }
  const rows = [...regions.values()].sort((a, b) => a.countryIso3.localeCompare(b.countryIso3) || a.code.localeCompare(b.code));
  return {
    provenance: {
      description: 'Sub-national grid carbon intensity. Where two sources cover a region the first listed wins.',
      units: { gramsPerKWh: 'gCO2e per kWh', year: 'year the figure describes; null when the source does not say' },
      sources: [
        { name: 'Green Algorithms calculator data v3.0, CI_aggregated.csv (carbonfootprint.com 2022 factors, national reports)', url: 'https://github.com/GreenAlgorithms/green-algorithms-tool', licence: 'CC BY 4.0', citation: 'Lannelongue, Grealey, Inouye, Adv. Sci. 2021, 2100707', rawFiles: [GA_FILE] },
        { name: 'US EPA eGRID 2016 state output emission rates, as shipped by CodeCarbon (lb/MWh converted with 0.45359237)', url: 'https://github.com/mlco2/codecarbon', licence: 'MIT (CodeCarbon); eGRID is US public domain', rawFiles: [USA_FILE] },
        { name: 'Nordic bidding zones, CodeCarbon nordic_emissions.json (ENTSO-E historical averages)', url: 'https://github.com/mlco2/codecarbon', licence: 'MIT', rawFiles: [NORDIC_FILE] },
      ],
      builtBy: 'scripts/buildData.mjs',
    },
    regions: rows,
  };
}
