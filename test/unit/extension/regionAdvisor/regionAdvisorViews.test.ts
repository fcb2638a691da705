import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadIntensityData, type CloudRegion } from '../../../../src/engine/intensity/intensityTable';
import { rankRegions } from '../../../../src/engine/intensity/regionRanking';
import { parseAdvisorHostToPanel } from '../../../../src/protocol/regionAdvisorMessages';
import {
  advisorSnapshot, engineFilters, NO_FILTERS, regionPickTexts, regionSummaryMarkdown, savingText, usableFilters,
} from '../../../../src/extension/regionAdvisor/regionAdvisorViews';
import { buildRow } from '../../webview/regionAdvisor/regionRowBuilder';

function cloudRegion(provider: string, region: string, overrides: Partial<CloudRegion> = {}): CloudRegion {
  return {
    provider, region, displayName: region, countryIso3: 'FRA', continent: 'Europe', subdivisionCode: null, subdivisionName: null,
    zone: null, electricityMapsZone: null, latitude: null, longitude: null, gridIntensityGramsPerKWh: 100, intensityYear: 2024,
    intensitySource: 'test', intensityBasis: 'provider', pue: 1.1, pueSource: 'test', pueBasis: 'provider', carbonFreePercent: null, carbonFreeYear: null,
    ...overrides,
  };
}

const RUN = { id: 'run-1', command: 'python train.py', startedAtMs: 1_700_000_000_000, energyKWh: 2 };
const ORIGIN = { label: 'Germany', gridIntensityGramsPerKWh: 400, pue: 1 };

