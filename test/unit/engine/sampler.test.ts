import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sampler, SourceFailure } from '../../../src/engine/sampler';
import type { PowerReading, PowerSource } from '../../../src/engine/powerSources/powerSource';
import { JOULES_PER_KWH } from '../../../src/engine/units';

/** A scripted source: each read returns the next reading, or throws when the script says so. */
function scriptedSource(component: PowerSource['component'], script: (PowerReading | Error)[]): PowerSource {
  let index = 0;
  return {
    id: component === 'ram' ? 'ram-model' : 'rapl', component, estimated: false, description: `scripted ${component}`,
    probe: async () => undefined,
    read: async () => {
      const step = script[Math.min(index++, script.length - 1)] as PowerReading | Error;
      if (step instanceof Error) throw step;
      return step;
    },
    dispose: () => undefined,
  };
}

function fakeProc(busyTicks: number, idleTicks: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'proc-'));
  writeProc(dir, busyTicks, idleTicks);
  return dir;
}
function writeProc(dir: string, busyTicks: number, idleTicks: number): void {
  writeFileSync(join(dir, 'stat'), `cpu  ${busyTicks} 0 0 ${idleTicks} 0 0 0 0 0 0\ncpu0 ${busyTicks} 0 0 ${idleTicks} 0 0 0 0 0 0\n`);
  writeFileSync(join(dir, 'meminfo'), 'MemTotal:  8388608 kB\nMemAvailable: 4194304 kB\n');
}

const HALF_OF_USED_MEMORY_BYTES = 2 * 1024 ** 3;

