import * as assert from 'node:assert/strict';
import { MachineSampler, MAX_HOLD_MS, MAX_INTEGRATED_INTERVAL_MS, SourceFailure } from '../../../src/engine/machineSampler';
import { Sampler } from '../../../src/engine/sampler';
import type { PowerReading, PowerSource } from '../../../src/engine/powerSources/powerSource';
import { JOULES_PER_KWH } from '../../../src/engine/units';
import { createFakeSysfs, FakeSysfs, memInfoText } from '../../fixtures/fakeSysfs';

const joules = (kWh: number): number => kWh * JOULES_PER_KWH;

/** Each read returns the next step (the last one repeats), or throws it. */
function scriptedSource(component: PowerSource['component'], script: (PowerReading | Error)[], id: PowerSource['id'] = 'rapl'): PowerSource & { reads: number } {
  const source = {
    id, component, estimated: false, description: `scripted ${component}`, reads: 0,
    probe: async () => undefined,
    read: async () => {
      const step = script[Math.min(source.reads++, script.length - 1)] as PowerReading | Error;
      if (step instanceof Error) throw step;
      return step;
    },
    dispose: () => undefined,
  };
  return source;
}

/** /proc/stat with `cpuCount` per-CPU lines and the given aggregate busy and idle ticks. */
function procStat(busyTicks: number, idleTicks: number, cpuCount: number): string {
  const perCpu = Array.from({ length: cpuCount }, (_, index) => `cpu${index} 0 0 0 0 0 0 0 0 0 0`).join('\n');
  return `cpu  ${busyTicks} 0 0 ${idleTicks} 0 0 0 0 0 0\n${perCpu}\nintr 0\n`;
}

