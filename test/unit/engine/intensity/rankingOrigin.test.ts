import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIntensityCache } from '../../../../src/engine/intensity/intensityCache';
import { loadIntensityData } from '../../../../src/engine/intensity/intensityTable';
import { liveZoneFor } from '../../../../src/engine/intensity/liveIntensityApi';
import { resolveLocation } from '../../../../src/engine/intensity/location';
import { originFromPlace } from '../../../../src/engine/intensity/rankingOrigin';
import { placeOfTimeZone } from '../../../../src/engine/intensity/timeZoneCountry';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const data = loadIntensityData(join(repoRoot, 'data'));
const zoneTab = join(repoRoot, 'test', 'fixtures', 'intensity', 'zone.tab');
const place = (flags: { country?: string; region?: string; cloud?: string }) => resolveLocation({ flags, env: {}, zoneTabPath: zoneTab }, data);

describe('placeOfTimeZone', () => {
  it('reads ISO 6709 coordinates in minutes and in seconds', () => {
    // FR +4852+00220: 48° 52′ N, 2° 20′ E.
    assert.deepEqual(placeOfTimeZone('Europe/Paris', zoneTab), { countryIso2: 'FR', latitude: 48 + 52 / 60, longitude: 2 + 20 / 60 });
    // JP +353916+1394441: 35° 39′ 16″ N, 139° 44′ 41″ E.
    const tokyo = placeOfTimeZone('Asia/Tokyo', zoneTab);
    assert.ok(tokyo && Math.abs(tokyo.latitude - (35 + 39 / 60 + 16 / 3600)) < 1e-12 && Math.abs(tokyo.longitude - (139 + 44 / 60 + 41 / 3600)) < 1e-12);
  });

  it('gives nothing for a zone not listed or a missing file', () => {
    assert.equal(placeOfTimeZone('Etc/UTC', zoneTab), undefined);
    assert.equal(placeOfTimeZone('Europe/Paris', join(repoRoot, 'no-such.tab')), undefined);
  });
});

describe('originFromPlace', () => {
  it('takes the time zone\'s city as here only when it lies in the same country', () => {
    const france = originFromPlace(place({ country: 'FR' }), data, { timeZone: 'Europe/Paris', zoneTabPath: zoneTab });
    assert.equal(france.label, 'France');
    assert.match(france.coordinatesSource ?? '', /principal city of time zone Europe\/Paris/);
    const germany = originFromPlace(place({ country: 'DE' }), data, { timeZone: 'Europe/Paris', zoneTabPath: zoneTab });
    assert.equal(germany.coordinates, undefined);
  });

  it('prefers given coordinates, then the cloud region\'s own', () => {
    const given = originFromPlace(place({ country: 'FR' }), data, { coordinates: { latitude: 1, longitude: 2 }, timeZone: 'Europe/Paris', zoneTabPath: zoneTab });
    assert.deepEqual([given.coordinates, given.coordinatesSource], [{ latitude: 1, longitude: 2 }, 'given']);
    const azure = originFromPlace(place({ cloud: 'azure:westeurope' }), data, {});
    assert.equal(azure.coordinatesSource, 'cloud region');
    assert.deepEqual(azure.cloudRegion, { provider: 'azure', region: 'westeurope' });
    assert.equal(azure.label, 'azure:westeurope');
  });
});

describe('liveZoneFor', () => {
  it('takes the zone given, the cloud region\'s, ISO2-code for a province, else the country', () => {
    assert.deepEqual(liveZoneFor(place({ country: 'FR' }).location, data, 'DE'), { zone: 'DE', basis: 'given' });
    assert.deepEqual(liveZoneFor(place({ cloud: 'gcp:europe-west1' }).location, data), { zone: 'BE', basis: 'cloud region' });
    assert.deepEqual(liveZoneFor(place({ country: 'CA', region: 'QC' }).location, data), { zone: 'CA-QC', basis: 'sub-national region' });
    assert.deepEqual(liveZoneFor(place({ country: 'FR' }).location, data), { zone: 'FR', basis: 'country' });
  });
});

describe('createIntensityCache', () => {
  const isFigure = (value: unknown): value is { g: number } => typeof value === 'object' && value !== null && typeof (value as { g?: unknown }).g === 'number';
  const isNumber = (value: unknown): value is number => typeof value === 'number';
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'carbon-meter-cache-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps a value for its TTL, and not from the future', () => {
    let nowMs = 1_000_000;
    const cache = createIntensityCache({ directory, nowMs: () => nowMs });
    cache.set(['latest', 'FR'], { g: 38 });
    assert.deepEqual(cache.get(['latest', 'FR'], 60_000, isFigure), { g: 38 });
    assert.equal(cache.get(['latest', 'DE'], 60_000, isFigure), undefined);
    nowMs += 60_000;
    assert.equal(cache.get(['latest', 'FR'], 60_000, isFigure), undefined);
    nowMs -= 120_000;
    assert.equal(cache.get(['latest', 'FR'], 60_000, isFigure), undefined, 'a clock set back does not make an entry fresh');
  });

  it('treats a corrupt file as a miss and an unwritable folder as no cache', () => {
    const cache = createIntensityCache({ directory });
    cache.set(['k'], 1);
    const [file] = readdirSync(directory);
    writeFileSync(join(directory, file as string), '{"storedAt');
    assert.equal(cache.get(['k'], 60_000, isNumber), undefined);
    const blocked = join(directory, 'blocked');
    writeFileSync(blocked, 'a file where the folder should be');
    assert.doesNotThrow(() => createIntensityCache({ directory: join(blocked, 'sub') }).set(['k'], 1));
    chmodSync(directory, 0o500);
    try {
      assert.doesNotThrow(() => createIntensityCache({ directory }).set(['other'], 2));
    } finally {
      chmodSync(directory, 0o700);
    }
  });
});
