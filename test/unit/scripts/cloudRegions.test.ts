import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { haversineKm } from '../../../src/engine/intensity/geoDistance';
import type { CloudRegion } from '../../../src/engine/intensity/intensityTable';

const repoRoot = join(__dirname, '..', '..', '..');
const sharedDir = join(repoRoot, '..', 'shared', 'data');
const shipped = JSON.parse(readFileSync(join(repoRoot, 'data', 'cloudRegions.json'), 'utf8')) as { regions: CloudRegion[]; provenance: { notes: string[] } };
const countries = JSON.parse(readFileSync(join(repoRoot, 'data', 'countryIntensity.json'), 'utf8')) as { countries: { iso3: string; iso2: string }[] };
const iso2Of = new Map(countries.countries.map((c) => [c.iso3, c.iso2]));

describe('data/cloudRegions.json', () => {
  it('has at least 150 regions, AWS, GCP and Azure among them, each with a source for every figure', () => {
    assert.ok(shipped.regions.length >= 150, `${shipped.regions.length} regions`);
    for (const provider of ['aws', 'gcp', 'azure']) assert.ok(shipped.regions.filter((r) => r.provider === provider).length >= 20, provider);
    for (const r of shipped.regions) {
      const key = `${r.provider}:${r.region}`;
      assert.ok(r.gridIntensityGramsPerKWh !== null && r.gridIntensityGramsPerKWh >= 0 && r.intensitySource, key);
      assert.ok(['provider', 'region', 'subdivision', 'country'].includes(r.intensityBasis), key);
      assert.equal(r.pue === null, r.pueSource === null, key);
      assert.equal(r.pue === null, r.pueBasis === null, key);
      assert.equal(r.carbonFreePercent === null, r.carbonFreeYear === null, key);
      assert.equal(r.latitude === null, r.longitude === null, key);
    }
  });

  it('gives Google\'s carbon-free share for every GCP region and coordinates only from a permissive source', () => {
    assert.ok(shipped.regions.filter((r) => r.provider === 'gcp').every((r) => r.carbonFreePercent !== null));
    const withCoordinates = new Set(shipped.regions.filter((r) => r.latitude !== null).map((r) => r.provider));
    assert.deepEqual([...withCoordinates], ['azure'], 'only carbon-aware-sdk (MIT) gives coordinates');
  });

  // Electricity Maps' data-centre list is AGPL and is never shipped; reading it here only checks ours.
  it('agrees with Electricity Maps\' data-centre list on countries and, for Azure, on places', () => {
    const dataCentres = JSON.parse(readFileSync(join(sharedDir, 'electricitymaps-contrib', 'data_centers.json'), 'utf8')) as Record<string, { zoneKey: string; lonlat: [number, number] }>;
    const disagreements: string[] = [];
    let compared = 0;
    for (const r of shipped.regions) {
      const theirs = dataCentres[`${r.provider}-${r.region}`];
      if (!theirs) continue;
      compared++;
      const theirCountry = theirs.zoneKey.split('-')[0];
      // Hong Kong: our sources file it under China (CN-HK), Electricity Maps as its own zone HK.
      if (theirCountry !== iso2Of.get(r.countryIso3) && !(theirCountry === 'HK' && r.countryIso3 === 'CHN')) disagreements.push(`${r.provider}:${r.region} ${r.countryIso3} vs ${theirs.zoneKey}`);
      if (r.latitude !== null && r.longitude !== null) {
        // carbon-aware-sdk places some regions at the state's or country's centre, not the data centre: a few hundred km.
        const km = haversineKm({ latitude: r.latitude, longitude: r.longitude }, { latitude: theirs.lonlat[1], longitude: theirs.lonlat[0] });
        if (km > 700) disagreements.push(`${r.provider}:${r.region} is ${km.toFixed(0)} km from Electricity Maps' place`);
      }
    }
    assert.ok(compared >= 100, `only ${compared} regions compared`);
    assert.deepEqual(disagreements, []);
  });
});