describe('Region Advisor views', () => {
  const regions = [
    cloudRegion('gcp', 'clean', { gridIntensityGramsPerKWh: 20, pue: 1.1, carbonFreePercent: 95 }),
    cloudRegion('aws', 'dirty', { gridIntensityGramsPerKWh: 500, pue: 1.2, continent: 'Asia', countryIso3: 'IND' }),
    cloudRegion('azure', 'guess', { gridIntensityGramsPerKWh: 100, pue: null, pueSource: null, pueBasis: null, intensityBasis: 'country' }),
    cloudRegion('aws', 'none', { gridIntensityGramsPerKWh: null }),
  ];

  it('maps a ranking onto a snapshot the panel accepts, lowest emissions first, with savings by hand', () => {
    const ranking = rankRegions(regions, { energyKWh: RUN.energyKWh, origin: ORIGIN }, engineFilters(NO_FILTERS));
    const snapshot = advisorSnapshot({ run: RUN, ranking, filters: NO_FILTERS, regions });
    assert.equal(snapshot.type, 'snapshot');
    if (snapshot.type !== 'snapshot') return;
    assert.deepEqual(snapshot.rows.map((row) => `${row.provider}:${row.region}`), ['gcp:clean', 'azure:guess', 'aws:dirty']);
    // Here: 2 kWh × 1.0 × 400 g = 800 g; gcp:clean: 2 × 1.1 × 20 = 44 g, a saving of 756 g (94.5 %).
    assert.equal(snapshot.origin?.emissionsKg, 0.8);
    const [clean, guess, dirty] = snapshot.rows;
    assert.ok(clean && guess && dirty);
    assert.ok(Math.abs(clean.emissionsKg - 0.044) < 1e-12);
    assert.ok(Math.abs(clean.savingKg - 0.756) < 1e-12);
    assert.ok(Math.abs((clean.savingPercent ?? 0) - 94.5) < 1e-9);
    assert.equal(clean.carbonFreePercent, 95);
    // aws:dirty: 2 × 1.2 × 500 = 1.2 kg, 0.4 kg more than here.
    assert.ok(Math.abs(dirty.savingKg + 0.4) < 1e-12);
    assert.deepEqual(guess.estimates, ['intensity is the country average', 'no PUE published, 1.0 assumed']);
    assert.equal(snapshot.excludedCount, 1, 'the region without an intensity is left out, not ranked as 0');
    assert.deepEqual(snapshot.providerChoices, ['aws', 'azure', 'gcp']);
    assert.deepEqual(snapshot.continentChoices, ['Asia', 'Europe']);
    assert.deepEqual(parseAdvisorHostToPanel(JSON.parse(JSON.stringify(snapshot))), snapshot);
  });

  it('turns the panel\'s filters into the engine\'s: no provider ticked off keeps all', () => {
    assert.deepEqual(engineFilters(NO_FILTERS), { providers: undefined, continents: undefined, measuredOnly: false, countries: undefined, maxDistanceKm: undefined });
    assert.deepEqual(engineFilters({ ...NO_FILTERS, providers: ['gcp'], continent: 'Asia', measuredOnly: true, country: 'IND', maxDistanceKm: 800 }),
      { providers: ['gcp'], continents: ['Asia'], measuredOnly: true, countries: ['IND'], maxDistanceKm: 800 });
    const ranking = rankRegions(regions, { energyKWh: 1, origin: ORIGIN }, engineFilters({ ...NO_FILTERS, measuredOnly: true }));
    assert.deepEqual(ranking.ranked.map((row) => row.region), ['clean', 'dirty']);
  });

  it('filters by country, and by distance from here with the regions without coordinates left out and listed', () => {
    const placed = [
      cloudRegion('gcp', 'paris', { latitude: 48.86, longitude: 2.35 }),
      cloudRegion('aws', 'frankfurt', { countryIso3: 'DEU', latitude: 50.11, longitude: 8.68 }),
      cloudRegion('azure', 'mumbai', { countryIso3: 'IND', continent: 'Asia', latitude: 19.08, longitude: 72.88 }),
      cloudRegion('ovh', 'somewhere', { countryIso3: 'DEU' }),
    ];
    const countries = [{ iso3: 'DEU', name: 'Germany' }, { iso3: 'FRA', name: 'France' }];
    const byCountry = advisorSnapshot({
      run: RUN, filters: { ...NO_FILTERS, country: 'DEU' }, regions: placed, countries,
      ranking: rankRegions(placed, { energyKWh: 1, origin: ORIGIN }, engineFilters({ ...NO_FILTERS, country: 'DEU' })),
    });
    assert.ok(byCountry.type === 'snapshot');
    assert.deepEqual(byCountry.rows.map((row) => row.region), ['frankfurt', 'somewhere']);
    assert.deepEqual(byCountry.countryChoices, [{ iso3: 'FRA', name: 'France' }, { iso3: 'DEU', name: 'Germany' }, { iso3: 'IND', name: 'IND' }]);
    assert.equal(byCountry.origin?.coordinatesSource, undefined, 'here without coordinates');

    // Here in Paris: Frankfurt is about 480 km away, Mumbai about 7,000.
    const paris = { ...ORIGIN, coordinates: { latitude: 48.86, longitude: 2.35 }, coordinatesSource: 'given' };
    const near = { ...NO_FILTERS, maxDistanceKm: 1000 };
    const ranking = rankRegions(placed, { energyKWh: 1, origin: paris }, engineFilters(near));
    const snapshot = advisorSnapshot({ run: RUN, filters: near, regions: placed, countries, ranking });
    assert.ok(snapshot.type === 'snapshot');
    assert.deepEqual(snapshot.rows.map((row) => row.region).sort(), ['frankfurt', 'paris']);
    assert.equal(snapshot.origin?.coordinatesSource, 'given');
    assert.equal(snapshot.excludedCount, 1);
    assert.deepEqual(snapshot.excluded, [{ provider: 'ovh', region: 'somewhere', displayName: 'somewhere', reason: 'no-coordinates' }]);
    assert.deepEqual(parseAdvisorHostToPanel(JSON.parse(JSON.stringify(snapshot))), snapshot);
    assert.match(regionSummaryMarkdown({ run: RUN, origin: { ...ORIGIN, emissionsKg: 0.8, coordinatesSource: 'given' }, filters: { ...near, country: 'DEU' }, rows: [] }),
      /Filters: country DEU; within 1000 km of here\./);
  });

  it('drops the filters that cannot apply: a distance without coordinates, an unknown provider or country', () => {
    const asked = { ...NO_FILTERS, providers: ['gcp', 'nope'], country: 'ZZZ', maxDistanceKm: 500 };
    assert.deepEqual(usableFilters(asked, regions, false), { ...NO_FILTERS, providers: ['gcp'] });
    assert.deepEqual(usableFilters({ ...asked, country: 'IND' }, regions, true), { ...NO_FILTERS, providers: ['gcp'], country: 'IND', maxDistanceKm: 500 });
    assert.equal(usableFilters({ ...asked, maxDistanceKm: Number.NaN }, regions, true).maxDistanceKm, undefined);
    // What the host then ranks never throws: rankRegions refuses a distance without coordinates.
    assert.doesNotThrow(() => rankRegions(regions, { energyKWh: 1, origin: ORIGIN }, engineFilters(usableFilters(asked, regions, false))));
  });

  it('keeps the user\'s command and names from becoming Markdown in the summary: no tag, link, new paragraph or cell', () => {
    const hostile = 'x`\n\n<img src=x onerror=alert(1)>\n# [a](javascript:1) | b';
    const markdown = regionSummaryMarkdown({
      run: { ...RUN, command: hostile }, origin: { ...ORIGIN, label: hostile, emissionsKg: 0.8, coordinatesSource: undefined }, filters: NO_FILTERS,
      rows: [buildRow({ displayName: hostile })],
    });
    const [paragraph, blank] = markdown.split('\n');
    assert.equal(blank, '', 'the sentence stays one paragraph');
    assert.ok(paragraph?.includes('``'), 'the command sits in a code span longer than its backtick');
    const withoutCode = markdown.replace(/``.*?``/g, '');
    assert.doesNotMatch(withoutCode, /(^|[^\\])[<[|]img|(^|[^\\])\[a\]/);
    assert.equal(markdown.split('\n').filter((line) => line.startsWith('|')).length, 3, 'header, rule and one row');
    assert.ok(markdown.includes('\\<img src=x onerror=alert(1)\\>'));
  });

  it('writes the quick pick item: provider:region and name, emissions and saving, data year and source', () => {
    const texts = regionPickTexts(buildRow());
    assert.equal(texts.label, 'gcp:europe-west6  Zürich');
    assert.equal(texts.description, '39.9 g CO₂e · saves 786 g CO₂e (95 %)');
    assert.match(texts.detail, /^15\.1 g\/kWh × PUE 1\.1 · 2024 · Google Cloud region carbon data 2024 · estimated: PUE is the provider average$/);
    assert.match(regionPickTexts(buildRow({ isCurrent: true })).label, /^\$\(location\) gcp:europe-west6/);
    assert.equal(savingText({ savingKg: -0.1, savingPercent: -12 }), 'adds 100 g CO₂e (12 %)');
  });

  it('summarises the ranking in Markdown: the baseline, the top rows, the filters', () => {
    const markdown = regionSummaryMarkdown({
      run: RUN, origin: { ...ORIGIN, emissionsKg: 0.8, coordinatesSource: undefined }, filters: { ...NO_FILTERS, providers: ['gcp'], measuredOnly: true },
      rows: [buildRow(), buildRow({ rank: 2, displayName: 'a | b', estimates: [] })],
    });
    assert.match(markdown, /^\*\*Where would this run emit least\?\*\* Run `python train\.py` used 2 kWh at the components; here \(Germany, 400 g\/kWh × PUE 1\.0\) it emitted 800 g CO₂e\./);
    assert.match(markdown, /\| 1 \| gcp:europe-west6 \| Zürich \| 39\.9 g CO₂e \| 786 g CO₂e \(95 %\) \| 15\.1 \| 1\.1\* \|/);
    assert.match(markdown, /\| a \\\| b \|/);
    assert.match(markdown, /Filters: providers gcp; measured data only\./);
    assert.match(regionSummaryMarkdown({ run: RUN, origin: { ...ORIGIN, emissionsKg: 0.8, coordinatesSource: undefined }, filters: NO_FILTERS, rows: [] }), /No region matches the filters\.\n\nFilters: all regions/);
  });

  it('ranks every shipped region for a run, each with its emissions', () => {
    const data = loadIntensityData(join(__dirname, '..', '..', '..', '..', 'data'));
    const ranking = rankRegions(data.cloudRegions, { energyKWh: 1, origin: ORIGIN }, engineFilters(NO_FILTERS));
    const snapshot = advisorSnapshot({ run: RUN, ranking, filters: NO_FILTERS, regions: data.cloudRegions });
    assert.ok(snapshot.type === 'snapshot' && snapshot.rows.length >= 150 && snapshot.rows.length === ranking.ranked.length);
    assert.ok(parseAdvisorHostToPanel(JSON.parse(JSON.stringify(snapshot))), 'the shipped data passes the panel\'s validator');
  });
});
