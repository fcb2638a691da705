import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type CpuPowerData, type CpuPowerRow, matchCpuTdp, normaliseCpuName, readCpuPowerRows } from '../../../../src/engine/powerSources/cpuPowerTable';
import { loadIntensityData } from '../../../../src/engine/intensity/intensityTable';
import { inferMicroarchitecture } from '../../../../src/engine/powerSources/cpuMicroarchitecture';

/** Rows as they appear in CodeCarbon's cpu_power.csv, duplicates and near neighbours included. */
const TABLE: CpuPowerData = {
  provenance: 'test',
  cpus: [
    { name: 'Intel Xeon Platinum 8375C', tdpWatts: 300 },
    { name: 'Intel Xeon Platinum 8375', tdpWatts: 270 },
    { name: 'AMD EPYC 7B12', tdpWatts: 240 },
    { name: 'AMD EPYC 7B13', tdpWatts: 240 },
    { name: 'AMD Ryzen 9 5950X', tdpWatts: 105 },
    { name: 'AMD Ryzen 7 5800H', tdpWatts: 45 },
    { name: 'Intel Core i7-8700', tdpWatts: 65 },
    { name: 'Intel Core i7-8700K', tdpWatts: 95 },
    { name: 'Intel Core i7-12700H', tdpWatts: 45 },
    { name: 'Intel Xeon E5-2620 v3', tdpWatts: 85 },
    { name: 'AMD Athlon 64 3000+', tdpWatts: 51 },
    { name: 'AMD Athlon 64 3000+', tdpWatts: 89 },
    { name: 'Intel Xeon Gold 6230', tdpWatts: 125 },
    { name: 'Intel Xeon Gold 6230R', tdpWatts: 150 },
  ],
};

const TABLE_ROWS = 'cpus' in TABLE ? TABLE.cpus : [];

describe('matchCpuTdp', () => {
  const cases: [string, string, number][] = [
    ['Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz', 'Intel Xeon Platinum 8375C', 300],
    ['AMD EPYC 7B13 64-Core Processor', 'AMD EPYC 7B13', 240],
    ['AMD Ryzen 9 5950X 16-Core Processor', 'AMD Ryzen 9 5950X', 105],
    ['AMD Ryzen 7 5800H with Radeon Graphics', 'AMD Ryzen 7 5800H', 45],
    ['Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz', 'Intel Core i7-8700', 65],
    ['12th Gen Intel(R) Core(TM) i7-12700H', 'Intel Core i7-12700H', 45],
    ['Intel(R) Xeon(R) CPU E5-2620 v3 @ 2.40GHz', 'Intel Xeon E5-2620 v3', 85],
  ];
  for (const [brand, name, tdpWatts] of cases) {
    it(`matches "${brand}" to ${name}`, () => {
      const match = matchCpuTdp(brand, TABLE);
      assert.equal(match?.name, name);
      assert.equal(match?.tdpWatts, tdpWatts);
    });
  }

  it('does not take a neighbouring model number (8700 is not 8700K, 6230 is not 6230R)', () => {
    assert.equal(matchCpuTdp('Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz', TABLE)?.tdpWatts, 95);
    assert.equal(matchCpuTdp('Intel(R) Xeon(R) Gold 6230R CPU @ 2.10GHz', TABLE)?.tdpWatts, 150);
    assert.equal(matchCpuTdp('Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz', TABLE)?.tdpWatts, 125);
  });

  it('matches by tokens when the brand string carries extra words', () => {
    const match = matchCpuTdp('AMD EPYC 7B12 Engineering Sample', TABLE);
    assert.deepEqual(match, { name: 'AMD EPYC 7B12', tdpWatts: 240, matchedBy: 'tokens' });
  });

  it('keeps the highest TDP of duplicate names', () => {
    assert.equal(matchCpuTdp('AMD Athlon(tm) 64 Processor 3000+', TABLE)?.tdpWatts, 89);
  });

  it('gives undefined for unknown CPUs and for names without a model number', () => {
    assert.equal(matchCpuTdp('Intel(R) Xeon(R) Platinum 8488C', TABLE), undefined);
    assert.equal(matchCpuTdp('Intel(R) Xeon(R) CPU @ 2.20GHz', TABLE), undefined);
    assert.equal(matchCpuTdp('', TABLE), undefined);
  });

  it('normalises trademarks, frequency, core counts and generation prefixes away', () => {
    assert.equal(normaliseCpuName('AMD Ryzen 9 5950X 16-Core Processor'), 'amd ryzen 9 5950x');
    assert.equal(normaliseCpuName('Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz'), 'intel xeon platinum 8375c');
    assert.equal(normaliseCpuName('12th Gen Intel(R) Core(TM) i7-12700H'), 'intel core i7-12700h');
  });
});

describe('readCpuPowerRows', () => {
  const SHIPPED = resolve(__dirname, '../../../../data/cpuPower.json');
  const shippedRows = (): readonly CpuPowerRow[] => loadIntensityData(resolve(__dirname, '../../../../data')).cpuPower;
  const fromFile = (path: string, readAll: () => readonly CpuPowerRow[]): CpuPowerData => ({ rowsMatching: (filter) => readCpuPowerRows(path, filter, readAll) });

  it('matches the shipped table as the whole parsed table does, parsing only candidate lines', () => {
    const whole: CpuPowerData = { cpus: shippedRows() };
    const lines = fromFile(SHIPPED, () => assert.fail('the shipped file is read line by line'));
    const brands = [
      'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz', 'AMD EPYC 7B13 64-Core Processor', 'AMD EPYC', 'AMD Ryzen 9 5950X 16-Core Processor',
      '12th Gen Intel(R) Core(TM) i7-12700H', 'AMD Ryzen 5 4680U Microsoft Surface® Edition', 'Intel(R) Xeon(R) CPU E5-2620 v3 @ 2.40GHz', 'Apple M1',
    ];
    for (const brand of brands) assert.deepEqual(matchCpuTdp(brand, lines), matchCpuTdp(brand, whole), brand);
    assert.equal(matchCpuTdp('Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz', lines)?.tdpWatts, 300);
  });

  it('leaves a file in another layout to the validating loader', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpu-power-'));
    try {
      const path = join(dir, 'cpuPower.json');
      writeFileSync(path, JSON.stringify({ provenance: {}, cpus: TABLE_ROWS }));
      let loadedWhole = 0;
      const data = fromFile(path, () => { loadedWhole++; return TABLE_ROWS; });
      assert.equal(matchCpuTdp('AMD EPYC 7B13 64-Core Processor', data)?.tdpWatts, 240);
      assert.equal(loadedWhole, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('inferMicroarchitecture', () => {
  it('reads the generation from Xeon Scalable, EPYC and Xeon E5 model numbers', () => {
    assert.equal(inferMicroarchitecture('Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz'), 'Skylake');
    assert.equal(inferMicroarchitecture('Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz'), 'Cascade Lake');
    assert.equal(inferMicroarchitecture('Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz'), 'Ice Lake');
    assert.equal(inferMicroarchitecture('AMD EPYC 7R32'), 'EPYC 2nd Gen');
    assert.equal(inferMicroarchitecture('AMD EPYC 7B13 64-Core Processor'), 'EPYC 3rd Gen');
    assert.equal(inferMicroarchitecture('Intel(R) Xeon(R) CPU E5-2620 v3 @ 2.40GHz'), 'Haswell');
    assert.equal(inferMicroarchitecture('AMD Ryzen 9 5950X 16-Core Processor'), undefined);
  });
});
