import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { attributeEnergy, AttributionInput } from '../../../../src/engine/attribution/attributeEnergy';
import { splitIdleActive, splitIdleActiveSeries, updateIdleBaselineWatts } from '../../../../src/engine/attribution/idleActiveSplit';

const joules = fc.double({ min: 0, max: 1e7, noNaN: true });
const DEVICES = ['GPU-a', 'GPU-b', 'GPU-c'];
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** GPU processes with distinct pids, each on a device, with memory known or not. */
const gpuProcesses = fc.uniqueArray(fc.record({
  pid: fc.integer({ min: 1, max: 4_000_000 }),
  deviceId: fc.constantFrom(...DEVICES),
  usedMemoryMiB: fc.option(fc.integer({ min: 0, max: 81_920 }), { nil: undefined }),
}), { selector: (process) => process.pid, maxLength: 12 });

const input = fc.record({
  machineCpuEnergyJoules: joules,
  machineRamEnergyJoules: joules,
  machineBusyTicks: fc.integer({ min: 0, max: 1e6 }),
  treeCpuTicks: fc.integer({ min: 0, max: 1e6 }),
  machineUsedBytes: fc.integer({ min: 0, max: 2 ** 40 }),
  treeResidentBytes: fc.integer({ min: 0, max: 2 ** 40 }),
  gpuDevices: fc.array(fc.record({ deviceId: fc.constantFrom(...DEVICES), energyJoules: joules }), { maxLength: 3 })
    .map((devices) => devices.filter((device, index) => devices.findIndex((other) => other.deviceId === device.deviceId) === index)),
  gpuProcesses,
  treePids: fc.uniqueArray(fc.integer({ min: 1, max: 4_000_000 }), { maxLength: 12 }).map((pids) => new Set(pids)),
});

describe('property: attribution', () => {
  it('gives a task a share in 0–1 of each component, never more energy than the machine, never negative', () => {
    fc.assert(fc.property(input, (attribution: AttributionInput) => {
      const result = attributeEnergy(attribution);
      for (const share of [result.cpuShare, result.ramShare, result.gpuShare]) assert.ok(share >= 0 && share <= 1, String(share));
      const machineGpu = attribution.gpuDevices.reduce((sum, device) => sum + device.energyJoules, 0);
      const machine = { cpu: attribution.machineCpuEnergyJoules, ram: attribution.machineRamEnergyJoules, gpu: machineGpu };
      for (const component of ['cpu', 'ram', 'gpu'] as const) {
        const task = result.energyJoules[component];
        assert.ok(Number.isFinite(task) && task >= 0 && task <= machine[component] * (1 + 1e-12), `${component}: ${task} of ${machine[component]}`);
      }
    }), { numRuns: 500 });
  });

  it('splits in full the GPU energy of busy devices among trees that share their processes, memory known or not', () => {
    fc.assert(fc.property(gpuProcesses, fc.array(joules, { minLength: 3, maxLength: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 ** 31 }),
      (processes, deviceJoules, treeCount, seed) => {
        const gpuDevices = DEVICES.map((deviceId, index) => ({ deviceId, energyJoules: deviceJoules[index] ?? 0 }));
        // Each process in exactly one tree.
        const trees = Array.from({ length: treeCount }, () => new Set<number>());
        processes.forEach((process, index) => trees[(seed + index * 7) % treeCount]?.add(process.pid));
        const base = { machineCpuEnergyJoules: 0, machineRamEnergyJoules: 0, machineBusyTicks: 0, treeCpuTicks: 0, machineUsedBytes: 0, treeResidentBytes: 0, gpuDevices };
        const taskJoules = trees.map((treePids) => attributeEnergy({ ...base, gpuProcesses: processes, treePids }).energyJoules.gpu);
        const shared = taskJoules.reduce((sum, value) => sum + value, 0);
        // Energy of devices where something runs is split in full; an idle device's energy belongs to no tree.
        const busyDevicesJoules = gpuDevices.filter((device) => processes.some((process) => process.deviceId === device.deviceId))
          .reduce((sum, device) => sum + device.energyJoules, 0);
        assert.ok(close(shared, busyDevicesJoules), `${shared} J shared of ${busyDevicesJoules} J`);
      }), { numRuns: 300 });
  });

  it('never gives trees whose CPU time fits in the machine\'s more CPU energy than the machine together', () => {
    fc.assert(fc.property(joules, fc.integer({ min: 0, max: 1e6 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
      (machineCpuEnergyJoules, machineBusyTicks, weights) => {
        const total = weights.reduce((sum, weight) => sum + weight, 0) || 1;
        const cpu = weights.map((weight) => attributeEnergy({
          machineCpuEnergyJoules, machineRamEnergyJoules: 0, machineBusyTicks, treeCpuTicks: Math.floor((weight / total) * machineBusyTicks),
          machineUsedBytes: 0, treeResidentBytes: 0, gpuDevices: [], gpuProcesses: [], treePids: new Set(),
        }).energyJoules.cpu);
        assert.ok(cpu.reduce((sum, value) => sum + value, 0) <= machineCpuEnergyJoules * (1 + 1e-12));
      }), { numRuns: 300 });
  });
});

describe('property: idle and active energy', () => {
  it('splits any interval into idle and active parts that are not negative and add up to its energy', () => {
    fc.assert(fc.property(fc.double({ min: -1e6, max: 1e7, noNaN: true }), fc.integer({ min: 0, max: 7_200_000 }), fc.option(fc.double({ min: -100, max: 5_000, noNaN: true }), { nil: undefined }),
      (energyJoules, intervalMs, idlePowerWatts) => {
        const { idleJoules, activeJoules } = splitIdleActive(energyJoules, intervalMs, idlePowerWatts);
        assert.ok(idleJoules >= 0 && activeJoules >= 0);
        assert.ok(close(idleJoules + activeJoules, Math.max(0, energyJoules)));
      }), { numRuns: 500 });
  });

  it('splits a series with one baseline at or below every measured interval\'s power, parts adding up to the total', () => {
    const interval = fc.record({ powerWatts: fc.double({ min: 0, max: 2_000, noNaN: true }), intervalMs: fc.integer({ min: 1, max: 60_000 }) });
    fc.assert(fc.property(fc.array(interval, { maxLength: 50 }), fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: undefined }), (series, modelIdleWatts) => {
      const split = splitIdleActiveSeries(series, modelIdleWatts);
      const total = series.reduce((sum, { powerWatts, intervalMs }) => sum + (powerWatts * intervalMs) / 1_000, 0);
      assert.ok(split.idleJoules >= 0 && split.activeJoules >= 0);
      assert.ok(close(split.idleJoules + split.activeJoules, total), `${split.idleJoules} + ${split.activeJoules} ≠ ${total}`);
      if (modelIdleWatts === undefined && split.idlePowerWatts !== undefined) {
        for (const { powerWatts } of series) assert.ok(powerWatts === 0 || split.idlePowerWatts <= powerWatts);
      }
    }), { numRuns: 300 });
  });

  it('only ever lowers a measured baseline, and ignores intervals at 0 W', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 2_000, noNaN: true }), { maxLength: 40 }), (powers) => {
      let baseline: number | undefined;
      for (const power of powers) {
        const next = updateIdleBaselineWatts(baseline, power);
        if (baseline !== undefined) assert.ok(next !== undefined && next <= baseline);
        if (power === 0) assert.equal(next, baseline);
        baseline = next;
      }
      const measured = powers.filter((power) => power > 0);
      assert.equal(baseline, measured.length > 0 ? Math.min(...measured) : undefined);
    }), { numRuns: 300 });
  });
});
