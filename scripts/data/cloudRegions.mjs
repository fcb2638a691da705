/** Builds data/cloudRegions.json by joining the licensed cloud-region sources (see NOTICE.md). */
import { FILES, readCloudSources } from './cloudSources.mjs';
import { round } from './stableJson.mjs';

const EMBER_SOURCE = 'Ember, latest year 2024-2025, via DigitalPebble SPRUCE (CC BY 4.0)';
const googleSource = (/** @type {number} */ year) => `Google Cloud region carbon data ${year} (Apache-2.0)`;
const stateSource = (/** @type {string} */ source) => `state grid: ${source}`;
const countrySource = (/** @type {string} */ source) => `country grid: ${source}`;

/**
 * @typedef {{ iso3: string, iso2: string, name: string, gramsPerKWh: number, year: number, source: string }} Country
 * @typedef {{ countryIso3: string, code: string, name: string, gramsPerKWh: number, year: number | null, source: string }} Region
 */

/**
 * @param {string} sharedDir
 * @param {Country[]} countries
 * @param {Region[]} subRegions
 */
export function buildCloudRegions(sharedDir, countries, subRegions) {
  const s = readCloudSources(sharedDir);
  const byIso3 = new Map(countries.map((c) => [c.iso3, c]));
  const iso3ByIso2 = new Map(countries.map((c) => [c.iso2, c.iso3]));
  const iso3ByName = new Map(countries.map((c) => [c.name.toLowerCase(), c.iso3]));
  const countryFromName = (/** @type {string | undefined} */ name) => {
    if (!name) return undefined;
    const upper = name.trim().toUpperCase();
    return byIso3.has(upper) ? upper : iso3ByName.get(name.trim().toLowerCase());
  };
  // Display names such as "Austria East (Vienna)" or "US Gov Texas" name the country; aliases cover the abbreviations.
  const countryInText = (/** @type {string | undefined} */ text) => {
    if (!text) return undefined;
    const words = ` ${text.replace(/\([^)]*\)/g, ' ').toLowerCase()} `;
    const aliases = [...iso3ByName.entries(), ['us', 'USA'], ['uae', 'ARE'], ['uk', 'GBR'], ['korea', 'KOR']];
    return aliases.find(([name]) => words.includes(` ${name} `))?.[1];
  };
  const countryFromCode = (/** @type {string | undefined} */ code) => (code ? iso3ByIso2.get(code.slice(0, 2)) : undefined);

  /** @type {Set<string>} */
  const listedElsewhere = new Set([
    ...s.ember.keys(), ...s.google.keys(), ...s.awsNames.keys(), ...s.coordinates.keys(), ...s.azureNames.keys(),
    ...s.codecarbon.keys(), ...s.mlco2.keys(),
    ...[...s.greenAlgorithms.keys()].filter((k) => k.startsWith('gcp:')),
  ]);
  // CCF also lists billing geographies ("azure:uk", "gcp:eur4") and staging regions ("azure:eastusstage"): only
  // rows with a grid zone are regions, and a key no other source lists is not one a workload can move to.
  const ccfOnly = [...s.ccf.entries()].filter(([k, v]) => v.zone !== '' && !k.startsWith('alibaba:') && !listedElsewhere.has(k)).map(([k]) => k).sort();
  const keys = listedElsewhere;

  const rows = [];
  /** @type {string[]} */
  const unresolved = [];
  for (const key of [...keys].sort()) {
    const [provider = '', region = ''] = key.split(':');
    const ccf = s.ccf.get(key);
    const ml = s.mlco2.get(key);
    const ga = s.greenAlgorithms.get(key);
    const google = s.google.get(key);
    const countryIso3 = s.codecarbon.get(key)?.countryIso3
      ?? countryFromCode(ccf?.zone || undefined)
      ?? countryFromCode(ga?.location || undefined)
      ?? countryFromName(ml?.country)
      ?? countryFromName(s.ccfAwsCountry.get(key))
      ?? countryFromName(google?.location)
      ?? countryInText(s.azureNames.get(key)?.name ?? s.awsNames.get(key));
    if (!countryIso3) {
      unresolved.push(key);
      continue;
    }
    const country = byIso3.get(countryIso3);
    if (!country) throw new Error(`Cloud region ${key}: country ${countryIso3} has no intensity`);

    const stateCode = ga?.location.startsWith(`${country.iso2}-`) ? ga.location.slice(3) : undefined;
    // The provider's display name may name the state: "US East (Ohio)".
    const namedPlace = /\(([^)]+)\)/.exec(s.awsNames.get(key) ?? s.azureNames.get(key)?.name ?? '')?.[1]?.toLowerCase();
    const state = subRegions.find((r) => r.countryIso3 === countryIso3 && ((stateCode && r.code === stateCode) || (ml?.state && r.name.toLowerCase() === ml.state.toLowerCase())))
      ?? subRegions.find((r) => r.countryIso3 === countryIso3 && namedPlace !== undefined && r.name.toLowerCase() === namedPlace);

    /** @type {{ value: number, year: number | null, source: string, basis: 'provider' | 'region' | 'subdivision' | 'country' }} */
    let intensity;
    const ember = s.ember.get(key);
    if (provider === 'gcp' && google?.gramsPerKWh != null) {
      intensity = { value: google.gramsPerKWh, year: google.year, source: googleSource(google.year), basis: 'provider' };
    } else if (ember !== undefined) {
      intensity = { value: ember, year: null, source: EMBER_SOURCE, basis: 'region' };
    } else if (state) {
      intensity = { value: state.gramsPerKWh, year: state.year, source: stateSource(state.source), basis: 'subdivision' };
    } else {
      intensity = { value: country.gramsPerKWh, year: country.year, source: countrySource(country.source), basis: 'country' };
    }

    const pue = resolvePue(provider, region, key, s, ccf, ml, ga);
    const coordinates = s.coordinates.get(key);
    rows.push({
      provider,
      region,
      displayName: s.awsNames.get(key) ?? s.azureNames.get(key)?.name ?? google?.location ?? s.codecarbon.get(key)?.city ?? ga?.name ?? ml?.city ?? region,
      countryIso3,
      continent: s.continents.get(country.iso2) ?? null,
      subdivisionCode: state ? state.code : null,
      subdivisionName: state ? state.name : null,
      zone: ccf?.zone.includes('-') ? ccf.zone : null,
      electricityMapsZone: ccf?.zone || null,
      latitude: coordinates ? coordinates.latitude : null,
      longitude: coordinates ? coordinates.longitude : null,
      gridIntensityGramsPerKWh: round(intensity.value, 2),
      intensityYear: intensity.year,
      intensitySource: intensity.source,
      intensityBasis: intensity.basis,
      pue: pue ? pue.value : null,
      pueSource: pue ? pue.source : null,
      pueBasis: pue ? pue.basis : null,
      carbonFreePercent: provider === 'gcp' && google?.cfe != null ? round(google.cfe * 100, 1) : null,
      carbonFreeYear: provider === 'gcp' && google?.cfe != null ? google.year : null,
    });
  }
  rows.sort((a, b) => a.provider.localeCompare(b.provider) || a.region.localeCompare(b.region));
  return {
    provenance: {
      description: 'Cloud regions with their grid carbon intensity and PUE. Intensity precedence: Google\'s own figure (gcp), Ember per region (SPRUCE), the sub-national grid, the country grid.',
      units: {
        gridIntensityGramsPerKWh: 'gCO2e per kWh (location-based grid average)', pue: 'ratio, facility energy / IT energy',
        carbonFreePercent: 'Google CFE, % of hourly consumption matched by carbon-free energy', latitude: 'degrees (WGS84)', longitude: 'degrees (WGS84)',
      },
      fields: {
        continent: 'continent of the region\'s country, as Green Algorithms CI_aggregated names it; null when that table does not list the country',
        subdivisionCode: 'sub-national grid (US state, Canadian province, ...) of regionIntensity.json the region lies in, from Green Algorithms, ML CO2 Impact or a state named in the provider\'s display name; null when unknown',
        zone: 'Electricity Maps sub-national zone id (CCF), only when it is finer than the country',
        electricityMapsZone: 'Electricity Maps zone id the region draws from (CCF), country-level ids included; null when CCF has none',
        intensityBasis: 'provider: the provider\'s own per-region figure; region: Ember matched to the region\'s location by SPRUCE; subdivision or country: the region is given the average of its state or country grid',
        pueBasis: 'provider: published by the provider for the region or its geography; region: a third-party per-region figure; provider-average: CCF\'s provider-wide average; null: none known',
        carbonFreeYear: 'year the carbonFreePercent figure describes',
      },
      sources: [
        { name: 'Google Cloud region carbon data (yearly CSVs)', url: 'https://github.com/GoogleCloudPlatform/region-carbon-info', licence: 'Apache-2.0', rawFiles: [`${FILES.googleYearlyDir}/*.csv`] },
        { name: 'Ember CO2 intensity per cloud region, DigitalPebble SPRUCE', url: 'https://github.com/DigitalPebble/spruce', licence: 'CC BY 4.0 (Ember data); Apache-2.0 (SPRUCE)', citation: 'Ember, https://ember-energy.org/creative-commons/', rawFiles: [FILES.spruceEmber] },
        { name: 'AWS and Azure published PUE by region, DigitalPebble SPRUCE', url: 'https://github.com/DigitalPebble/spruce', licence: 'Apache-2.0', rawFiles: [FILES.spruceAwsPue, FILES.spruceAzurePue] },
        { name: 'Cloud Carbon Footprint region constants (Electricity Maps zone ids, PUE)', url: 'https://github.com/cloud-carbon-footprint/cloud-carbon-footprint', licence: 'Apache-2.0', rawFiles: [FILES.ccfApp] },
        { name: 'Cloud Carbon Footprint coefficients, AWS grid factors (region countries)', url: 'https://github.com/cloud-carbon-footprint/ccf-coefficients', licence: 'Apache-2.0', rawFiles: [FILES.ccfAwsGrid] },
        { name: 'GSF Carbon Aware SDK region lists (AWS names, Azure coordinates)', url: 'https://github.com/Green-Software-Foundation/carbon-aware-sdk', licence: 'MIT', rawFiles: [FILES.carbonAwareAws, FILES.carbonAwareAzure] },
        { name: 'CodeCarbon GCP region table (countries, cities)', url: 'https://github.com/mlco2/codecarbon', licence: 'MIT', rawFiles: [FILES.codecarbonGcp] },
        { name: 'ML CO2 Impact region table (countries, states, PUE, other providers)', url: 'https://github.com/mlco2/impact', licence: 'MIT', rawFiles: [FILES.mlco2] },
        { name: 'Green Algorithms data centres and grids v3.0 (locations, PUE, continents)', url: 'https://github.com/GreenAlgorithms/green-algorithms-tool', licence: 'CC BY 4.0', citation: 'Lannelongue, Grealey, Inouye, Adv. Sci. 2021, 2100707', rawFiles: [FILES.greenAlgorithms, FILES.greenAlgorithmsGrids] },
        { name: 'Sub-national and country grids', licence: 'see regionIntensity.json and countryIntensity.json', rawFiles: ['data/regionIntensity.json', 'data/countryIntensity.json'] },
      ],
      notes: [
        'Ember figures are direct power-sector intensity for the latest year Ember had (2024 or 2025); SPRUCE does not record which, so intensityYear is null.',
        'Coordinates are shipped only where an MIT/Apache source gives them (Azure, carbon-aware-sdk); SPRUCE\'s coordinates are CC BY-SA, Electricity Maps\' AGPL and the GSF\'s all rights reserved, and no permissively licensed city table is available to derive them from, so AWS, GCP and the other providers have none.',
        `Regions without a continent (their country is not in Green Algorithms CI_aggregated): ${[...new Set(rows.filter((r) => r.continent === null).map((r) => r.countryIso3))].sort().join(', ') || 'none'}.`,
        `Regions left out because no MIT/Apache/CC BY source names their country: ${unresolved.join(', ') || 'none'}.`,
        'Alibaba regions are left out: CCF keys them by Chinese display name, not by region id.',
        `Left out as billing geographies or staging regions, listed by CCF alone: ${ccfOnly.join(', ') || 'none'}.`,
      ],
      builtBy: 'scripts/buildData.mjs',
    },
    regions: rows,
  };
}

