/** Builds data/countryIntensity.json from the OWID grapher export (Ember data, CC BY 4.0). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvObjects } from './csv.mjs';
import { round } from './stableJson.mjs';

const OWID_FILE = 'owid/grapher/carbon-intensity-electricity.csv';
const CARBONTRACKER_FILE = 'carbontracker/carbon-intensities.csv';
const CO2JS_CODES_FILE = 'co2js/marginal-intensities-2021.json';
const OWID_VALUE_COLUMN = 'Carbon intensity of electricity - gCO2/kWh';
export const OWID_SOURCE = 'Ember and Energy Institute via Our World in Data (CC BY 4.0)';

// OWID uses its own codes where ISO 3166-1 has none: Kosovo gets the user-assigned XKX/XK codes the EU and IMF use.
const OWID_CODE_OVERRIDES = { OWID_KOS: { iso3: 'XKX', iso2: 'XK' } };

/**
 * ISO3 → ISO2. carbontracker (MIT) pairs both codes for 189 countries; co2js's IFI table fills the rest.
 * Only the code pairs are taken from co2js (ISO 3166-1 identifiers), never its CC BY-SA intensity figures.
 * @param {string} sharedDir
 * @returns {Map<string, string>}
 */
function readIso2ByIso3(sharedDir) {
  const map = new Map();
  for (const row of parseCsvObjects(readFileSync(join(sharedDir, CARBONTRACKER_FILE), 'utf8'))) {
    if (row.Code && row['alpha-2']) map.set(row.Code, row['alpha-2']);
  }
  /** @type {Record<string, { country_code_iso_2?: string, country_code_iso_3?: string }>} */
  const co2js = JSON.parse(readFileSync(join(sharedDir, CO2JS_CODES_FILE), 'utf8'));
  for (const entry of Object.values(co2js)) {
    const iso3 = entry.country_code_iso_3;
    const iso2 = entry.country_code_iso_2;
    if (iso3 && iso2 && !map.has(iso3)) map.set(iso3, iso2);
  }
  return map;
}

/**
 * @param {string} sharedDir
 * @returns {{ file: object, countries: { iso3: string, iso2: string, name: string, gramsPerKWh: number, year: number }[] }}
 */
export function buildCountryIntensity(sharedDir) {
  const iso2ByIso3 = readIso2ByIso3(sharedDir);
  /** @type {Map<string, { name: string, year: number, value: number }>} */
  const latest = new Map();
  for (const row of parseCsvObjects(readFileSync(join(sharedDir, OWID_FILE), 'utf8'))) {
    // Rows without a code are aggregates ("Asia (Ember)"); keep countries and the world.
    if (!row.Code || row[OWID_VALUE_COLUMN] === '') continue;
    const year = Number(row.Year);
    const value = Number(row[OWID_VALUE_COLUMN]);
    const previous = latest.get(row.Code);
    if (!previous || year > previous.year) latest.set(row.Code, { name: row.Entity, year, value });
  }
  const world = latest.get('OWID_WRL');
  if (!world) throw new Error(`${OWID_FILE} has no World row`);
  latest.delete('OWID_WRL');
  const countries = [];
  for (const [code, entry] of latest) {
    const override = OWID_CODE_OVERRIDES[/** @type {keyof typeof OWID_CODE_OVERRIDES} */ (code)];
    const iso3 = override ? override.iso3 : code;
    const iso2 = override ? override.iso2 : iso2ByIso3.get(code);
    if (!/^[A-Z]{3}$/.test(iso3) || !iso2) throw new Error(`No ISO codes for OWID entity ${code} (${entry.name})`);
    countries.push({ iso3, iso2, name: entry.name, gramsPerKWh: round(entry.value, 2), year: entry.year, source: OWID_SOURCE });
  }
  countries.sort((a, b) => a.iso3.localeCompare(b.iso3));
  const file = {
    provenance: {
      description: 'Carbon intensity of electricity generation per country, latest year available per country.',
      units: { gramsPerKWh: 'gCO2e per kWh of electricity generated (lifecycle, Ember methodology)', year: 'calendar year the figure describes' },
      sources: [
        {
          name: 'Our World in Data, "Carbon intensity of electricity generation" (grapher export carbon-intensity-electricity)',
          citation: 'Ember (2025); Energy Institute - Statistical Review of World Energy (2025) - with major processing by Our World in Data',
          url: 'https://ourworldindata.org/grapher/carbon-intensity-electricity',
          licence: 'CC BY 4.0',
          years: `${Math.min(...countries.map((c) => c.year))}-${Math.max(...countries.map((c) => c.year))}`,
          rawFiles: [OWID_FILE],
        },
        {
          name: 'ISO 3166-1 alpha-2 codes paired with alpha-3: carbontracker, then co2js IFI table for the rest (codes only)',
          url: 'https://github.com/lfwa/carbontracker',
          licence: 'MIT (carbontracker); ISO codes are identifiers',
          rawFiles: [CARBONTRACKER_FILE, CO2JS_CODES_FILE],
        },
      ],
      notes: ['Kosovo (OWID_KOS) is given the user-assigned codes XKX/XK.', 'OWID aggregates without an ISO code are dropped.'],
      builtBy: 'scripts/buildData.mjs',
    },
    world: { name: 'World', gramsPerKWh: round(world.value, 2), year: world.year, source: OWID_SOURCE },
    countries,
  };
  return { file, countries };
}
