import * as assert from 'node:assert/strict';
import {
  attributeEnergy, cpuShareOf, gpuDeviceShareOf, ramShareOf, type AttributionInput,
} from '../../../../src/engine/attribution/attributeEnergy';
import type { GpuProcessReading } from '../../../../src/engine/powerSources/powerSource';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} vs ${expected}`);

const GPU_PROCESSES: GpuProcessReading[] = [
  { pid: 11, deviceId: 'GPU-a', usedMemoryMiB: 3000 },
  { pid: 12, deviceId: 'GPU-a', usedMemoryMiB: 1000 },
  { pid: 99, deviceId: 'GPU-a', usedMemoryMiB: 4000 },
  { pid: 98, deviceId: 'GPU-b', usedMemoryMiB: 2000 },
];

function input(overrides: Partial<AttributionInput>): AttributionInput {
  return {
    machineCpuEnergyJoules: 0, machineRamEnergyJoules: 0, machineBusyTicks: 0, treeCpuTicks: 0,
    machineUsedBytes: 0, treeResidentBytes: 0, gpuDevices: [], gpuProcesses: [], treePids: new Set(),
    ...overrides,
  };
}

describe('attributeEnergy', () => {
  it('splits one interval by CPU ticks, resident memory and GPU memory (hand-computed)', () => {
    const result = attributeEnergy(input({
      machineCpuEnergyJoules: 40, machineBusyTicks: 160, treeCpuTicks: 40,
      machineRamEnergyJoules: 6, machineUsedBytes: 8 * 2 ** 30, treeResidentBytes: 2 * 2 ** 30,
      gpuDevices: [{ deviceId: 'GPU-a', energyJoules: 300 }, { deviceId: 'GPU-b', energyJoules: 100 }],
      gpuProcesses: GPU_PROCESSES,
      treePids: new Set([10, 11, 12]),
    }));
    close(result.cpuShare, 0.25);
    close(result.energyJoules.cpu, 10);
    close(result.ramShare, 0.25);
    close(result.energyJoules.ram, 1.5);
    // GPU-a: (3000 + 1000) / 8000 of 300 J; GPU-b: none of the tree's processes.
    close(result.energyJoules.gpu, 150);
    close(result.gpuShare, 150 / 400);
  });

  it('clamps a tree that shows more ticks or memory than the machine to the whole machine', () => {
    const result = attributeEnergy(input({
      machineCpuEnergyJoules: 40, machineBusyTicks: 99, treeCpuTicks: 101,
      machineRamEnergyJoules: 6, machineUsedBytes: 100, treeResidentBytes: 150,
    }));
    assert.equal(result.cpuShare, 1);
    assert.equal(result.energyJoules.cpu, 40);
    assert.equal(result.ramShare, 1);
    assert.equal(result.energyJoules.ram, 6);
  });

  it('gives 0 and never NaN for an idle interval and a machine without GPUs', () => {
    const result = attributeEnergy(input({ machineCpuEnergyJoules: 5, machineRamEnergyJoules: 1 }));
    assert.deepEqual(result, { energyJoules: { cpu: 0, ram: 0, gpu: 0 }, cpuShare: 0, ramShare: 0, gpuShare: 0 });
  });
});

describe('cpuShareOf and ramShareOf', () => {
  it('divides and clamps to 0–1', () => {
    assert.equal(cpuShareOf(30, 120), 0.25);
    assert.equal(cpuShareOf(130, 120), 1);
    assert.equal(cpuShareOf(3, 0), 1, 'ticks with no machine busy ticks: rounding, the task was all there was');
    assert.equal(cpuShareOf(-2, 100), 0);
    assert.equal(ramShareOf(512, 2048), 0.25);
  });
});

describe('gpuDeviceShareOf', () => {
  it('shares a device by the memory each process holds on it', () => {
    close(gpuDeviceShareOf('GPU-a', GPU_PROCESSES, new Set([11])), 3000 / 8000);
    close(gpuDeviceShareOf('GPU-a', GPU_PROCESSES, new Set([11, 12, 99])), 1);
  });

  it('shares by process count when some memory is unknown', () => {
    const processes: GpuProcessReading[] = [
      { pid: 11, deviceId: 'GPU-a', usedMemoryMiB: undefined },
      { pid: 12, deviceId: 'GPU-a', usedMemoryMiB: 5000 },
      { pid: 13, deviceId: 'GPU-a', usedMemoryMiB: undefined },
      { pid: 14, deviceId: 'GPU-a', usedMemoryMiB: undefined },
    ];
    close(gpuDeviceShareOf('GPU-a', processes, new Set([11])), 0.25);
  });

  it('shares by process count when every process reports 0 MiB', () => {
    const processes: GpuProcessReading[] = [
      { pid: 11, deviceId: 'GPU-a', usedMemoryMiB: 0 },
      { pid: 12, deviceId: 'GPU-a', usedMemoryMiB: 0 },
    ];
    close(gpuDeviceShareOf('GPU-a', processes, new Set([12])), 0.5);
  });

  it('gives 0 for a device that lists no process', () => {
    assert.equal(gpuDeviceShareOf('GPU-c', GPU_PROCESSES, new Set([11])), 0);
  });
});
