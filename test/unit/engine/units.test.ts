import * as assert from 'node:assert/strict';
import { joulesFromWatts, kWhFromJoules, wattsFromJoules, JOULES_PER_KWH } from '../../../src/engine/units';

describe('units', () => {
  it('turns 1 kW over one hour into exactly 1 kWh', () => {
    assert.equal(kWhFromJoules(joulesFromWatts(1_000, 3_600_000)), 1);
    assert.equal(JOULES_PER_KWH, 3_600_000);
  });

  it('gives 0 W for an empty interval rather than dividing by zero', () => {
    assert.equal(wattsFromJoules(5, 0), 0);
    assert.equal(wattsFromJoules(5, 500), 10);
  });
});