describe('MachineSampler with odd sources and clocks', () => {
  let nowMs = 0;
  let proc: FakeSysfs;
  let machines: MachineSampler[];

  beforeEach(async () => {
    nowMs = 0;
    machines = [];
    proc = await createFakeSysfs();
    await proc.writeProcStat(procStat(100, 100, 4));
    await proc.writeMemInfo(memInfoText(8 * 1024 * 1024, 4 * 1024 * 1024));
  });

  afterEach(async () => {
    for (const machine of machines) machine.dispose();
    await proc.dispose();
  });

  function machineOf(sources: { cpu?: PowerSource; gpu?: PowerSource[] }, intervalMs = 1_000): { machine: MachineSampler; run: Sampler; problems: string[]; failures: SourceFailure[] } {
    const machine = new MachineSampler({
      sources: { cpu: sources.cpu, gpu: sources.gpu ?? [] }, procRoot: proc.procRoot, intervalMs, monotonicNowMs: () => nowMs, wallClockMs: () => 1e12 - nowMs,
    });
    machines.push(machine);
    const problems: string[] = [];
    const failures: SourceFailure[] = [];
    machine.onDidReportProblem((line) => problems.push(line));
    machine.onDidFailSource((failure) => failures.push(failure));
    return { machine, run: new Sampler({ machine, intensityGramsPerKWh: 100, pue: 1 }), problems, failures };
  }

  it('counts a clock that went back as an empty interval, reports it, and goes on from where it was', async () => {
    const { machine, run, problems } = machineOf({ cpu: scriptedSource('cpu', [{ powerWatts: 10 }], 'tdp-model') });
    await run.start();
    nowMs = 1_000;
    await machine.sampleNow();
    nowMs = 400;
    const backwards = await run.sampleNow();
    assert.equal(backwards.intervalMs, 0);
    assert.equal(backwards.machinePowerWatts.cpu, 0);
    assert.deepEqual(problems, ['the monotonic clock went back 600 ms; this interval counts as empty']);
    // The clock is carried forward: 400 → 1 400 is one more second after the last tick at 1 000.
    nowMs = 1_400;
    const next = await run.sampleNow();
    assert.equal(next.intervalMs, 1_000);
    const totals = await run.stop();
    assert.equal(joules(totals.machineEnergyKWh.cpu), 20);
    assert.equal(totals.durationMs, 2_000);
  });

  it('takes intervals from the monotonic clock only, whatever the wall clock does', async () => {
    const { machine, run } = machineOf({ cpu: scriptedSource('cpu', [{ powerWatts: 10 }], 'tdp-model') });
    await run.start();
    nowMs = 1_000;
    // The wall clock of this machine runs backwards (1e12 − now): timestamps follow it, intervals do not.
    const sample = await run.sampleNow();
    await machine.sampleNow();
    assert.equal(sample.intervalMs, 1_000);
    assert.equal(sample.timestampMs, 1e12 - 1_000);
    assert.equal(joules((await run.stop()).machineEnergyKWh.cpu), 10);
  });

  it('integrates a power-only source over a bounded span after a pause, and a counter in full', async () => {
    const power = scriptedSource('gpu', [{ powerWatts: 100 }], 'nvidia-smi');
    const counter = scriptedSource('cpu', [{ powerWatts: 0, energyJoules: 0 }, { powerWatts: 1, energyJoules: 3_600 }, { powerWatts: 0, energyJoules: 0 }]);
    const { run, problems } = machineOf({ cpu: counter, gpu: [power] });
    await run.start();
    nowMs = 3_600_000;
    const sample = await run.sampleNow();
    assert.equal(sample.intervalMs, 3_600_000);
    const totals = await run.stop();
    assert.equal(joules(totals.machineEnergyKWh.gpu), 100 * MAX_INTEGRATED_INTERVAL_MS / 1_000);
    assert.equal(joules(totals.machineEnergyKWh.cpu), 3_600);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^3600 s passed between two readings .*counted over 60 s of it, energy counters in full$/);
  });

  it('holds a failing source\'s last good power for a while, then counts nothing, and says each once', async () => {
    const gpu = scriptedSource('gpu', [{ powerWatts: 50 }, { powerWatts: 50 }, new Error('nvidia-smi stopped: exited with code 9')], 'nvidia-smi');
    const { machine, run, problems, failures } = machineOf({ gpu: [gpu] }, 1_000);
    await run.start();
    const powers: number[] = [];
    for (let second = 1; second <= 40; second++) {
      nowMs = second * 1_000;
      powers.push((await run.sampleNow()).machinePowerWatts.gpu);
    }
    // Good at 1 s; failing from 2 s, held while under 30 s since the last good reading, then 0 W.
    assert.deepEqual(powers.slice(0, 31), Array(31).fill(50));
    assert.deepEqual(powers.slice(31), Array(9).fill(0));
    assert.equal(failures.filter((failure) => failure.counted === 'held').length, 30);
    assert.equal(failures.filter((failure) => failure.counted === 'dropped').length, 9);
    assert.deepEqual(problems, [
      'GPU source nvidia-smi failed: nvidia-smi stopped: exited with code 9; counting its last good power (50 W) meanwhile',
      'GPU source nvidia-smi has failed for 30 s: nvidia-smi stopped: exited with code 9; its power is no longer counted until it recovers',
    ]);
    assert.equal(MAX_HOLD_MS, 30_000);
    await machine.sampleNow();
  });

  it('reports a source that failed for 3 s and recovers, and counts nothing for one that never read well', async () => {
    const eio = new Error('EIO');
    const flaky = scriptedSource('gpu', [{ powerWatts: 20 }, { powerWatts: 20 }, eio, eio, eio, eio, { powerWatts: 30 }], 'nvidia-smi');
    const never = scriptedSource('cpu', [new Error('EACCES')]);
    const { machine, run, problems } = machineOf({ cpu: never, gpu: [flaky] });
    await run.start();
    const samples = [];
    for (let second = 1; second <= 6; second++) {
      nowMs = second * 1_000;
      samples.push(await run.sampleNow());
    }
    assert.deepEqual(samples.map((sample) => [sample.machinePowerWatts.cpu, sample.machinePowerWatts.gpu]), [[0, 20], [0, 20], [0, 20], [0, 20], [0, 20], [0, 30]]);
    assert.deepEqual(problems, [
      'CPU source rapl failed: EACCES; no good reading to hold, its power is not counted until it recovers',
      'GPU source nvidia-smi failed: EIO; counting its last good power (20 W) meanwhile',
      'GPU source nvidia-smi reads again after 4 s',
    ]);
    // Kept for a diagnostics page, with the wall-clock time they were reported at.
    assert.deepEqual(machine.recentProblems.map(({ atMs, message }) => [atMs, message]), [
      [1e12 - 3_000, problems[0]], [1e12 - 5_000, problems[1]], [1e12 - 6_000, problems[2]],
    ]);
  });

  it('passes a corrected reading through, reports its notice as corrected, and tells the user once', async () => {
    const notice = 'RAPL package-0 (intel-rapl:0): counter went back from 3000000000 to 12000000 µJ: a reset';
    const cpu = scriptedSource('cpu', [{ powerWatts: 0, energyJoules: 0 }, { powerWatts: 12, energyJoules: 12, notices: [notice] }]);
    const { run, problems, failures } = machineOf({ cpu });
    await run.start();
    for (let second = 1; second <= 3; second++) {
      nowMs = second * 1_000;
      assert.equal((await run.sampleNow()).machinePowerWatts.cpu, 12);
    }
    assert.deepEqual(failures, Array(3).fill({ component: 'cpu', sourceId: 'rapl', message: notice, counted: 'corrected' }));
    assert.deepEqual(problems, [`CPU source rapl: ${notice}`]);
  });

  it('treats a reading with a negative or non-finite energy as failed, never as negative energy', async () => {
    const cpu = scriptedSource('cpu', [{ powerWatts: 0, energyJoules: 0 }, { powerWatts: 5, energyJoules: 5 }, { powerWatts: 5, energyJoules: -4 }, { powerWatts: 5, energyJoules: Number.NaN }]);
    const { run, failures } = machineOf({ cpu });
    await run.start();
    for (let second = 1; second <= 3; second++) {
      nowMs = second * 1_000;
      assert.ok((await run.sampleNow()).machinePowerWatts.cpu >= 0);
    }
    assert.deepEqual(failures.map((failure) => failure.message), ['reported an impossible energy of -4 J', 'reported an impossible energy of NaN J']);
    assert.ok(joules((await run.stop()).machineEnergyKWh.cpu) >= 5);
  });

  it('keeps utilisations in 0–100 and counts a GPU with an impossible power as unknown', async () => {
    const gpu = scriptedSource('gpu', [{
      powerWatts: 40,
      utilizationPercent: 250,
      devices: [
        { deviceId: 'GPU-a', index: 0, name: 'A', powerWatts: 40, utilizationPercent: Number.NaN, memoryUsedMiB: 0, memoryTotalMiB: 1 },
        { deviceId: 'GPU-b', index: 1, name: 'B', powerWatts: -3, utilizationPercent: -5, memoryUsedMiB: 0, memoryTotalMiB: 1 },
      ],
    }], 'nvidia-smi');
    const { run } = machineOf({ gpu: [gpu] });
    await run.start();
    nowMs = 1_000;
    const sample = await run.sampleNow();
    assert.equal(sample.gpuUtilizationPercent, 100);
    const devices = (await run.stop()).gpuDevices;
    assert.deepEqual(devices.map((device) => [device.powerWatts, device.utilizationPercent, device.powerUnknownReason]), [
      [40, undefined, undefined],
      [0, 0, 'reported an impossible power of -3 W'],
    ]);
  });

  it('keeps CPU utilisation in 0–100 % as CPUs go offline and online between two reads', async () => {
    const { run } = machineOf({ cpu: scriptedSource('cpu', [{ powerWatts: 10 }], 'rapl') });
    await run.start();
    const utilisations: (number | undefined)[] = [];
    // From 4 CPUs (busy 100, idle 100 ticks): to 2, whose aggregate lost idle time (busy +200, total +150);
    // to 8 (busy +200 of 500); busy time going back by 50; everything going back (a CPU count of 1 after a reset).
    const steps: [number, number, number][] = [[300, 50, 2], [500, 350, 8], [450, 1_000, 8], [100, 50, 1]];
    for (const [index, [busy, idle, cpus]] of steps.entries()) {
      await proc.writeProcStat(procStat(busy, idle, cpus));
      nowMs = (index + 1) * 1_000;
      utilisations.push((await run.sampleNow()).cpuUtilizationPercent);
    }
    assert.deepEqual(utilisations, [100, 40, 0, undefined]);
    const totals = await run.stop();
    assert.ok(totals.cpuUtilizationPercent !== undefined && totals.cpuUtilizationPercent >= 0 && totals.cpuUtilizationPercent <= 100);
  });
});
