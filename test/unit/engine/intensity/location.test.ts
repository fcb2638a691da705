import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIntensityData } from '../../../../src/engine/intensity/intensityTable';
import { resolveLocation, type LocationInput } from '../../../../src/engine/intensity/location';
import { countryOfTimeZone } from '../../../../src/engine/intensity/timeZoneCountry';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const data = loadIntensityData(join(repoRoot, 'data'));
const zoneTab = join(repoRoot, 'test', 'fixtures', 'intensity', 'zone.tab');
const zone1970Tab = join(repoRoot, 'test', 'fixtures', 'intensity', 'zone1970.tab');
const missingZoneTab = join(repoRoot, 'test', 'fixtures', 'intensity', 'no-such-zone.tab');

describe('resolveLocation', () => {
  let configDir: string;
  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'carbon-meter-location-'));
  });
  afterEach(() => rmSync(configDir, { recursive: true, force: true }));

  const base = (overrides: Partial<LocationInput> = {}): LocationInput => ({ env: {}, configDir, timeZone: undefined, zoneTabPath: missingZoneTab, ...overrides });
  const writeConfig = (content: string) => writeFileSync(join(configDir, '.carbon-meter.json'), content);

  it('prefers flags over settings, environment and the config file', () => {
    writeConfig(JSON.stringify({ country: 'JPN' }));
    const result = resolveLocation(base({ flags: { country: 'FR' }, settings: { country: 'DE' }, env: { CARBON_METER_COUNTRY: 'US' } }), data);
    assert.equal(result.location.countryIso3, 'FRA');
    assert.equal(result.location.basis, 'flag');
    assert.equal(result.intensity.scope, 'country');
    assert.equal(result.intensity.gramsPerKWh, data.countries.find((c) => c.iso3 === 'FRA')?.gramsPerKWh);
  });

  it('falls through settings, then environment, then the config file', () => {
    writeConfig(JSON.stringify({ country: 'JPN' }));
    assert.equal(resolveLocation(base({ settings: { country: 'DE' }, env: { CARBON_METER_COUNTRY: 'US' } }), data).location.basis, 'setting');
    const fromEnv = resolveLocation(base({ env: { CARBON_METER_COUNTRY: 'US' } }), data);
    assert.deepEqual([fromEnv.location.countryIso3, fromEnv.location.basis], ['USA', 'environment']);
    const fromFile = resolveLocation(base(), data);
    assert.deepEqual([fromFile.location.countryIso3, fromFile.location.basis], ['JPN', 'config-file']);
  });

  it('ranks a cloud region above a sub-national region above a country within one layer', () => {
    const cloud = resolveLocation(base({ env: { CARBON_METER_CLOUD: 'gcp:europe-west1', CARBON_METER_REGION: 'CA', CARBON_METER_COUNTRY: 'US' } }), data);
    assert.deepEqual([cloud.location.cloudProvider, cloud.location.cloudRegion, cloud.location.countryIso3, cloud.intensity.scope], ['gcp', 'europe-west1', 'BEL', 'cloud-region']);
    const region = resolveLocation(base({ env: { CARBON_METER_REGION: 'CA', CARBON_METER_COUNTRY: 'US' } }), data);
    assert.deepEqual([region.location.region, region.intensity.scope], ['CA', 'region']);
    assert.equal(region.intensity.gramsPerKWh, data.regions.find((r) => r.countryIso3 === 'USA' && r.code === 'CA')?.gramsPerKWh);
  });

  it('takes the PUE from the strongest layer, else the cloud region, else 1.0', () => {
    const cloud = data.cloudRegions.find((r) => r.provider === 'aws' && r.region === 'eu-west-1');
    assert.ok(cloud?.pue);
    assert.equal(resolveLocation(base({ flags: { cloud: 'aws:eu-west-1' } }), data).pue, cloud.pue);
    assert.equal(resolveLocation(base({ flags: { cloud: 'aws:eu-west-1' }, env: { CARBON_METER_PUE: '1.4' } }), data).pue, 1.4);
    assert.equal(resolveLocation(base({ flags: { country: 'FR' } }), data).pue, 1.0);
  });

  it('warns about and ignores a malformed config file', () => {
    writeConfig('{ "country": ');
    const result = resolveLocation(base(), data);
    assert.equal(result.location.basis, 'default');
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0] ?? '', /\.carbon-meter\.json/);
  });

  it('warns about an unknown environment country and falls through, but throws for an unknown flag', () => {
    const result = resolveLocation(base({ env: { CARBON_METER_COUNTRY: 'FRX' } }), data);
    assert.equal(result.location.basis, 'default');
    assert.match(result.warnings.join('\n'), /Did you mean: .*FRA \(France\)/);
    assert.throws(() => resolveLocation(base({ flags: { country: 'FRX' } }), data), /Unknown country "FRX"/);
  });

  it('ignores a PUE below 1 or above 5 with a warning, as the flag, the setting and the file do', () => {
    for (const pue of ['0.5', '99']) {
      const result = resolveLocation(base({ env: { CARBON_METER_PUE: pue } }), data);
      assert.equal(result.pue, 1.0);
      assert.match(result.warnings.join('\n'), new RegExp(`CARBON_METER_PUE PUE "${pue}": expected a number from 1 to 5`));
    }
  });

  it('guesses the country from the time zone through zone.tab', () => {
    const result = resolveLocation(base({ timeZone: 'Europe/Berlin', zoneTabPath: zoneTab }), data);
    assert.deepEqual([result.location.countryIso3, result.location.basis], ['DEU', 'time-zone-guess']);
  });

  it('falls back to the world average when the time zone is unlisted', () => {
    const result = resolveLocation(base({ timeZone: 'Etc/UTC', zoneTabPath: zoneTab }), data);
    assert.deepEqual([result.location.basis, result.intensity.scope, result.intensity.gramsPerKWh], ['default', 'world', data.world.gramsPerKWh]);
  });
});

describe('countryOfTimeZone', () => {
  it('reads the first country of a zone1970.tab line', () => {
    assert.equal(countryOfTimeZone('Europe/Zurich', zone1970Tab), 'CH');
  });

  it('returns undefined for a missing file', () => {
    assert.equal(countryOfTimeZone('Europe/Paris', missingZoneTab), undefined);
  });
});
