import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { hoursFromYears, sciEmbodiedShare } from '../../../../src/engine/lifecycle/sciEmbodied';

const f = (value: number, source = 'test') => ({ value, source });

describe('sciEmbodiedShare', () => {
  it('computes M = TE × TR/EL × RR: a 1,000 kg server for 1 h of 4 years, half of it', () => {
    const share = sciEmbodiedShare({ totalEmbodiedKg: f(1000), reservedHours: f(1), expectedLifetimeHours: f(hoursFromYears(4)), reservedShare: f(0.5) });
    assert.equal(hoursFromYears(4), 35_040);
    assert.ok(Math.abs(share.embodiedKg - 500 / 35_040) < 1e-15);
    assert.equal(share.totalEmbodiedKg.source, 'test');
  });

  it('never gives more than TE over a lifetime, and grows with time and share', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 1, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (te, el, rr) => {
      const whole = sciEmbodiedShare({ totalEmbodiedKg: f(te), reservedHours: f(el), expectedLifetimeHours: f(el), reservedShare: f(rr) }).embodiedKg;
      const half = sciEmbodiedShare({ totalEmbodiedKg: f(te), reservedHours: f(el / 2), expectedLifetimeHours: f(el), reservedShare: f(rr) }).embodiedKg;
      return whole <= te * (1 + 1e-12) && half <= whole && Math.abs(whole - te * rr) <= 1e-9 * Math.max(1, te);
    }));
  });

  it('rejects a share above 1, a zero lifetime or a negative figure, naming its source', () => {
    assert.throws(() => sciEmbodiedShare({ totalEmbodiedKg: f(1), reservedHours: f(1), expectedLifetimeHours: f(1), reservedShare: f(1.5, 'your figure') }), /Resources reserved \(RR\) must be a share from 0 to 1, not 1\.5 \(your figure\)/);
    assert.throws(() => sciEmbodiedShare({ totalEmbodiedKg: f(1), reservedHours: f(1), expectedLifetimeHours: f(0), reservedShare: f(1) }), /Expected lifetime \(EL\)/);
    assert.throws(() => sciEmbodiedShare({ totalEmbodiedKg: f(-1), reservedHours: f(1), expectedLifetimeHours: f(1), reservedShare: f(1) }), /Total embodied emissions \(TE\)/);
  });
});
