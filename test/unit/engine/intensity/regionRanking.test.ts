import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { EARTH_MEAN_RADIUS_KM, haversineKm } from '../../../../src/engine/intensity/geoDistance';
import { loadIntensityData, type CloudRegion } from '../../../../src/engine/intensity/intensityTable';
import { estimateReasons, RankingInputError, rankRegions, type RankingOrigin } from '../../../../src/engine/intensity/regionRanking';

function cloudRegion(provider: string, region: string, overrides: Partial<CloudRegion> = {}): CloudRegion {
  return {
    provider, region, displayName: region, countryIso3: 'XXX', continent: 'Europe', subdivisionCode: null, subdivisionName: null,
    zone: null, electricityMapsZone: null, latitude: null, longitude: null, gridIntensityGramsPerKWh: 100, intensityYear: 2024,
    intensitySource: 'test', intensityBasis: 'provider', pue: 1.1, pueSource: 'test', pueBasis: 'provider', carbonFreePercent: null, carbonFreeYear: null,
    ...overrides,
  };
}

const near = (actual: number | undefined, expected: number, tolerance = 1e-12): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${actual} ≠ ${expected}`);
};

const PARIS = { latitude: 48.8566, longitude: 2.3522 };
const LONDON = { latitude: 51.5074, longitude: -0.1278 };
const MADRID = { latitude: 40.4168, longitude: -3.7038 };

describe('rankRegions', () => {
  const regions = [
    cloudRegion('gcp', 'a', { gridIntensityGramsPerKWh: 100, pue: 1.1, ...LONDON, countryIso3: 'GBR' }),
    cloudRegion('aws', 'b', { gridIntensityGramsPerKWh: 50, pue: 1.2, countryIso3: 'FRA' }),
    cloudRegion('azure', 'c', { gridIntensityGramsPerKWh: 60, pue: 1.0, ...MADRID, countryIso3: 'ESP' }),
    cloudRegion('ovh', 'd', { gridIntensityGramsPerKWh: 20, pue: null, pueSource: null, pueBasis: null, intensityBasis: 'country', countryIso3: 'QAT', continent: null }),
    cloudRegion('aws', 'e', { gridIntensityGramsPerKWh: null }),
  ];
  // Here: 200 g/kWh at PUE 1.5, so 300 g per kWh at the components.
  const origin: RankingOrigin = { label: 'here', gridIntensityGramsPerKWh: 200, pue: 1.5, coordinates: PARIS };

  it('ranks by energy × PUE × intensity with the saving against here, computed by hand', () => {
    const { ranked, origin: baseline } = rankRegions(regions, { energyKWh: 10, origin });
    // 10 kWh × 1.5 × 200 g = 3 kg here.
    near(baseline?.emissionsKg, 3);
    assert.deepEqual(ranked.map((r) => `${r.rank} ${r.provider}:${r.region}`), ['1 ovh:d', '2 aws:b', '2 azure:c', '4 gcp:a']);
    const [d, b, c, a] = ranked;
    // ovh:d: 10 × 1.0 (assumed) × 20 = 0.2 kg, saving 2.8 kg = 93.33 %.
    near(d?.emissionsKg, 0.2);
    near(d?.savingKg, 2.8);
    near(d?.savingPercent, (2.8 / 3) * 100, 1e-9);
    // aws:b: 10 × 1.2 × 50 = 0.6 kg, saving 80 %; azure:c: 10 × 1.0 × 60 = 0.6 kg, the same: a tie.
    near(b?.emissionsKg, 0.6);
    near(c?.emissionsKg, 0.6);
    near(b?.savingPercent, 80, 1e-9);
    assert.deepEqual([b?.tied, c?.tied, d?.tied, a?.tied], [true, true, false, false]);
    // gcp:a: 10 × 1.1 × 100 = 1.1 kg, saving 1.9 kg.
    near(a?.emissionsKg, 1.1);
    near(a?.savingKg, 1.9);
    near(a?.effectiveIntensityGramsPerKWh, 110);
  });

  it('lists a region without an intensity with its reason instead of ranking it as 0', () => {
    const { ranked, excluded } = rankRegions(regions, { energyKWh: 10 });
    assert.ok(!ranked.some((r) => r.region === 'e'));
    assert.deepEqual(excluded.map((e) => [e.provider, e.region, e.reason]), [['aws', 'e', 'no-intensity']]);
  });

  it('marks an assumed PUE and a country-average intensity as estimates, and measured-only drops them with the reason', () => {
    const d = rankRegions(regions).ranked.find((r) => r.region === 'd');
    assert.equal(d?.pue, 1.0);
    assert.match(d?.pueSource ?? '', /1\.0 assumed/);
    assert.deepEqual(d?.estimates, ['intensity-country-average', 'pue-unknown']);
    const averagePue = cloudRegion('gcp', 'avg', { pueBasis: 'provider-average' });
    assert.deepEqual(estimateReasons(averagePue), ['pue-provider-average']);
    const { ranked, excluded } = rankRegions([...regions, averagePue], {}, { measuredOnly: true });
    // A provider-wide PUE is an average, but a published one: the region stays, flagged.
    assert.deepEqual(ranked.map((r) => r.region), ['b', 'c', 'a', 'avg']);
    const dropped = excluded.find((e) => e.region === 'd');
    assert.equal(dropped?.reason, 'estimated');
    assert.match(dropped?.detail ?? '', /country average.*1\.0 assumed/);
  });

  it('keeps only the providers and countries asked for, case-insensitively', () => {
    assert.deepEqual(rankRegions(regions, {}, { providers: ['AWS', 'ovh'] }).ranked.map((r) => r.region), ['d', 'b']);
    assert.deepEqual(rankRegions(regions, {}, { countries: ['esp', 'GBR'] }).ranked.map((r) => r.region), ['c', 'a']);
  });

  it('filters by continent and reports regions whose continent is unknown', () => {
    const { ranked, excluded } = rankRegions(regions, {}, { continents: ['europe'] });
    assert.deepEqual(ranked.map((r) => r.region), ['b', 'c', 'a']);
    assert.deepEqual(excluded.map((e) => [e.region, e.reason]), [['d', 'no-continent'], ['e', 'no-intensity']]);
  });

  it('keeps regions within the distance, reports those without coordinates, and drops the far ones quietly', () => {
    const { ranked, excluded } = rankRegions(regions, { origin }, { maxDistanceKm: 400 });
    // London is 343.6 km from Paris, Madrid 1,053 km.
    assert.deepEqual(ranked.map((r) => r.region), ['a']);
    near(ranked[0]?.distanceKm, 343.6, 0.1);
    assert.deepEqual(excluded.map((e) => [e.region, e.reason]).sort(), [['b', 'no-coordinates'], ['d', 'no-coordinates'], ['e', 'no-intensity']]);
    assert.ok(!excluded.some((e) => e.region === 'c'), 'Madrid is too far, not missing data');
  });

  it('refuses a distance filter when here has no coordinates, and impossible workloads', () => {
    assert.throws(() => rankRegions(regions, { origin: { ...origin, coordinates: undefined } }, { maxDistanceKm: 100 }), RankingInputError);
    assert.throws(() => rankRegions(regions, {}, { maxDistanceKm: 100 }), /coordinates of the current location/);
    assert.throws(() => rankRegions(regions, { energyKWh: -1 }), RankingInputError);
    assert.throws(() => rankRegions(regions, { origin: { ...origin, pue: 0.9 } }), /PUE must be ≥ 1/);
    assert.throws(() => rankRegions(regions, { origin: { ...origin, coordinates: { latitude: 91, longitude: 0 } } }), /not a latitude and longitude/);
  });

  it('gives percentages without an energy, and no percentage when here emits nothing', () => {
    const withoutEnergy = rankRegions(regions, { origin }).ranked.find((r) => r.region === 'a');
    assert.equal(withoutEnergy?.emissionsKg, undefined);
    assert.equal(withoutEnergy?.savingKg, undefined);
    // (300 − 110) / 300 = 63.33 %.
    near(withoutEnergy?.savingPercent, (190 / 300) * 100, 1e-9);
    const clean = rankRegions(regions, { energyKWh: 1, origin: { label: 'hydro', gridIntensityGramsPerKWh: 0, pue: 1 } }).ranked[0];
    assert.equal(clean?.savingPercent, undefined);
    near(clean?.savingKg, -0.02);
  });

  it('marks the region the workload runs in', () => {
    const ranked = rankRegions(regions, { origin: { ...origin, cloudRegion: { provider: 'AZURE', region: 'c' } } }).ranked;
    assert.deepEqual(ranked.filter((r) => r.isCurrent).map((r) => r.region), ['c']);
  });

  it('ranks every shipped region with no region lost or ranked twice', () => {
    const data = loadIntensityData(join(__dirname, '..', '..', '..', '..', 'data'));
    const { ranked, excluded } = rankRegions(data.cloudRegions, { energyKWh: 1 });
    assert.equal(ranked.length + excluded.length, data.cloudRegions.length);
    for (let index = 1; index < ranked.length; index++) {
      assert.ok((ranked[index - 1]?.effectiveIntensityGramsPerKWh ?? 0) <= (ranked[index]?.effectiveIntensityGramsPerKWh ?? 0));
    }
    assert.deepEqual(estimateReasons(data.cloudRegions.find((r) => r.provider === 'gcp' && r.region === 'europe-west1') as CloudRegion), []);
  });
});

describe('haversineKm', () => {
  it('gives one degree of latitude as π R / 180 and half the equator as π R', () => {
    near(haversineKm({ latitude: 0, longitude: 0 }, { latitude: 1, longitude: 0 }), (Math.PI * EARTH_MEAN_RADIUS_KM) / 180, 1e-9);
    near(haversineKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 }), Math.PI * EARTH_MEAN_RADIUS_KM, 1e-9);
    near(haversineKm(PARIS, PARIS), 0);
  });
});
