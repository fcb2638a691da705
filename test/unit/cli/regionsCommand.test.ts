import * as assert from 'node:assert/strict';
import { runRegionsCommand } from '../../../src/cli/commands/regionsCommand';
import { UsageError } from '../../../src/cli/args';
import { findDataDir } from '../../../src/cli/dataDir';
import { loadIntensityData } from '../../../src/engine/intensity/intensityTable';

const data = loadIntensityData(findDataDir(`${__dirname}/../../../src/cli`));

describe('carbon-meter regions', () => {
  it('prints JSON sorted by intensity with emissions for the given energy', () => {
    const rows = JSON.parse(runRegionsCommand({ command: 'regions', providers: ['aws', 'gcp'], energyKWh: 10, json: true }, data)) as {
      provider: string; gridIntensityGramsPerKWh: number; pue: number; emissionsKg: number; country: string; region: string;
    }[];
    assert.ok(rows.length > 40);
    assert.deepEqual([...new Set(rows.map((row) => row.provider))].sort(), ['aws', 'gcp']);
    for (let index = 1; index < rows.length; index++) {
      assert.ok((rows[index - 1] as { gridIntensityGramsPerKWh: number }).gridIntensityGramsPerKWh <= (rows[index] as { gridIntensityGramsPerKWh: number }).gridIntensityGramsPerKWh);
    }
    const first = rows[0] as { gridIntensityGramsPerKWh: number; pue: number; emissionsKg: number };
    assert.ok(Math.abs(first.emissionsKg - (10 * first.pue * first.gridIntensityGramsPerKWh) / 1000) < 1e-12);
  });

  it('prints an aligned table with a hint when no energy is given', () => {
    const text = runRegionsCommand({ command: 'regions', providers: ['azure'], json: false, limit: 3 }, data);
    const lines = text.split('\n');
    assert.match(lines[0] as string, /^#\s+provider\s+region\s+country\s+gCO2e\/kWh\s+PUE\s+name$/);
    assert.equal(lines.filter((line) => /^\s*\d+\s+azure\s/.test(line)).length, 3);
    assert.match(text, /Add --energy-kwh N/);
  });

  it('rejects an unknown provider and names the known ones', () => {
    assert.throws(() => runRegionsCommand({ command: 'regions', providers: ['awz'], json: true }, data),
      (error: unknown) => error instanceof UsageError && /Unknown provider "awz".*aws.*Did you mean aws\?/.test(error.message));
  });
});
