import * as assert from 'node:assert/strict';
import { parseProcStat, cpuUtilizationBetween } from '../../../../src/engine/system/procStat';
import { parseMemInfo } from '../../../../src/engine/system/memInfo';

const STAT = `cpu  4705 150 1120 16250 520 0 35 7 0 0
cpu0 2400 70 560 8100 260 0 20 3 0 0
cpu1 2305 80 560 8150 260 0 15 4 0 0
intr 114930548 113199788 3 0 5 263 0 4 [... 50 more items]
ctxt 1990473
btime 1062191376
`;

describe('parseProcStat', () => {
  it('sums busy fields and counts online CPUs', () => {
    const times = parseProcStat(STAT);
    assert.equal(times.busyTicks, 4705 + 150 + 1120 + 0 + 35 + 7);
    assert.equal(times.totalTicks, times.busyTicks + 16250 + 520);
    assert.equal(times.onlineCpuCount, 2);
  });

  it('rejects text without the aggregate line', () => {
    assert.throws(() => parseProcStat('cpu0 1 2 3 4\n'), /no aggregate/);
  });

  it('gives 0 utilisation when counters go backwards instead of a negative share', () => {
    const before = { busyTicks: 100, totalTicks: 200, onlineCpuCount: 2 };
    assert.equal(cpuUtilizationBetween(before, { busyTicks: 90, totalTicks: 250, onlineCpuCount: 2 }), 0);
    assert.equal(cpuUtilizationBetween(before, { busyTicks: 150, totalTicks: 300, onlineCpuCount: 2 }), 0.5);
  });
});

describe('parseMemInfo', () => {
  it('uses MemAvailable for used memory', () => {
    const memory = parseMemInfo('MemTotal:       16384000 kB\nMemFree:  1000 kB\nMemAvailable:    8192000 kB\n');
    assert.ok(Math.abs(memory.totalGiB - 16384000 / 1048576) < 1e-12);
    assert.ok(Math.abs(memory.usedGiB - 8192000 / 1048576) < 1e-12);
  });
});
