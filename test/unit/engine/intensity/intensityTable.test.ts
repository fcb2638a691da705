import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCloudRegion, findCountry, findRegion, loadIntensityData } from '../../../../src/engine/intensity/intensityTable';
import { editDistance, findCloseMatches } from '../../../../src/engine/intensity/closeMatches';

const dataDir = join(__dirname, '..', '..', '..', '..', 'data');

describe('intensityTable', () => {
  const data = loadIntensityData(dataDir);

  it('has at least 200 countries, a world average and US states', () => {
    assert.ok(data.countries.length >= 200, `${data.countries.length} countries`);
    assert.ok(data.world.gramsPerKWh > 300 && data.world.gramsPerKWh < 600);
    const states = data.regions.filter((r) => r.countryIso3 === 'USA');
    assert.ok(states.length >= 50, `${states.length} US regions`);
    assert.ok(data.regions.some((r) => r.countryIso3 === 'CAN' && r.code === 'QC'));
  });

  it('has at least 150 cloud regions covering aws, gcp and azure', () => {
    assert.ok(data.cloudRegions.length >= 150, `${data.cloudRegions.length} cloud regions`);
    for (const provider of ['aws', 'gcp', 'azure']) assert.ok(data.cloudRegions.some((r) => r.provider === provider), provider);
  });

  it('loads the hardware and equivalents tables', () => {
    assert.ok(data.cpuPower.length > 4000);
    assert.deepEqual(data.equivalents.map((e) => e.id), ['car-km', 'household-days', 'tv-hours']);
    assert.deepEqual(data.cloudCpuCoefficients.providers.map((p) => p.provider), ['aws', 'azure', 'gcp']);
    assert.equal(data.cloudCpuCoefficients.memoryWattsPerGiB, 0.392);
  });

  it('returns the same object on a second load', () => {
    assert.equal(loadIntensityData(dataDir), data);
  });

  it('finds a country by ISO3, ISO2 or name, in any case', () => {
    assert.equal(findCountry(data, 'FRA').name, 'France');
    assert.equal(findCountry(data, 'fr').iso3, 'FRA');
    assert.equal(findCountry(data, 'france').iso3, 'FRA');
  });

  it('lists close matches for an unknown country', () => {
    assert.throws(() => findCountry(data, 'FRX'), /^Error: Unknown country "FRX"\. Did you mean: .*FRA \(France\)/);
  });

  it('finds a US state and suggests codes for a typo', () => {
    assert.equal(findRegion(data, 'US', 'ca').name, 'California');
    assert.throws(() => findRegion(data, 'USA', 'CX'), /Unknown region of USA "CX"\. Did you mean: .*CA \(California\)/);
  });

  it('finds a cloud region by provider:region and suggests near misses', () => {
    const region = findCloudRegion(data, 'GCP:europe-west1');
    assert.equal(region.countryIso3, 'BEL');
    assert.throws(() => findCloudRegion(data, 'gcp:europe-wst1'), /Did you mean: gcp:europe-west1/);
  });

  it('fails with the file and field when a data file is malformed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'carbon-meter-bad-'));
    try {
      writeFileSync(join(dir, 'countryIntensity.json'), JSON.stringify({ provenance: {}, world: {}, countries: [{ iso3: 'FRA' }] }));
      assert.throws(() => loadIntensityData(dir), /countries\[0\]\.iso2 must be a string/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('closeMatches', () => {
  it('computes the Levenshtein distance', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });

  it('ranks prefix matches before typos and drops far candidates', () => {
    const candidates = [{ keys: ['DEU'], label: 'DEU' }, { keys: ['DNK'], label: 'DNK' }, { keys: ['ZZZZZZ'], label: 'far' }];
    assert.deepEqual(findCloseMatches('DE', candidates), ['DEU', 'DNK']);
  });
});
