import * as assert from 'node:assert/strict';
import {
  ALL, countryOptions, distanceControl, exclusionGroups, exclusionSummary, parseDistance,
} from '../../../../src/webview/regionAdvisor/advisorFilters';
import type { ExcludedRegionView } from '../../../../src/protocol/regionAdvisorMessages';

const excluded: ExcludedRegionView[] = [
  { provider: 'ovh', region: 'gra', displayName: 'Gravelines', reason: 'no-coordinates' },
  { provider: 'aws', region: 'x', displayName: 'X', reason: 'no-intensity' },
  { provider: 'scw', region: 'par', displayName: 'Paris', reason: 'no-coordinates' },
];

describe('Region Advisor filters', () => {
  it('offers every country by name with its ISO3, after "All countries"', () => {
    assert.deepEqual(countryOptions([{ iso3: 'DEU', name: 'Germany' }, { iso3: 'XKX', name: 'XKX' }]), [
      { value: ALL, label: 'All countries' },
      { value: 'DEU', label: 'Germany (DEU)' },
      { value: 'XKX', label: 'XKX' },
    ]);
  });

  it('disables the distance field, saying why, when here has no coordinates', () => {
    const off = distanceControl({ label: 'India', coordinatesSource: undefined }, undefined);
    assert.equal(off.enabled, false);
    assert.equal(off.value, '');
    assert.match(off.hint, /^Off: India has no coordinates/);
    assert.match(distanceControl(undefined, undefined).hint, /^Off: here has no coordinates/);
    assert.deepEqual(distanceControl({ label: 'gcp:europe-west1', coordinatesSource: 'cloud region' }, 1500),
      { enabled: true, value: '1500', hint: 'Great-circle km from cloud region; empty: any distance.' });
    assert.equal(distanceControl({ label: 'France', coordinatesSource: 'given' }, undefined).value, '');
  });

  it('reads the distance typed: empty is any, a number from 0 to 40,000 km, anything else invalid', () => {
    assert.equal(parseDistance(''), undefined);
    assert.equal(parseDistance('  '), undefined);
    assert.equal(parseDistance('1500'), 1500);
    assert.equal(parseDistance(' 0 '), 0);
    assert.equal(parseDistance('-1'), 'invalid');
    assert.equal(parseDistance('far'), 'invalid');
    assert.equal(parseDistance('1e9'), 'invalid');
  });

  it('counts the regions left out by reason, and lists them', () => {
    assert.equal(exclusionSummary(0, []), '');
    assert.equal(exclusionSummary(3, excluded), '3 regions left out: 1 without a grid intensity, 2 without coordinates (distance unknown).');
    assert.equal(exclusionSummary(1, excluded.slice(1, 2)), '1 region left out: 1 without a grid intensity.');
    assert.equal(exclusionSummary(5, excluded), '5 regions left out: 1 without a grid intensity, 2 without coordinates (distance unknown) (2 more not listed).');
    assert.equal(exclusionSummary(4, []), '4 regions left out for missing or estimated data.', 'an older host sends the count alone');
    assert.deepEqual(exclusionGroups(excluded), [
      { reason: 'no-intensity', text: '1 without a grid intensity', regions: ['aws:x'] },
      { reason: 'no-coordinates', text: '2 without coordinates (distance unknown)', regions: ['ovh:gra', 'scw:par'] },
    ]);
  });
});