/**
 * PUE precedence: the provider's published per-region figure, CCF's per-region figure, other per-region tables, CCF's provider average.
 * @param {string} provider
 * @param {string} region
 * @param {string} key
 * @param {ReturnType<typeof readCloudSources>} s
 * @param {{ pue: number, pueScope: string } | undefined} ccf
 * @param {{ pue: number | null } | undefined} ml
 * @param {{ pue: number | null } | undefined} ga
 * @returns {{ value: number, source: string, basis: 'provider' | 'region' | 'provider-average' } | undefined}
 */
function resolvePue(provider, region, key, s, ccf, ml, ga) {
  if (provider === 'aws') {
    const exact = s.awsPue.find((p) => p.pattern.source === `^${region}$`) ?? s.awsPue.find((p) => p.pattern.test(region));
    if (exact) return { value: exact.pue, source: `AWS published PUE, ${exact.name} (via SPRUCE, Apache-2.0)`, basis: 'provider' };
  }
  const azure = provider === 'azure' ? s.azureNames.get(key)?.pue : null;
  if (azure != null) return { value: azure, source: 'Microsoft published PUE (via SPRUCE, Apache-2.0)', basis: 'provider' };
  if (ccf && ccf.pueScope !== 'provider average') return { value: ccf.pue, source: `Cloud Carbon Footprint, ${ccf.pueScope} (Apache-2.0)`, basis: 'region' };
  if (ga?.pue != null) return { value: ga.pue, source: 'Green Algorithms v3.0 (CC BY 4.0)', basis: 'region' };
  if (ml?.pue != null) return { value: ml.pue, source: 'ML CO2 Impact (MIT)', basis: 'region' };
  const average = [...s.ccf.entries()].find(([k, v]) => k.startsWith(`${provider}:`) && v.pueScope === 'provider average');
  if (average) return { value: average[1].pue, source: 'Cloud Carbon Footprint provider average (Apache-2.0)', basis: 'provider-average' };
  return undefined;
}
