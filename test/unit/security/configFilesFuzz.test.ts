import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { createJsonFileIntensityProvider } from '../../../src/engine/intensity/jsonFileIntensityProvider';
import { loadIntensityData } from '../../../src/engine/intensity/intensityTable';
import { CONFIG_FILE_NAME, resolveLocation, ResolvedLocation } from '../../../src/engine/intensity/location';

const data = loadIntensityData(resolve(__dirname, '../../../data'));
const ZONE_TAB = resolve(__dirname, '../../fixtures/intensity/zone.tab');

/** Text a config file could hold: JSON of any shape, JSON with the expected keys holding anything, or any bytes. */
const configText = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.record({
    country: fc.oneof(fc.jsonValue(), fc.constantFrom('FR', 'Frnace', 'USA', '')),
    region: fc.oneof(fc.jsonValue(), fc.constantFrom('CA', 'ON', 'ZZ')),
    cloud: fc.oneof(fc.jsonValue(), fc.constantFrom('gcp:europe-west1', 'aws:nowhere', 'x')),
    pue: fc.oneof(fc.jsonValue(), fc.double(), fc.constantFrom('1.2', '0.5', '1e999')),
  }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary' }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

const envValue = fc.oneof(fc.constant(undefined), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('FR', 'gcp:europe-west1', '1.3', '-2', 'NaN', 'Infinity'));

function assertUsable(resolved: ResolvedLocation): void {
  assert.ok(Number.isFinite(resolved.intensity.gramsPerKWh) && resolved.intensity.gramsPerKWh >= 0);
  assert.ok(Number.isFinite(resolved.pue) && resolved.pue >= 1, `PUE ${resolved.pue}`);
  assert.equal(typeof resolved.location.countryIso3, 'string');
  for (const warning of resolved.warnings) assert.equal(typeof warning, 'string');
}

describe('config files and environment under fuzzing', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'carbon-meter-config-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('.carbon-meter.json and CARBON_METER_* never throw: a bad value is a warning, and the location stays usable', () => {
    fc.assert(fc.property(configText, envValue, envValue, envValue, envValue, (text, country, region, cloud, pue) => {
      writeFileSync(join(directory, CONFIG_FILE_NAME), text);
      const env = { CARBON_METER_COUNTRY: country, CARBON_METER_REGION: region, CARBON_METER_CLOUD: cloud, CARBON_METER_PUE: pue };
      assertUsable(resolveLocation({ env, configDir: directory, timeZone: 'Europe/Paris', zoneTabPath: ZONE_TAB }, data));
    }), { numRuns: 300 });
  });

  it('reads a well-formed .carbon-meter.json as written', () => {
    fc.assert(fc.property(fc.constantFrom('FR', 'DEU', 'Japan'), fc.double({ min: 1, max: 3, noNaN: true }), (country, pue) => {
      writeFileSync(join(directory, CONFIG_FILE_NAME), JSON.stringify({ country, pue }));
      const resolved = resolveLocation({ env: {}, configDir: directory }, data);
      assert.deepEqual([resolved.location.basis, resolved.pue, resolved.warnings], ['config-file', pue, []]);
    }), { numRuns: 30 });
  });

  it('a JSON intensity file of any content gives figures or a failure with its reason, never a rejection', async () => {
    const file = join(directory, 'intensity.json');
    const block = fc.record({
      zone: fc.oneof(fc.constant('FR'), fc.jsonValue()),
      data: fc.oneof(fc.jsonValue(), fc.array(fc.record({
        datetime: fc.oneof(fc.constant('2026-01-01T00:00:00Z'), fc.jsonValue()),
        carbonIntensity: fc.oneof(fc.double(), fc.jsonValue()),
        isEstimated: fc.jsonValue(),
      }, { requiredKeys: [] }), { maxLength: 4 })),
    }, { requiredKeys: [] });
    const content = fc.oneof(configText, block.map((value) => JSON.stringify(value)), fc.array(block, { maxLength: 3 }).map((value) => JSON.stringify(value)));
    await fc.assert(fc.asyncProperty(content, async (text) => {
      writeFileSync(file, text);
      const provider = createJsonFileIntensityProvider({ path: file, nowMs: () => Date.parse('2026-06-01T00:00:00Z') });
      for (const result of [await provider.latest('FR'), await provider.pastRange('FR', 0, Date.parse('2027-01-01T00:00:00Z'))]) {
        if (!result.ok) {
          assert.ok(result.failure.message.length > 0);
          continue;
        }
        const points = Array.isArray(result.value) ? result.value : [result.value];
        for (const point of points) assert.ok(Number.isFinite(point.gramsPerKWh) && point.gramsPerKWh >= 0 && Number.isFinite(point.startMs));
      }
    }), { numRuns: 300 });
  });
});
