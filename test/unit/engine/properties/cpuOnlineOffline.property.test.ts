import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { cpuUtilizationBetween, parseProcStat } from '../../../../src/engine/system/procStat';
import { createTdpModelSource } from '../../../../src/engine/powerSources/tdpModel';
import { resolveCpuPowerCurve } from '../../../../src/engine/powerSources/cpuPowerCurve';
import type { CloudCpuCoefficientsData } from '../../../../src/engine/powerSources/cpuPowerCurve';

const COEFFICIENTS: CloudCpuCoefficientsData = {
  providers: [{ provider: 'AWS', averageMinWattsPerVcpu: 0.74, averageMaxWattsPerVcpu: 3.5, microarchitectures: [] }],
};
const MODEL_INPUTS = { cpuModelName: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz', vcpuCount: 8, cloudProvider: 'aws', cpuPower: { cpus: [] }, cloudCpuCoefficients: COEFFICIENTS };

/**
 * /proc/stat as the kernel prints it while CPUs go on and offline: the aggregate line (which may lose an offline
 * CPU's idle time, so it can go back), then one line per online CPU, with gaps where a CPU is offline.
 */
const procStat = fc.record({
  fields: fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 8, maxLength: 10 }),
  online: fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 }),
}).map(({ fields, online }) => ({
  text: `cpu  ${fields.join(' ')}\n${[...online].sort((a, b) => a - b).map((cpu) => `cpu${cpu} 1 2 3 4 5 6 7 8 0 0`).join('\n')}\nintr 1 2 3\nctxt 9\nbtime 1\n`,
  onlineCount: online.length,
}));

describe('property: CPUs going on and offline', () => {
  it('parses any /proc/stat into finite times with busy ≤ total and the CPUs online now', () => {
    fc.assert(fc.property(procStat, ({ text, onlineCount }) => {
      const times = parseProcStat(text);
      assert.ok(Number.isFinite(times.busyTicks) && Number.isFinite(times.totalTicks));
      assert.ok(times.busyTicks >= 0 && times.busyTicks <= times.totalTicks);
      assert.equal(times.onlineCpuCount, onlineCount);
    }), { numRuns: 300 });
  });

  it('keeps the utilisation between any two readings in 0–1', () => {
    fc.assert(fc.property(procStat, procStat, (before, after) => {
      const utilization = cpuUtilizationBetween(parseProcStat(before.text), parseProcStat(after.text));
      assert.ok(Number.isFinite(utilization) && utilization >= 0 && utilization <= 1, String(utilization));
    }), { numRuns: 300 });
  });

  it('keeps the per-vCPU model between its idle and full-load power, whatever the CPUs do', async () => {
    const curve = resolveCpuPowerCurve(MODEL_INPUTS);
    await fc.assert(fc.asyncProperty(fc.array(procStat, { minLength: 1, maxLength: 20 }), async (readings) => {
      const source = createTdpModelSource({ ...MODEL_INPUTS, procRoot: '/nonexistent' });
      for (const { text } of readings) {
        const reading = await source.read({ cpuTimes: parseProcStat(text) });
        assert.ok(reading.powerWatts >= curve.idleWatts - 1e-9 && reading.powerWatts <= curve.fullLoadWatts + 1e-9, `${reading.powerWatts} W`);
        const percent = reading.utilizationPercent ?? Number.NaN;
        assert.ok(percent >= 0 && percent <= 100, `${percent} %`);
      }
    }), { numRuns: 100 });
  });
});
