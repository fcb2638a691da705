import * as assert from 'node:assert/strict';
import { computeEquivalents, EquivalentsData } from '../../../../src/engine/reports/equivalents';
import equivalentsFixture from '../../../fixtures/runs/equivalents.json';

const data = equivalentsFixture as EquivalentsData;

describe('computeEquivalents', () => {
  it('divides the emissions by each factor and keeps label and source', () => {
    assert.deepEqual(computeEquivalents(0.0008, data), [
      { id: 'car-km', label: 'km driven by an average car', amount: 0.0008 / 0.16, source: 'Test source A' },
      { id: 'tv-hours', label: 'hours of television', amount: 0.0008 / 0.02, source: 'Test source B' },
    ]);
  });

  it('skips a factor of zero rather than returning Infinity', () => {
    assert.ok(computeEquivalents(1, data).every((equivalent) => Number.isFinite(equivalent.amount)));
  });
});
