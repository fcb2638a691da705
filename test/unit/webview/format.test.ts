import * as assert from 'node:assert/strict';
import {
  emissionsScaleFor,
  formatDuration,
  formatEmissions,
  formatEnergy,
  formatIntensity,
  formatPue,
  formatReadableAmount,
  formatSignificant,
  formatStartTime,
  formatStatus,
} from '../../../src/webview/format';

describe('panel formatting', () => {
  it('keeps three significant digits without exponent notation', () => {
    assert.equal(formatSignificant(56), '56');
    assert.equal(formatSignificant(0.0123456), '0.0123');
    assert.equal(formatSignificant(1234.5), '1235');
    assert.equal(formatSignificant(0), '0');
    assert.equal(formatSignificant(Number.NaN), 'NaN');
  });

  it('writes tiny everyday amounts as a power of ten', () => {
    assert.equal(formatReadableAmount(4.5234e-6), '4.52 × 10⁻⁶');
    assert.equal(formatReadableAmount(0.0123), '0.0123');
    assert.equal(formatReadableAmount(0), '0');
  });

  it('scales energy between Wh and kWh', () => {
    assert.equal(formatEnergy(0.0007), '0.7 Wh');
    assert.equal(formatEnergy(2.5), '2.5 kWh');
  });

  it('scales emissions between mg, g and kg, like the reports', () => {
    assert.equal(formatEmissions(0.0000392), '39.2 mg CO₂e');
    assert.equal(formatEmissions(0.0123), '12.3 g CO₂e');
    assert.equal(formatEmissions(3.21), '3.21 kg CO₂e');
    assert.equal(formatEmissions(0), '0 g CO₂e');
  });

  it('picks the chart axis unit that keeps the newest value between 1 and 1000', () => {
    assert.deepEqual(emissionsScaleFor(0.0004), { unit: 'mg', perKg: 1_000_000 });
    assert.deepEqual(emissionsScaleFor(0.001), { unit: 'g', perKg: 1_000 });
    assert.deepEqual(emissionsScaleFor(0), { unit: 'g', perKg: 1_000 });
    assert.deepEqual(emissionsScaleFor(1), { unit: 'kg', perKg: 1 });
  });

  it('writes durations, PUE and intensity as the reports do', () => {
    assert.equal(formatDuration(12.34), '12.3 s');
    assert.equal(formatDuration(245), '4 min 05 s');
    assert.equal(formatDuration(7380), '2 h 03 min');
    assert.equal(formatPue(1), '1.0');
    assert.equal(formatPue(1.58), '1.58');
    assert.equal(formatIntensity(56), '56 g CO₂e/kWh');
  });

  it('writes a start time in local time to the minute', () => {
    assert.equal(formatStartTime(new Date(2024, 2, 5, 9, 7, 59).getTime()), '2024-03-05 09:07');
  });

  it('names the exit code once a run has ended, not while it runs', () => {
    assert.equal(formatStatus({ status: 'running', exitCode: undefined }), 'Running');
    assert.equal(formatStatus({ status: 'finished', exitCode: 0 }), 'Finished, exit code 0');
    assert.equal(formatStatus({ status: 'failed', exitCode: 137 }), 'Failed, exit code 137');
    assert.equal(formatStatus({ status: 'interrupted', exitCode: undefined }), 'Interrupted');
  });
});
