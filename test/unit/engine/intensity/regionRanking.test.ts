import { strict as assert } from 'node:assert';
import type { CloudRegion } from '../../../../src/engine/intensity/intensityTable';
import { rankRegions } from '../../../../src/engine/intensity/regionRanking';

function cloudRegion(provider: string, region: string, gridIntensityGramsPerKWh: number | null, pue: number | null): CloudRegion {
  return {
    provider, region, displayName: region, countryIso3: 'XXX', continent: null, subdivisionCode: null, subdivisionName: null, zone: null,
    electricityMapsZone: null, latitude: null, longitude: null, gridIntensityGramsPerKWh, intensityYear: 2024, intensitySource: 'test',
    intensityBasis: 'provider', pue, pueSource: null, pueBasis: null, carbonFreePercent: null, carbonFreeYear: null,
  };
}

describe('rankRegions', () => {
  const regions = [
    cloudRegion('gcp', 'b', 100, 1.1),
    cloudRegion('aws', 'z', 100, 1.2),
    cloudRegion('azure', 'clean', 20, 1.5),
    cloudRegion('aws', 'unknown', null, 1.1),
  ];

  it('sorts by intensity, breaking ties by provider then region', () => {
    const { ranked } = rankRegions(regions);
    assert.deepEqual(ranked.map((r) => `${r.provider}:${r.region}`), ['azure:clean', 'aws:z', 'gcp:b']);
    assert.equal(ranked[0]?.emissionsKg, undefined);
  });

  it('excludes and counts regions without an intensity instead of ranking them as 0', () => {
    const { ranked, excludedWithoutIntensity } = rankRegions(regions);
    assert.equal(ranked.length, 3);
    assert.deepEqual(excludedWithoutIntensity, [{ provider: 'aws', region: 'unknown' }]);
  });

  it('computes energy × PUE × intensity in kg', () => {
    const { ranked } = rankRegions(regions, { energyKWh: 10 });
    // azure:clean 10 kWh × 1.5 × 20 g = 300 g; aws:z 10 × 1.2 × 100 = 1200 g.
    assert.ok(Math.abs((ranked[0]?.emissionsKg ?? 0) - 0.3) < 1e-12);
    assert.ok(Math.abs((ranked[1]?.emissionsKg ?? 0) - 1.2) < 1e-12);
  });

  it('keeps only the requested providers and uses PUE 1.0 when unknown', () => {
    const { ranked } = rankRegions([...regions, cloudRegion('ovh', 'gra', 50, null)], { providers: ['OVH', 'gcp'], energyKWh: 2 });
    assert.deepEqual(ranked.map((r) => r.region), ['gra', 'b']);
    assert.equal(ranked[0]?.pue, 1.0);
    assert.ok(Math.abs((ranked[0]?.emissionsKg ?? 0) - 0.1) < 1e-12);
  });
});
