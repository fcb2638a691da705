import * as assert from 'node:assert/strict';
import {
  splitIdleActive, splitIdleActiveSeries, updateIdleBaselineWatts,
} from '../../../../src/engine/attribution/idleActiveSplit';

describe('updateIdleBaselineWatts', () => {
  it('keeps the lowest measured power and skips unmeasured 0 W intervals', () => {
    let idle: number | undefined;
    for (const powerWatts of [40, 25, 0, 31]) idle = updateIdleBaselineWatts(idle, powerWatts);
    assert.equal(idle, 25);
  });

  it('uses the model idle power when the source has one', () => {
    assert.equal(updateIdleBaselineWatts(10, 5, 12), 12);
  });
});

describe('splitIdleActive', () => {
  it('takes baseline power × interval as idle and the rest as active', () => {
    assert.deepEqual(splitIdleActive(90, 2000, 20), { idleJoules: 40, activeJoules: 50 });
  });

  it('never gives more idle than the energy measured, nor negative active', () => {
    assert.deepEqual(splitIdleActive(10, 1000, 30), { idleJoules: 10, activeJoules: 0 });
  });

  it('counts everything as active before any baseline exists', () => {
    assert.deepEqual(splitIdleActive(10, 1000, undefined), { idleJoules: 0, activeJoules: 10 });
  });
});

describe('splitIdleActiveSeries', () => {
  it('uses the series minimum for every interval, earlier ones included', () => {
    const split = splitIdleActiveSeries([
      { powerWatts: 50, intervalMs: 1000 },
      { powerWatts: 20, intervalMs: 1000 },
      { powerWatts: 35, intervalMs: 2000, energyJoules: 72 },
    ]);
    assert.equal(split.idlePowerWatts, 20);
    assert.equal(split.idleJoules, 20 + 20 + 40);
    assert.equal(split.activeJoules, 30 + 0 + 32);
  });

  it('uses the model idle power instead of the minimum when given', () => {
    const split = splitIdleActiveSeries([{ powerWatts: 50, intervalMs: 1000 }], 15);
    assert.deepEqual(split, { idleJoules: 15, activeJoules: 35, idlePowerWatts: 15 });
  });
});