describe('Sampler', () => {
  it('integrates constant power over controlled intervals into exact energy', async () => {
    let nowMs = 0;
    let taskTicks = 0;
    const procRoot = fakeProc(100, 100);
    const sampler = new Sampler({
      sources: { cpu: scriptedSource('cpu', [{ powerWatts: 50 }]), gpu: [], ram: scriptedSource('ram', [{ powerWatts: 3 }]) },
      procRoot, intervalMs: 1_000, task: { sample: async () => ({ cpuTicks: taskTicks, residentBytes: HALF_OF_USED_MEMORY_BYTES, pids: [] }) },
      intensityGramsPerKWh: 400, pue: 1.5, monotonicNowMs: () => nowMs,
    });
    await sampler.start();
    for (let second = 1; second <= 3; second++) {
      nowMs = second * 1_000;
      writeProc(procRoot, 100 + second * 50, 100 + second * 50);
      taskTicks = second * 25;
      await sampler.sampleNow();
    }
    const totals = await sampler.stop();
    assert.equal(totals.machineEnergyKWh.cpu * JOULES_PER_KWH, 150);
    assert.equal(totals.machineEnergyKWh.ram * JOULES_PER_KWH, 9);
    assert.equal(totals.taskEnergyKWh.cpu * JOULES_PER_KWH, 75);
    // task energy 79.5 J × PUE 1.5 × 400 g/kWh
    assert.ok(Math.abs(totals.emissionsKg - (79.5 / JOULES_PER_KWH) * 1.5 * 0.4) < 1e-15);
    assert.equal(totals.cpuUtilizationPercent, 50);
    sampler.dispose();
  });

  it('counts a tree read late (an idle member backing off) as if read at every interval, not clamped away', async () => {
    // The machine: 100 busy ticks a second at 50 W. The task: 50 ticks a second, read at every interval by one
    // sampler, and by the other only after 4 intervals, all at once (the 200 ticks exceed that interval's 100).
    const cpuJoules = async (readEvery: number) => {
      let nowMs = 0;
      let taskTicks = 0;
      const procRoot = fakeProc(0, 0);
      const sampler = new Sampler({
        sources: { cpu: scriptedSource('cpu', [{ powerWatts: 50 }]), gpu: [], ram: undefined },
        procRoot, intervalMs: 1_000, task: { sample: async () => ({ cpuTicks: taskTicks, residentBytes: 0, pids: [] }) },
        intensityGramsPerKWh: 400, pue: 1, monotonicNowMs: () => nowMs,
      });
      await sampler.start();
      for (let second = 1; second <= 8; second++) {
        nowMs = second * 1_000;
        writeProc(procRoot, second * 100, 0);
        if (second % readEvery === 0) taskTicks = second * 50;
        await sampler.sampleNow();
      }
      const totals = await sampler.stop();
      sampler.dispose();
      return totals.taskEnergyKWh.cpu * JOULES_PER_KWH;
    };
    assert.equal(await cpuJoules(1), 200);
    assert.ok(Math.abs(await cpuJoules(4) - 200) < 1e-9, 'the late ticks lost their energy');
  });

  it('prefers a counter source\'s measured joules over power × interval', async () => {
    let nowMs = 0;
    const sampler = new Sampler({
      sources: { cpu: scriptedSource('cpu', [{ powerWatts: 0, energyJoules: 0 }, { powerWatts: 999, energyJoules: 42 }]), gpu: [], ram: undefined },
      procRoot: fakeProc(1, 1), intervalMs: 1_000,
      intensityGramsPerKWh: 100, pue: 1, monotonicNowMs: () => nowMs,
    });
    await sampler.start();
    nowMs = 1_000;
    const sample = await sampler.sampleNow();
    assert.equal(sample.machinePowerWatts.cpu, 42);
    assert.equal(sampler.totals.machineEnergyKWh.cpu * JOULES_PER_KWH, 42);
    sampler.dispose();
  });

  it('holds the last good power when a source fails, and reports why', async () => {
    let nowMs = 0;
    const failures: SourceFailure[] = [];
    const sampler = new Sampler({
      sources: { cpu: scriptedSource('cpu', [{ powerWatts: 20 }, { powerWatts: 20 }, new Error('EIO reading energy_uj')]), gpu: [], ram: undefined },
      procRoot: fakeProc(1, 1), intervalMs: 1_000,
      intensityGramsPerKWh: 100, pue: 1, monotonicNowMs: () => nowMs,
    });
    sampler.onDidFailSource((failure) => failures.push(failure));
    await sampler.start();
    nowMs = 1_000;
    await sampler.sampleNow();
    nowMs = 2_000;
    const sample = await sampler.sampleNow();
    assert.equal(sample.machinePowerWatts.cpu, 20);
    assert.deepEqual(failures, [{ component: 'cpu', sourceId: 'rapl', message: 'EIO reading energy_uj', counted: 'held' }]);
    sampler.dispose();
  });

  it('takes back held energy when a counter source recovers, so the gap is not counted twice', async () => {
    let nowMs = 0;
    const sampler = new Sampler({
      sources: { cpu: scriptedSource('cpu', [
        { powerWatts: 0, energyJoules: 0 }, { powerWatts: 10, energyJoules: 10 }, new Error('EAGAIN'), { powerWatts: 10, energyJoules: 20 },
      ]), gpu: [], ram: undefined },
      procRoot: fakeProc(1, 1), intervalMs: 1_000, intensityGramsPerKWh: 100, pue: 1, monotonicNowMs: () => nowMs,
    });
    await sampler.start();
    const powers: number[] = [];
    for (let second = 1; second <= 3; second++) {
      nowMs = second * 1_000;
      powers.push((await sampler.sampleNow()).machinePowerWatts.cpu);
    }
    // The counter's 20 J covers the failed second and the next; 10 J were already credited while it failed.
    assert.deepEqual(powers, [10, 10, 10]);
    assert.equal(sampler.totals.machineEnergyKWh.cpu * JOULES_PER_KWH, 30);
    sampler.dispose();
  });

  it('attributes the whole machine in machine mode and tracks the idle baseline', async () => {
    let nowMs = 0;
    const sampler = new Sampler({
      sources: { cpu: scriptedSource('cpu', [{ powerWatts: 10 }, { powerWatts: 10 }, { powerWatts: 30 }]), gpu: [], ram: undefined },
      procRoot: fakeProc(1, 1), intervalMs: 1_000,
      intensityGramsPerKWh: 100, pue: 1, monotonicNowMs: () => nowMs,
    });
    await sampler.start();
    nowMs = 1_000;
    await sampler.sampleNow();
    nowMs = 2_000;
    const totals = await sampler.stop();
    assert.equal(totals.taskEnergyKWh.cpu * JOULES_PER_KWH, 40);
    assert.equal(totals.machineIdleEnergyKWh.cpu * JOULES_PER_KWH, 20);
    sampler.dispose();
  });

  it('takes a model\'s own idle power as the baseline, even when the machine is busy throughout', async () => {
    let nowMs = 0;
    const sampler = new Sampler({
      sources: { cpu: scriptedSource('cpu', [{ powerWatts: 60, idlePowerWatts: 6.5 }]), gpu: [], ram: undefined },
      procRoot: fakeProc(1, 1), intervalMs: 1_000, intensityGramsPerKWh: 100, pue: 1, monotonicNowMs: () => nowMs,
    });
    await sampler.start();
    nowMs = 2_000;
    const totals = await sampler.stop();
    assert.equal(totals.machineEnergyKWh.cpu * JOULES_PER_KWH, 120);
    assert.equal(totals.machineIdleEnergyKWh.cpu * JOULES_PER_KWH, 13);
    sampler.dispose();
  });

  it('uses the kernel\'s final CPU total for the tail after the last sample', async () => {
    let nowMs = 0;
    let seenTicks = 0;
    const procRoot = fakeProc(0, 0);
    const sampler = new Sampler({
      sources: { cpu: scriptedSource('cpu', [{ powerWatts: 10 }]), gpu: [], ram: undefined },
      procRoot, intervalMs: 1_000,
      task: { sample: async () => ({ cpuTicks: seenTicks, residentBytes: 0, pids: [] }) },
      intensityGramsPerKWh: 100, pue: 1, monotonicNowMs: () => nowMs,
    });
    await sampler.start();
    seenTicks = 40;
    nowMs = 1_000;
    writeProc(procRoot, 80, 0);
    const first = await sampler.sampleNow();
    nowMs = 1_300;
    writeProc(procRoot, 110, 0);
    // The /proc reading still says 40 ticks; the kernel's final 55 gives the tail its 15 of 30 busy ticks.
    const sampled: number[] = [];
    sampler.onDidSample((sample) => sampled.push(sample.taskCpuShare));
    const totals = await sampler.stop(55);
    assert.equal(first.taskCpuShare, 0.5);
    assert.deepEqual(sampled, [0.5]);
    assert.equal(totals.taskCpuTicks, 55);
    sampler.dispose();
  });
});
