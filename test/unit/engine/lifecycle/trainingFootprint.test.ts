import * as assert from 'node:assert/strict';
import { computeTrainingFootprint, TrainingJobInputs } from '../../../../src/engine/lifecycle/trainingFootprint';

const paper = (value: number) => ({ value, source: 'Luccioni et al. 2022' });

/**
 * BLOOM's final training (Luccioni, Viguier, Ligozat, "Estimating the Carbon Footprint of BLOOM, a 176B
 * Parameter Language Model", 2022): 1,082,990 A100 GPU-hours at 400 W, 256,646 kWh of idle consumption,
 * 57 gCO₂e/kWh; 150 kg per GPU and 2,500 kg per 8-GPU server over 6 years at 85 % use. The paper reports
 * 24.7 t dynamic (433,196 kWh, no PUE overhead), 14.6 t idle, 50.5 t in all, so 11.2 t embodied.
 */
const BLOOM: TrainingJobInputs = {
  gpuHours: paper(1_082_990), gpuPowerWatts: paper(400), pue: { value: 1, source: 'the paper\'s dynamic figure carries no PUE' }, intensityGramsPerKWh: paper(57),
  idle: { kind: 'energy', energyKWh: paper(256_646) },
  embodied: { gpuKg: paper(150), serverKg: paper(2_500), gpusPerServer: paper(8), lifetimeYears: paper(6), usageShare: paper(0.85) },
};

describe('computeTrainingFootprint', () => {
  it('reproduces the BLOOM paper\'s table within its own rounding (half a unit of its last digit)', () => {
    const footprint = computeTrainingFootprint(BLOOM);
    // 1,082,990 GPU-h × 0.4 kW = 433,196 kWh, the paper's figure.
    assert.ok(Math.abs(footprint.dynamic.energyKWh - 433_196) < 1e-6);
    const tonnes = (kg: number): number => kg / 1000;
    const within = (ours: number, theirs: number, halfUnit: number, what: string): void => assert.ok(Math.abs(ours - theirs) <= halfUnit, `${what}: ${ours} t against the paper's ${theirs} t`);
    within(tonnes(footprint.dynamic.emissionsKg), 24.7, 0.05, 'dynamic');
    within(tonnes(footprint.idle.emissionsKg), 14.6, 0.05, 'idle');
    within(tonnes(footprint.embodiedKg), 11.2, 0.05, 'embodied');
    within(tonnes(footprint.totalKg), 50.5, 0.05, 'total');
    // By hand: (150 + 2,500 / 8) kg / (6 × 8,760 h × 0.85) = 0.010352 kg per GPU-hour.
    assert.ok(Math.abs(footprint.embodiedKg / 1_082_990 - 462.5 / 44_676) < 1e-12);
    assert.equal(footprint.facility.energyKWh, 0);
  });

  it('adds the PUE overhead on dynamic and idle energy, and takes idle as a share or a power per GPU', () => {
    const base = { ...BLOOM, gpuHours: paper(100), gpuPowerWatts: paper(300), pue: paper(1.5), intensityGramsPerKWh: paper(100) };
    const share = computeTrainingFootprint({ ...base, idle: { kind: 'share', share: paper(0.5) } });
    // 100 GPU-h × 0.3 kW = 30 kWh; idle 15 kWh; overhead (45) × 0.5 = 22.5 kWh; 67.5 kWh × 100 g = 6.75 kg.
    assert.deepEqual([share.dynamic.energyKWh, share.idle.energyKWh, share.facility.energyKWh, share.operational.energyKWh], [30, 15, 22.5, 67.5]);
    assert.ok(Math.abs(share.operational.emissionsKg - 6.75) < 1e-12);
    const power = computeTrainingFootprint({ ...base, idle: { kind: 'power', wattsPerGpu: paper(50) } });
    assert.equal(power.idle.energyKWh, 5);
    const none = computeTrainingFootprint({ ...base, idle: undefined });
    assert.deepEqual([none.idle.energyKWh, none.idle.basis], [0, 'not counted']);
  });

  it('rejects a figure out of range, naming it and its source', () => {
    assert.throws(() => computeTrainingFootprint({ ...BLOOM, pue: { value: 0.9, source: 'your figure' } }), /PUE must be a number ≥ 1, not 0\.9 \(your figure\)/);
    assert.throws(() => computeTrainingFootprint({ ...BLOOM, embodied: { ...BLOOM.embodied, usageShare: paper(0) } }), /Usage share/);
    assert.throws(() => computeTrainingFootprint({ ...BLOOM, gpuHours: paper(Number.NaN) }), /GPU-hours/);
  });
});
