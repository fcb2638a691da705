import * as assert from 'node:assert/strict';
import { LateCpuTimeAccount } from '../../../../src/engine/attribution/lateCpuTime';
import { MAX_IDLE_READ_PERIOD_SAMPLES } from '../../../../src/engine/attribution/processTree';

describe('LateCpuTimeAccount', () => {
  it('charges ticks beyond the busy ticks to the spare time of the intervals before, newest first', () => {
    const account = new LateCpuTimeAccount();
    // Three intervals of 100 busy ticks each, the tree read as using 50, 0 and 20 of them.
    assert.equal(account.take(50, 100, 10), 0);
    assert.equal(account.take(0, 100, 20), 0);
    assert.equal(account.take(20, 100, 30), 0);
    // 100 more than the 100 busy ticks: 80 spare in the newest (at 0.3 J a tick), the other 20 in the one before (0.2 J).
    assert.equal(account.take(200, 100, 40), 80 * 0.3 + 20 * 0.2);
    // Those ticks are taken: what is left is the 80 spare of the second and the 50 of the first.
    assert.ok(Math.abs(account.take(230, 100, 40) - (80 * 0.2 + 50 * 0.1)) < 1e-12);
  });

  it('charges no more than the spare time there is, so the tree never gets more than the machine used', () => {
    const account = new LateCpuTimeAccount();
    account.take(90, 100, 10);
    assert.ok(Math.abs(account.take(500, 100, 10) - 10 * 0.1) < 1e-12);
  });

  it('looks back as far as the longest idle backoff, no further', () => {
    const account = new LateCpuTimeAccount();
    account.take(0, 100, 100);
    for (let interval = 1; interval < MAX_IDLE_READ_PERIOD_SAMPLES; interval++) account.take(100, 100, 100);
    // The first interval is still within the window, its 100 spare ticks at 1 J each.
    assert.equal(account.take(200, 100, 100), 100);
    const later = new LateCpuTimeAccount();
    later.take(0, 100, 100);
    for (let interval = 1; interval <= MAX_IDLE_READ_PERIOD_SAMPLES; interval++) later.take(100, 100, 100);
    assert.equal(later.take(200, 100, 100), 0);
  });

  it('charges nothing when the tree stays within the busy ticks, or the machine was idle', () => {
    const account = new LateCpuTimeAccount();
    assert.equal(account.take(0, 0, 5), 0);
    assert.equal(account.take(30, 0, 5), 0);
    assert.equal(account.take(100, 100, 5), 0);
  });
});
