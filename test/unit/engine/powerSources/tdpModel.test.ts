import * as assert from 'node:assert/strict';
import { createTdpModelSource } from '../../../../src/engine/powerSources/tdpModel';
import {
  type CloudCpuCoefficientsData, DEFAULT_TDP_WATTS, resolveCpuPowerCurve,
} from '../../../../src/engine/powerSources/cpuPowerCurve';
import type { CpuPowerData } from '../../../../src/engine/powerSources/cpuPowerTable';
import { type FakeSysfs, createFakeSysfs, procStatText } from '../../../fixtures/fakeSysfs';

const CPU_POWER: CpuPowerData = { provenance: 'test', cpus: [{ name: 'Intel Core i7-8700', tdpWatts: 65 }] };
const COEFFICIENTS: CloudCpuCoefficientsData = {
  provenance: 'test',
  memoryWattsPerGiB: 0.392,
  providers: [
    {
      provider: 'AWS', averageMinWattsPerVcpu: 0.74, averageMaxWattsPerVcpu: 3.5,
      microarchitectures: [{ name: 'Cascade Lake', minWattsPerVcpu: 0.64, maxWattsPerVcpu: 3.97 }],
    },
    { provider: 'GCP', averageMinWattsPerVcpu: 0.71, averageMaxWattsPerVcpu: 4.26, microarchitectures: [] },
  ],
};

function near(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);
}

describe('createTdpModelSource', () => {
  let sysfs: FakeSysfs;
  beforeEach(async () => { sysfs = await createFakeSysfs(); });
  afterEach(async () => { await sysfs.dispose(); });

  it('draws 10 % of TDP idle plus 90 % × utilisation from /proc/stat', async () => {
    await sysfs.writeProcStat(procStatText(1_000, 9_000));
    const source = createTdpModelSource({
      procRoot: sysfs.procRoot, cpuModelName: 'Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz', vcpuCount: 12,
      cpuPower: CPU_POWER, cloudCpuCoefficients: COEFFICIENTS,
    });
    assert.equal(await source.probe(), undefined);
    assert.equal(source.estimated, true);
    assert.match(source.description, /^TDP 65 W of Intel Core i7-8700 \(CodeCarbon CPU table\) × \(10 % \+ 90 % × CPU utilisation\)$/);

    // 250 busy of 1000 ticks: 25 % → 6.5 + 0.25 × 58.5 = 21.125 W.
    await sysfs.writeProcStat(procStatText(1_250, 9_750));
    const reading = await source.read();
    near(reading.powerWatts, 21.125);
    near(reading.utilizationPercent ?? Number.NaN, 25);

    await sysfs.writeProcStat(procStatText(2_250, 9_750));
    near((await source.read()).powerWatts, 65);
  });

  it('takes the utilisation from the /proc/stat the sampler already read, without reading it again', async () => {
    await sysfs.writeProcStat(procStatText(1_000, 9_000));
    const source = createTdpModelSource({
      procRoot: sysfs.procRoot, cpuModelName: 'Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz', vcpuCount: 12,
      cpuPower: CPU_POWER, cloudCpuCoefficients: COEFFICIENTS,
    });
    await source.probe();
    // The file on disk says 0 % since the probe; the sampler's reading says 50 %.
    const reading = await source.read({ cpuTimes: { busyTicks: 1_500, totalTicks: 11_000, onlineCpuCount: 12 } });
    near(reading.utilizationPercent ?? Number.NaN, 50);
    near(reading.powerWatts, 6.5 + 0.5 * 58.5);
  });

  it('uses the cloud microarchitecture coefficients per vCPU on a cloud VM', async () => {
    await sysfs.writeProcStat(procStatText(0, 0));
    const source = createTdpModelSource({
      procRoot: sysfs.procRoot, cpuModelName: 'Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz', vcpuCount: 8,
      cloudProvider: 'aws', cpuPower: CPU_POWER, cloudCpuCoefficients: COEFFICIENTS,
    });
    await source.probe();
    assert.match(source.description, /AWS Cascade Lake coefficients \(Cloud Carbon Footprint\): 8 vCPU/);
    await sysfs.writeProcStat(procStatText(500, 500));
    near((await source.read()).powerWatts, 8 * (0.64 + 0.5 * (3.97 - 0.64)));
  });

  it('rejects when /proc/stat cannot be read', async () => {
    const source = createTdpModelSource({ procRoot: sysfs.procRoot, cpuModelName: '', vcpuCount: 4, cpuPower: CPU_POWER, cloudCpuCoefficients: COEFFICIENTS });
    assert.match(await source.probe() ?? '', /cannot read CPU utilisation/);
  });
});

describe('resolveCpuPowerCurve', () => {
  it('falls back to the provider average when the microarchitecture is not listed, and knows provider aliases', () => {
    const curve = resolveCpuPowerCurve({ cpuModelName: 'AMD EPYC 7B13', vcpuCount: 4, cloudProvider: 'google', cpuPower: CPU_POWER, cloudCpuCoefficients: COEFFICIENTS });
    near(curve.idleWatts, 4 * 0.71);
    near(curve.fullLoadWatts, 4 * 4.26);
    assert.match(curve.basis, /GCP average coefficients/);
  });

  it('uses the TDP table when the cloud provider has no coefficients', () => {
    const curve = resolveCpuPowerCurve({ cpuModelName: 'Intel Core i7-8700', vcpuCount: 4, cloudProvider: 'hetzner', cpuPower: CPU_POWER, cloudCpuCoefficients: COEFFICIENTS });
    near(curve.fullLoadWatts, 65);
  });

  it('uses CodeCarbon\'s 4 W per thread for an unknown CPU and says so', () => {
    const curve = resolveCpuPowerCurve({ cpuModelName: 'Mystery CPU 9000', vcpuCount: 16, cpuPower: CPU_POWER, cloudCpuCoefficients: COEFFICIENTS });
    near(curve.fullLoadWatts, 64);
    near(curve.idleWatts, 6.4);
    assert.match(curve.basis, /^CPU "Mystery CPU 9000" is not in the CodeCarbon table; generic TDP 4 W × 16 threads = 64 W \(CodeCarbon default\)/);
  });

  it('uses CodeCarbon\'s 85 W when neither model nor thread count is known', () => {
    const curve = resolveCpuPowerCurve({ cpuModelName: '', vcpuCount: 0, cpuPower: CPU_POWER, cloudCpuCoefficients: COEFFICIENTS });
    near(curve.fullLoadWatts, DEFAULT_TDP_WATTS);
    assert.match(curve.basis, /^CPU model unknown; generic TDP 85 W/);
  });
});
