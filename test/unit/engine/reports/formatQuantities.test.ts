import * as assert from 'node:assert/strict';
import { formatDuration, formatEmissions, formatEnergy, formatReadableAmount, formatSignificant } from '../../../../src/engine/reports/formatQuantities';

describe('report quantities', () => {
  it('keeps three significant digits without exponent notation', () => {
    assert.equal(formatSignificant(56), '56');
    assert.equal(formatSignificant(0.0123456), '0.0123');
    assert.equal(formatSignificant(0.004), '0.004');
    assert.equal(formatSignificant(1234.5), '1235');
    assert.equal(formatSignificant(1.5e-9), '0.0000000015');
    assert.equal(formatReadableAmount(4.5234e-6), '4.52 × 10⁻⁶');
    assert.equal(formatReadableAmount(0.0123), '0.0123');
  });

  it('scales energy between Wh and kWh', () => {
    assert.equal(formatEnergy(0.0007), '0.7 Wh');
    assert.equal(formatEnergy(0.0123), '12.3 Wh');
    assert.equal(formatEnergy(2.5), '2.5 kWh');
  });

  it('scales emissions between mg, g and kg', () => {
    assert.equal(formatEmissions(0.0000392), '39.2 mg CO₂e');
    assert.equal(formatEmissions(0.00069), '690 mg CO₂e');
    assert.equal(formatEmissions(0.0123), '12.3 g CO₂e');
    assert.equal(formatEmissions(3.21), '3.21 kg CO₂e');
    assert.equal(formatEmissions(0), '0 g CO₂e');
  });

  it('writes durations in s, min and h', () => {
    assert.equal(formatDuration(12.34), '12.3 s');
    assert.equal(formatDuration(245), '4 min 05 s');
    assert.equal(formatDuration(7380), '2 h 03 min');
  });
});
