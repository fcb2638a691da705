import * as assert from 'node:assert/strict';
import { basename } from 'node:path';
import { readFile } from 'node:fs/promises';
import * as fc from 'fast-check';
import { createRaplSource } from '../../../../src/engine/powerSources/rapl';
import { judgeCounterStep } from '../../../../src/engine/powerSources/raplCounterStep';
import { createFakeSysfs, FakeSysfs } from '../../../fixtures/fakeSysfs';

/** Largest counter range tried: JavaScript integers stay exact up to 2^53, and real ranges are 2^32 to ~2^48 µJ. */
const MAX_RANGE = 2 ** 50;
const MAX_WATTS = 1_000;

/** A counter range and steps that each advance less than one range, at a plausible power over their interval. */
const wrappingCounter = fc.integer({ min: 1_000, max: MAX_RANGE }).chain((range) => fc.record({
  range: fc.constant(range),
  // From 1: a counter that reads 0 at probe and does not move is rejected there (see rapl.test.ts).
  start: fc.integer({ min: 1, max: range - 1 }),
  steps: fc.array(fc.record({
    elapsedMs: fc.integer({ min: 1, max: 120_000 }),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  }), { minLength: 1, maxLength: 40 }),
})).map(({ range, start, steps }) => ({
  range,
  start,
  steps: steps.map(({ elapsedMs, fraction }) => {
    // At most MAX_WATTS over the interval, and under one range, or two wraps could not be told from one;
    // at least 1 µJ, as a live counter always moves (one that does not is reported as stuck).
    const most = Math.min(range - 1, Math.floor(MAX_WATTS * elapsedMs * 1_000));
    return { elapsedMs, advance: Math.max(1, Math.floor(fraction * most)) };
  }),
}));

describe('property: RAPL counter steps', () => {
  it('recovers every advance exactly, wraps included, for any counter range', () => {
    fc.assert(fc.property(wrappingCounter, ({ range, start, steps }) => {
      let counter = start;
      let counted = 0;
      let advanced = 0;
      for (const { elapsedMs, advance } of steps) {
        const next = (counter + advance) % range;
        const step = judgeCounterStep(counter, next, range, elapsedMs, MAX_WATTS);
        assert.equal(step.microjoules, advance);
        assert.equal(step.notice, undefined);
        counted += step.microjoules;
        advanced += advance;
        counter = next;
      }
      assert.equal(counted, advanced);
    }), { numRuns: 300 });
  });

  it('never counts a negative energy, nor more than the bound allows, whatever two values it is given', () => {
    const value = fc.integer({ min: 0, max: MAX_RANGE });
    fc.assert(fc.property(value, value, fc.option(fc.integer({ min: 1, max: MAX_RANGE }), { nil: undefined }), fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: 1, max: 5_000 }),
      (before, after, range, elapsedMs, maxWatts) => {
        const { microjoules } = judgeCounterStep(before, after, range, elapsedMs, maxWatts);
        assert.ok(Number.isFinite(microjoules) && microjoules >= 0, String(microjoules));
        assert.ok(microjoules <= maxWatts * elapsedMs * 1_000 + 1e-6, `${microjoules} µJ over ${elapsedMs} ms above ${maxWatts} W`);
      }), { numRuns: 500 });
  });

  it('counts a reset as at most the new value, never as most of a range', () => {
    const oneSecondAtMaxMicrojoules = MAX_WATTS * 1e6;
    fc.assert(fc.property(fc.integer({ min: 2 ** 32, max: MAX_RANGE }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 1_000_000 }),
      (range, position, after) => {
        // The counter was further below the top than MAX_WATTS draws in 1 s, and came back near 0.
        const before = after + 1 + Math.floor(position * (range - oneSecondAtMaxMicrojoules - 2 * after - 2));
        const step = judgeCounterStep(before, after, range, 1_000, MAX_WATTS);
        assert.equal(step.microjoules, after);
        assert.match(step.notice ?? '', /a reset/);
      }), { numRuns: 200 });
  });
});

describe('property: the RAPL source over a counter that wraps', () => {
  let sysfs: FakeSysfs;
  before(async () => {
    sysfs = await createFakeSysfs({ raplZones: [{ zoneId: 'intel-rapl:0', name: 'package-0', energyMicrojoules: 0 }] });
  });
  after(async () => { await sysfs.dispose(); });

  it('reads the energy of every interval, never negative, summing to what the package drew', async () => {
    await fc.assert(fc.asyncProperty(wrappingCounter, async ({ range, start, steps }) => {
      let nowMs = 0;
      let counter = start;
      const source = createRaplSource({
        sysfsRoot: sysfs.sysfsRoot,
        component: 'cpu',
        now: () => nowMs,
        readTextFile: async (path) => {
          if (basename(path) === 'energy_uj') return `${counter}\n`;
          if (basename(path) === 'max_energy_range_uj') return `${range}\n`;
          return readFile(path, 'utf8');
        },
      });
      assert.equal(await source.probe(), undefined);
      await source.read();
      let readJoules = 0;
      for (const { elapsedMs, advance } of steps) {
        nowMs += elapsedMs;
        counter = (counter + advance) % range;
        const reading = await source.read();
        assert.ok((reading.energyJoules ?? -1) >= 0 && reading.powerWatts >= 0);
        readJoules += reading.energyJoules ?? 0;
      }
      const drewJoules = steps.reduce((sum, step) => sum + step.advance, 0) / 1e6;
      assert.ok(Math.abs(readJoules - drewJoules) <= 1e-9 * Math.max(1, drewJoules), `${readJoules} J read, ${drewJoules} J drawn`);
    }), { numRuns: 100 });
  });
});
