import * as assert from 'node:assert/strict';
import type { PowerSource } from '../../../../src/engine/powerSources/powerSource';
import {
  type SelectPowerSourcesOptions, formatDiagnostics, selectPowerSources,
} from '../../../../src/engine/powerSources/selectPowerSources';
import { type FakeSysfs, createFakeSysfs, memInfoText, procStatText, readerFailingFor } from '../../../fixtures/fakeSysfs';

function options(sysfs: FakeSysfs, extra: Partial<SelectPowerSourcesOptions> = {}): SelectPowerSourcesOptions {
  return {
    sysfsRoot: sysfs.sysfsRoot,
    procRoot: sysfs.procRoot,
    nvidiaSmiPath: 'nvidia-smi',
    cpuModelName: 'Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz',
    vcpuCount: 12,
    data: {
      cpuPower: { provenance: 'test', cpus: [{ name: 'Intel Core i7-8700', tdpWatts: 65 }] },
      cloudCpuCoefficients: { provenance: 'test', memoryWattsPerGiB: 0.392, providers: [] },
    },
    ...extra,
  };
}

function fakeGpu(id: 'nvidia-smi' | 'amd-hwmon', rejection: string | undefined, onDispose: () => void = () => undefined): PowerSource {
  return {
    id, component: 'gpu', estimated: false, description: `${id} fake GPU`,
    probe: async () => rejection,
    read: async () => ({ powerWatts: 100 }),
    dispose: onDispose,
  };
}

describe('selectPowerSources', () => {
  let sysfs: FakeSysfs;
  afterEach(async () => { await sysfs.dispose(); });

  it('picks RAPL for CPU and RAM when the counters are readable', async () => {
    sysfs = await createFakeSysfs({ raplZones: [
      { zoneId: 'intel-rapl:0', name: 'package-0', energyMicrojoules: 1 },
      { zoneId: 'intel-rapl:0:0', name: 'dram', energyMicrojoules: 1 },
    ] });
    const { sources, diagnostics } = await selectPowerSources(options(sysfs));
    assert.equal(sources.cpu?.id, 'rapl');
    assert.equal(sources.ram?.id, 'rapl');
    assert.equal(sources.ram?.component, 'ram');
    assert.deepEqual(sources.gpu, []);
    const cpu = diagnostics.components.find((component) => component.component === 'cpu');
    assert.deepEqual(cpu, {
      component: 'cpu', inUse: 'rapl', estimated: false, description: 'RAPL package-0',
      attempts: [{ id: 'rapl', accepted: true, detail: 'RAPL package-0' }],
    });
  });

  it('falls back to the models without powercap, and says why in the doctor text', async () => {
    sysfs = await createFakeSysfs({ createPowercap: false });
    await sysfs.writeProcStat(procStatText(100, 900));
    await sysfs.writeMemInfo(memInfoText(16 * 1_048_576, 8 * 1_048_576));
    const { sources, diagnostics } = await selectPowerSources(options(sysfs));
    assert.equal(sources.cpu?.id, 'tdp-model');
    assert.equal(sources.ram?.id, 'ram-model');
    const text = formatDiagnostics(diagnostics);
    assert.match(text, /^CPU: tdp-model \(estimated\) - TDP 65 W of Intel Core i7-8700/m);
    assert.match(text, /^ {2}\[no\] rapl: no powercap directory at /m);
    assert.match(text, /^RAM: ram-model \(estimated\) - 0\.375 W\/GiB × 16\.0 GiB installed/m);
    assert.match(text, /^GPU: none \(no GPU found\)$/m);
    assert.match(text, /^ {2}\[no\] nvidia-smi: not checked: no nvidia-smi source was wired/m);
  });

  it('records the RAPL permission fix when counters are root-only and falls back to the model', async () => {
    sysfs = await createFakeSysfs({ raplZones: [{ zoneId: 'intel-rapl:0', name: 'package-0', energyMicrojoules: 1 }] });
    await sysfs.writeProcStat(procStatText(100, 900));
    await sysfs.writeMemInfo(memInfoText(8 * 1_048_576, 4 * 1_048_576));
    const { sources, diagnostics } = await selectPowerSources(options(sysfs, { readTextFile: readerFailingFor(['/energy_uj']) }));
    assert.equal(sources.cpu?.id, 'tdp-model');
    const raplAttempt = diagnostics.components[0]?.attempts[0];
    assert.equal(raplAttempt?.accepted, false);
    assert.match(raplAttempt?.fix ?? '', /^sudo chmod a\+r \/sys\/class\/powercap\/intel-rapl:\*\/energy_uj/);
    const text = formatDiagnostics(diagnostics);
    assert.match(text, /\[no\] rapl: RAPL energy counters are readable only by root[^\n]*\n {7}fix: sudo chmod a\+r/);
  });

  it('uses the cloud memory coefficient on a cloud VM', async () => {
    sysfs = await createFakeSysfs({ createPowercap: false });
    await sysfs.writeProcStat(procStatText(100, 900));
    await sysfs.writeMemInfo(memInfoText(16 * 1_048_576, 8 * 1_048_576));
    const { sources } = await selectPowerSources(options(sysfs, { cloudProvider: 'aws' }));
    assert.ok(Math.abs((await sources.ram!.read()).powerWatts - 16 * 0.392) < 1e-12);
  });

  it('keeps every working GPU source and disposes the rejected ones', async () => {
    sysfs = await createFakeSysfs({ createPowercap: false });
    let amdDisposed = false;
    const { sources, diagnostics } = await selectPowerSources(options(sysfs, {
      gpuFactories: {
        nvidia: () => fakeGpu('nvidia-smi', undefined),
        amd: () => fakeGpu('amd-hwmon', 'no amdgpu hwmon device', () => { amdDisposed = true; }),
      },
    }));
    assert.deepEqual(sources.gpu.map((source) => source.id), ['nvidia-smi']);
    assert.ok(amdDisposed);
    const gpu = diagnostics.components.find((component) => component.component === 'gpu');
    assert.equal(gpu?.inUse, 'nvidia-smi');
    assert.deepEqual(gpu?.attempts, [
      { id: 'nvidia-smi', accepted: true, detail: 'nvidia-smi fake GPU' },
      { id: 'amd-hwmon', accepted: false, detail: 'no amdgpu hwmon device' },
    ]);
  });

  it('reports no GPU when every GPU source rejects, and a throwing factory as a rejection', async () => {
    sysfs = await createFakeSysfs({ createPowercap: false });
    const { sources, diagnostics } = await selectPowerSources(options(sysfs, {
      gpuFactories: {
        nvidia: () => fakeGpu('nvidia-smi', 'nvidia-smi not found on PATH'),
        amd: () => { throw new Error('boom'); },
      },
    }));
    assert.deepEqual(sources.gpu, []);
    const gpu = diagnostics.components.find((component) => component.component === 'gpu');
    assert.equal(gpu?.inUse, undefined);
    assert.equal(gpu?.description, 'no GPU found');
    assert.deepEqual(gpu?.attempts.map((attempt) => attempt.detail), ['nvidia-smi not found on PATH', 'could not be created: boom']);
  });
});
