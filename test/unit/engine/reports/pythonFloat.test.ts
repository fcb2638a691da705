import * as assert from 'node:assert/strict';
import { formatPythonFloat } from '../../../../src/engine/reports/pythonFloat';

describe('formatPythonFloat', () => {
  const cases: [number, string][] = [
    [0, '0.0'], [1, '1.0'], [120, '120.0'], [0.0006, '0.0006'], [0.0001, '0.0001'], [0.00001, '1e-05'],
    [3.92e-5, '3.92e-05'], [1 / 3, '0.3333333333333333'], [-2.5, '-2.5'], [1e16, '1e+16'],
    [1234567890123456, '1234567890123456.0'], [1.5e300, '1.5e+300'], [0.1 + 0.2, '0.30000000000000004'],
  ];
  for (const [value, expected] of cases) {
    it(`writes ${value} as Python repr "${expected}"`, () => assert.equal(formatPythonFloat(value), expected));
  }
});
