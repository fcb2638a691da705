import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { recomputeRunEmissions, recomputeWithHourlyIntensity, type RunForHourlyEmissions } from '../../../../src/engine/intensity/hourlyEmissions';
import { createJsonFileIntensityProvider } from '../../../../src/engine/intensity/jsonFileIntensityProvider';
import type { IntensityPoint } from '../../../../src/engine/intensity/liveIntensityApi';
import { buildRunRecord, buildRunSample } from '../../../fixtures/buildRun';
import { LIVE_FIXTURES } from '../../../fixtures/liveIntensity/replayServer';

const HOUR_MS = 3_600_000;
const T10 = Date.parse('2026-11-23T10:00:00Z');
const MIN = 60_000;

const near = (actual: number | undefined, expected: number, tolerance = 1e-15): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${actual} ≠ ${expected}`);
};

const point = (startMs: number, gramsPerKWh: number, estimated = false): IntensityPoint => ({ zone: 'FR', startMs, durationMs: HOUR_MS, gramsPerKWh, estimated });

/**
 * 10:30 to 11:40 UTC, PUE 1.2, yearly 56 g/kWh. Two 30-min samples at 20 W of task power (0.01 kWh
 * each: 20 W × 1,800 s = 36 kJ), then 0.005 kWh after the last sample (the kernel's tail): 0.025 kWh.
 */
function run(overrides: Partial<RunForHourlyEmissions> = {}): RunForHourlyEmissions {
  const sample = (endMs: number) => buildRunSample({ timestampMs: endMs, intervalMs: 30 * MIN, taskPowerWatts: { cpu: 15, gpu: 0, ram: 5 }, machinePowerWatts: { cpu: 60, gpu: 0, ram: 5 } });
  return buildRunRecord({
    startedAtMs: T10 + 30 * MIN, endedAtMs: T10 + 100 * MIN, energyKWh: 0.025, pue: 1.2, emissionsKg: (0.025 * 1.2 * 56) / 1000,
    intensity: { gramsPerKWh: 56, source: 'yearly', year: 2024, scope: 'country' },
    samples: [sample(T10 + 60 * MIN), sample(T10 + 90 * MIN)],
    ...overrides,
  });
}

describe('recomputeWithHourlyIntensity', () => {
  it('charges each sample at its hour and the tail at the last hour, by hand', () => {
    const result = recomputeWithHourlyIntensity(run(), [point(T10, 100), point(T10 + HOUR_MS, 300, true)]);
    // 0.01 kWh × 100 g + (0.01 + 0.005) kWh × 300 g = 5.5 g; × PUE 1.2 = 6.6 g.
    near(result.emissionsKg, 0.0066);
    near(result.yearlyEmissionsKg, 0.00168);
    near(result.differenceKg, 0.0066 - 0.00168);
    near(result.averageIntensityGramsPerKWh, 220, 1e-9);
    assert.equal(result.basis, 'hourly');
    assert.deepEqual(result.hours.map((h) => [h.startMs - T10, Number(h.energyKWh.toFixed(12)), h.estimated]), [[0, 0.01, false], [HOUR_MS, 0.015, true]]);
  });

  it('splits a sample that straddles two hours by time', () => {
    const straddling = run({ samples: [buildRunSample({ timestampMs: T10 + 75 * MIN, intervalMs: 30 * MIN, taskPowerWatts: { cpu: 20, gpu: 0, ram: 0 } })], energyKWh: 0.01, startedAtMs: T10 + 45 * MIN, endedAtMs: T10 + 75 * MIN });
    // Half of 0.01 kWh at 100 g, half at 300 g: 2 g × PUE 1.2 = 2.4 g.
    near(recomputeWithHourlyIntensity(straddling, [point(T10, 100), point(T10 + HOUR_MS, 300)]).emissionsKg, 0.0024);
  });

  it('keeps the yearly figure for the energy of hours without a figure, and says it is partly hourly', () => {
    const result = recomputeWithHourlyIntensity(run(), [point(T10 + HOUR_MS, 300)]);
    // 0.01 kWh × 56 g (yearly) + 0.015 kWh × 300 g = 5.06 g; × 1.2 = 6.072 g.
    near(result.emissionsKg, 0.006072);
    near(result.uncoveredEnergyKWh, 0.01, 1e-15);
    assert.equal(result.basis, 'partly-hourly');
    assert.equal(recomputeWithHourlyIntensity(run(), []).basis, 'yearly');
    near(recomputeWithHourlyIntensity(run(), []).emissionsKg, 0.00168);
  });

  it('weights by the machine\'s power in machine mode and spreads a run without samples evenly', () => {
    // 65 W of machine power × 1,800 s = 0.0325 kWh a sample, more than the record's 0.025 kWh in all: the
    // total is shared in proportion, 0.0125 kWh each, so 1.25 g + 3.75 g = 5 g; × 1.2 = 6 g.
    near(recomputeWithHourlyIntensity(run({ trackingMode: 'machine' }), [point(T10, 100), point(T10 + HOUR_MS, 300)]).emissionsKg, 0.006);
    // No samples: 0.025 kWh over 70 min, 30 min in the 10:00 hour and 40 in the 11:00 hour.
    const even = recomputeWithHourlyIntensity(run({ samples: [] }), [point(T10, 100), point(T10 + HOUR_MS, 300)]);
    near(even.emissionsKg, ((0.025 * (30 / 70) * 100 + 0.025 * (40 / 70) * 300) * 1.2) / 1000, 1e-15);
  });
});

describe('recomputeRunEmissions', () => {
  const file = join(LIVE_FIXTURES, 'hourly-FR.json');

  it('asks the provider for the whole hours the run spans', async () => {
    const asked: [number, number][] = [];
    const provider = createJsonFileIntensityProvider({ path: file });
    const spy = { ...provider, pastRange: (zone: string, start: number, end: number) => (asked.push([start, end]), provider.pastRange(zone, start, end)) };
    const result = await recomputeRunEmissions(spy, 'FR', run());
    assert.deepEqual(asked, [[T10, T10 + 2 * HOUR_MS]]);
    near(result.emissionsKg, 0.0066);
    assert.equal(result.source, 'intensity file ' + file + ', zone FR, hourly');
    assert.equal(result.fallbackReason, undefined);
  });

  it('keeps the yearly figure with the reason when the provider fails or there is none', async () => {
    const unknown = await recomputeRunEmissions(createJsonFileIntensityProvider({ path: file }), 'XX', run());
    assert.equal(unknown.basis, 'yearly');
    near(unknown.emissionsKg, 0.00168);
    assert.match(unknown.fallbackReason ?? '', /zone "XX" is not in .*hourly-FR\.json\. Keeping the yearly figure\./);
    const none = await recomputeRunEmissions(undefined, 'FR', run(), 'live intensity needs a key');
    assert.equal(none.fallbackReason, 'live intensity needs a key. Keeping the yearly figure.');
  });
});

describe('JSON-file intensity provider', () => {
  it('gives the newest figure up to now, and the figures of a window', async () => {
    const provider = createJsonFileIntensityProvider({ path: join(LIVE_FIXTURES, 'hourly-FR.json'), nowMs: () => T10 + 90 * MIN });
    const latest = await provider.latest('FR');
    assert.ok(latest.ok && latest.value.gramsPerKWh === 300 && latest.value.estimated);
    const range = await provider.pastRange('DE', T10, T10 + 2 * HOUR_MS);
    assert.ok(range.ok);
    assert.deepEqual(range.value.map((p) => p.gramsPerKWh), [350]);
  });

  it('reports a missing file and a malformed one as failures, not exceptions', async () => {
    const missing = await createJsonFileIntensityProvider({ path: join(LIVE_FIXTURES, 'no-such.json') }).latest('FR');
    assert.ok(!missing.ok && missing.failure.kind === 'unavailable' && /ENOENT/.test(missing.failure.message));
    const malformed = await createJsonFileIntensityProvider({ path: join(LIVE_FIXTURES, 'latest-FR.json') }).latest('FR');
    assert.ok(!malformed.ok && malformed.failure.kind === 'malformed');
  });
});
