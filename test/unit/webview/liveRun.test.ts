import * as assert from 'node:assert/strict';
import { applySample, learnEquivalentFactors } from '../../../src/webview/liveRun';
import { buildRun, buildSample, CAR_KG_PER_KM, KG_PER_SAMPLE, KWH_PER_SAMPLE } from './viewBuilders';

function assertClose(actual: number | undefined, expected: number, label: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${label}: ${actual} ≠ ${expected}`);
}

describe('panel live run', () => {
  it('learns units per kg of each equivalent from a run with emissions', () => {
    const factors = learnEquivalentFactors({}, buildRun(10));
    assertClose(factors['car-km'], 1 / CAR_KG_PER_KM, 'car-km');
    assertClose(factors['tv-hours'], 1 / 0.097, 'tv-hours');
  });

  it('learns nothing from a run with no emissions yet', () => {
    const known = { 'car-km': 7 };
    assert.equal(learnEquivalentFactors(known, buildRun(0, { status: 'running' })), known);
  });

  it('takes cumulative energy and emissions from the sample and moves duration, component energy and mean power on', () => {
    const run = buildRun(10, { status: 'running', exitCode: undefined });
    const next = applySample(run, buildSample(11, { powerWatts: { cpu: 30, gpu: 0, ram: 6 } }), {});
    assertClose(next.summary.energyKWh, KWH_PER_SAMPLE * 11, 'energy');
    assertClose(next.summary.emissionsKg, KG_PER_SAMPLE * 11, 'emissions');
    assert.equal(next.summary.durationSeconds, 11);
    assert.equal(next.summary.endedAtMs, run.summary.startedAtMs + 11_000);
    assertClose(next.componentEnergyKWh.cpu, (KWH_PER_SAMPLE * 11 * 30) / 36, 'cpu energy');
    assertClose(next.componentEnergyKWh.ram, (KWH_PER_SAMPLE * 11 * 6) / 36, 'ram energy');
    assertClose(next.averagePowerWatts.cpu, 30, 'mean cpu power');
    assertClose(next.averagePowerWatts.ram, 6, 'mean ram power');
    assert.equal(next.samples.length, 11);
    assert.equal(run.samples.length, 10, 'the previous view is left alone');
  });

  it("scales the components to the sample's total when the sensor and the integral disagree", () => {
    const run = buildRun(10, { status: 'running' });
    // The engine counted 12e-5 kWh by the 11th sample (its counters saw more than power × time).
    const next = applySample(run, buildSample(11, { energyKWh: 12e-5 }), {});
    const sum = next.componentEnergyKWh.cpu + next.componentEnergyKWh.gpu + next.componentEnergyKWh.ram;
    assertClose(sum, 12e-5, 'components add up to the total');
    assertClose(next.componentEnergyKWh.cpu / next.componentEnergyKWh.ram, 5, 'in the measured proportion');
  });

  it('moves the everyday equivalents with the emissions when their factors are known', () => {
    const run = buildRun(10, { status: 'running' });
    const factors = learnEquivalentFactors({}, run);
    const next = applySample(run, buildSample(20, { emissionsKg: 0.133 }), factors);
    assertClose(next.equivalents.find((equivalent) => equivalent.id === 'car-km')?.amount, 1, 'car-km');
    const unknown = applySample(run, buildSample(20, { emissionsKg: 0.133 }), {});
    assert.deepEqual(unknown.equivalents, run.equivalents, 'left as sent without a factor');
  });

  it('ignores a sample that is not newer than the last one (a replay)', () => {
    const run = buildRun(10, { status: 'running' });
    assert.equal(applySample(run, buildSample(10), {}), run);
    assert.equal(applySample(run, buildSample(3), {}), run);
  });
});
