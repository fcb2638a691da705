import * as assert from 'node:assert/strict';
import { MachineSampler } from '../../../src/engine/machineSampler';
import { Sampler, SamplerTotals, TaskTreeSnapshot } from '../../../src/engine/sampler';
import { createRaplSource } from '../../../src/engine/powerSources/rapl';
import type { PowerReading, PowerSource } from '../../../src/engine/powerSources/powerSource';
import { BYTES_PER_GIB, JOULES_PER_KWH } from '../../../src/engine/units';
import { createClockedRapl, ClockedRapl } from '../../fixtures/clockedRapl';
import { createFakeSysfs, FakeSysfs, memInfoText, procStatText } from '../../fixtures/fakeSysfs';

const joules = (kWh: number): number => kWh * JOULES_PER_KWH;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A scripted source: each read returns the next step (the last one repeats), or throws it. */
function scriptedSource(component: PowerSource['component'], script: (PowerReading | Error)[], id: PowerSource['id'] = 'rapl'): PowerSource & { reads: number; suspended: number } {
  const source = {
    id, component, estimated: false, description: `scripted ${component}`, reads: 0, suspended: 0,
    probe: async () => undefined,
    read: async () => {
      const step = script[Math.min(source.reads++, script.length - 1)] as PowerReading | Error;
      if (step instanceof Error) throw step;
      return step;
    },
    suspend: () => { source.suspended++; },
    dispose: () => undefined,
  };
  return source;
}

/** A process tree whose counters the test sets between ticks. */
function scriptedTree(): { ticks: number; residentBytes: number; sample: () => Promise<TaskTreeSnapshot> } {
  const tree = {
    ticks: 0,
    residentBytes: 0,
    sample: async (): Promise<TaskTreeSnapshot> => ({ cpuTicks: tree.ticks, residentBytes: tree.residentBytes, pids: [] }),
  };
  return tree;
}

describe('MachineSampler', () => {
  let nowMs = 0;
  let rapl: ClockedRapl;
  let proc: FakeSysfs;

  beforeEach(async () => {
    nowMs = 0;
    rapl = await createClockedRapl({ packageWatts: 40, dramWatts: 4, nowMs: () => nowMs });
    proc = await createFakeSysfs();
    await proc.writeProcStat(procStatText(100, 100));
    await proc.writeMemInfo(memInfoText(8 * 1024 * 1024, 4 * 1024 * 1024));
  });

  afterEach(async () => {
    await rapl.dispose();
    await proc.dispose();
  });

  /** The clocked RAPL package and dram on one machine sampler; intervals far beyond the test, so only the test ticks. */
  async function raplMachine(intervalMs = 600_000): Promise<MachineSampler> {
    const options = { sysfsRoot: rapl.sysfs.sysfsRoot, now: () => nowMs, readTextFile: rapl.readTextFile };
    const cpu = createRaplSource({ ...options, component: 'cpu' });
    const ram = createRaplSource({ ...options, component: 'ram' });
    for (const source of [cpu, ram]) assert.equal(await source.probe(), undefined);
    return new MachineSampler({ sources: { cpu, gpu: [], ram }, procRoot: proc.procRoot, intervalMs, monotonicNowMs: () => nowMs });
  }

  const machineRun = (machine: MachineSampler): Sampler => new Sampler({ machine, intensityGramsPerKWh: 100, pue: 1 });

  it('gives each of two overlapping runs the machine energy of its own span, on one RAPL counter', async () => {
    const machine = await raplMachine();
    const first = machineRun(machine);
    const second = machineRun(machine);
    await first.start();
    nowMs = 1_000;
    await machine.sampleNow();
    nowMs = 1_500;
    await second.start();
    nowMs = 2_000;
    await machine.sampleNow();
    nowMs = 3_200;
    const firstTotals = await first.stop();
    nowMs = 4_000;
    await machine.sampleNow();
    nowMs = 4_700;
    const secondTotals = await second.stop();

    // 0 → 3.2 s and 1.5 → 4.7 s at 40 W (package) and 4 W (dram): RAPL's counter is read once per tick for both.
    for (const totals of [firstTotals, secondTotals]) {
      assert.equal(totals.durationMs, 3_200);
      assert.ok(Math.abs(joules(totals.machineEnergyKWh.cpu) - 128) < 1e-9, `${joules(totals.machineEnergyKWh.cpu)} J`);
      assert.ok(Math.abs(joules(totals.machineEnergyKWh.ram) - 12.8) < 1e-9, `${joules(totals.machineEnergyKWh.ram)} J`);
    }
    assert.equal(machine.activeRunCount, 0);
    machine.dispose();
  });

  it('gives a run the same totals and samples at 40 W whether or not another run starts and stops during it', async () => {
    const measure = async (withOther: boolean): Promise<{ totals: SamplerTotals; powers: number[] }> => {
      nowMs = 0;
      const machine = await raplMachine();
      const run = machineRun(machine);
      const other = machineRun(machine);
      const powers: number[] = [];
      run.onDidSample((sample) => powers.push(sample.machinePowerWatts.cpu));
      await run.start();
      for (const step of [1_000, 1_250, 2_000, 2_600, 3_000]) {
        nowMs = step;
        if (step === 1_250 && withOther) await other.start();
        else if (step === 2_600 && withOther) await other.stop();
        else if (step % 1_000 === 0) await machine.sampleNow();
      }
      nowMs = 3_500;
      const totals = await run.stop();
      machine.dispose();
      return { totals, powers };
    };
    const alone = await measure(false);
    const overlapped = await measure(true);
    assert.deepEqual(alone.powers.map(Math.round), [40, 40, 40, 40]);
    // The other run's start and stop close two extra intervals; every one is still 40 W.
    assert.deepEqual(overlapped.powers.map(Math.round), [40, 40, 40, 40, 40, 40]);
    for (const key of ['machineEnergyKWh', 'machineIdleEnergyKWh', 'taskEnergyKWh'] as const) {
      for (const component of ['cpu', 'ram'] as const) {
        assert.ok(Math.abs(joules(overlapped.totals[key][component]) - joules(alone.totals[key][component])) < 1e-9, `${key}.${component}`);
      }
    }
    assert.ok(Math.abs(joules(alone.totals.machineEnergyKWh.cpu) - 140) < 1e-9);
    assert.equal(overlapped.totals.durationMs, 3_500);
  });

  it('credits a run started after an idle spell with nothing from before it started', async () => {
    const machine = await raplMachine();
    const first = machineRun(machine);
    await first.start();
    nowMs = 1_000;
    await first.stop();
    nowMs = 5_000;
    const second = machineRun(machine);
    await second.start();
    nowMs = 6_000;
    const totals = await second.stop();
    assert.ok(Math.abs(joules(totals.machineEnergyKWh.cpu) - 40) < 1e-9, `${joules(totals.machineEnergyKWh.cpu)} J`);
    machine.dispose();
  });

  it('attributes each interval to each run\'s own process tree', async () => {
    const cpu = scriptedSource('cpu', [{ powerWatts: 50 }], 'tdp-model');
    const ram = scriptedSource('ram', [{ powerWatts: 4 }], 'ram-model');
    const machine = new MachineSampler({ sources: { cpu, gpu: [], ram }, procRoot: proc.procRoot, intervalMs: 600_000, monotonicNowMs: () => nowMs });
    const treeA = scriptedTree();
    const treeB = scriptedTree();
    treeA.residentBytes = 1 * BYTES_PER_GIB;
    treeB.residentBytes = 2 * BYTES_PER_GIB;
    const runA = new Sampler({ machine, task: treeA, intensityGramsPerKWh: 100, pue: 1 });
    const runB = new Sampler({ machine, task: treeB, intensityGramsPerKWh: 100, pue: 1 });
    await runA.start();
    await runB.start();
    for (const second of [1, 2]) {
      nowMs = second * 1_000;
      // The machine is busy 100 ticks a second; tree A uses 30 of them and tree B 50.
      await proc.writeProcStat(procStatText(100 + second * 100, 100 + second * 100));
      treeA.ticks = second * 30;
      treeB.ticks = second * 50;
      if (second === 1) await machine.sampleNow();
    }
    const [totalsA, totalsB] = [await runA.stop(), await runB.stop()];
    // 50 W × 2 s of CPU, 4 W × 2 s of RAM with 4 GiB of 8 GiB used.
    assert.ok(Math.abs(joules(totalsA.taskEnergyKWh.cpu) - 30) < 1e-9, `${joules(totalsA.taskEnergyKWh.cpu)} J`);
    assert.ok(Math.abs(joules(totalsB.taskEnergyKWh.cpu) - 50) < 1e-9, `${joules(totalsB.taskEnergyKWh.cpu)} J`);
    assert.ok(Math.abs(joules(totalsA.taskEnergyKWh.ram) - 2) < 1e-9);
    assert.ok(Math.abs(joules(totalsB.taskEnergyKWh.ram) - 4) < 1e-9);
    assert.equal(totalsA.taskCpuTicks, 60);
    assert.equal(totalsB.taskCpuTicks, 100);
    for (const totals of [totalsA, totalsB]) assert.ok(Math.abs(joules(totals.machineEnergyKWh.cpu) - 100) < 1e-9);
    // One reading of each source per tick, whatever the number of runs: two starts, one tick, two stops.
    assert.equal(cpu.reads, 5);
    machine.dispose();
  });

  it('uses only a counter\'s average power when its first read after idling failed', async () => {
    const cpu = scriptedSource('cpu', [
      new Error('EAGAIN'),
      // Energy since a read long before the run started.
      { powerWatts: 10, energyJoules: 5_000 },
      { powerWatts: 10, energyJoules: 10 },
    ]);
    const run = new Sampler({ sources: { cpu, gpu: [] }, procRoot: proc.procRoot, intervalMs: 600_000, intensityGramsPerKWh: 100, pue: 1, monotonicNowMs: () => nowMs });
    await run.start();
    nowMs = 1_000;
    await run.sampleNow();
    nowMs = 2_000;
    const totals = await run.stop();
    assert.ok(Math.abs(joules(totals.machineEnergyKWh.cpu) - 20) < 1e-9, `${joules(totals.machineEnergyKWh.cpu)} J`);
    run.dispose();
  });

  it('does not lower a measured idle baseline with the short interval another run\'s start closes', async () => {
    const cpu = scriptedSource('cpu', [
      { powerWatts: 0, energyJoules: 0 },
      { powerWatts: 40, energyJoules: 40 },
      // 3 ms later: the counter has hardly moved yet, as a real RAPL counter updated every ~1 ms would.
      { powerWatts: 3.3, energyJoules: 0.01 },
      { powerWatts: 40.1, energyJoules: 40.11 },
      { powerWatts: 40, energyJoules: 40 },
    ]);
    const machine = new MachineSampler({ sources: { cpu, gpu: [] }, procRoot: proc.procRoot, intervalMs: 1_000, monotonicNowMs: () => nowMs });
    const run = machineRun(machine);
    const other = machineRun(machine);
    await run.start();
    nowMs = 1_000;
    await machine.sampleNow();
    nowMs = 1_003;
    await other.start();
    nowMs = 2_003;
    await machine.sampleNow();
    nowMs = 3_003;
    const totals = await run.stop();
    // The baseline is the lowest full-length interval, 40 W, over the whole 3.003 s.
    assert.ok(Math.abs(joules(totals.machineIdleEnergyKWh.cpu) - 40 * 3.003) < 1e-9, `${joules(totals.machineIdleEnergyKWh.cpu)} J idle`);
    assert.ok(Math.abs(joules(totals.machineEnergyKWh.cpu) - 120.12) < 1e-9);
    machine.dispose();
  });

  it('samples on its timer while a run is active and stops the timer when the last run finishes', async () => {
    const cpu = scriptedSource('cpu', [{ powerWatts: 10 }], 'tdp-model');
    const machine = new MachineSampler({ sources: { cpu, gpu: [] }, procRoot: proc.procRoot, intervalMs: 20 });
    const first = machineRun(machine);
    const second = machineRun(machine);
    const firstSamples: number[] = [];
    first.onDidSample((sample) => firstSamples.push(sample.intervalMs));
    assert.equal(machine.isSampling, false);
    await first.start();
    await second.start();
    assert.equal(machine.isSampling, true);
    await sleep(120);
    assert.ok(firstSamples.length >= 2, `${firstSamples.length} samples in 120 ms at 20 ms`);
    await first.stop();
    assert.equal(machine.isSampling, true, 'the second run is still measured');
    assert.equal(machine.activeRunCount, 1);
    await second.stop();
    assert.equal(machine.isSampling, false);
    assert.equal(machine.activeRunCount, 0);
    assert.equal(cpu.suspended, 1, 'sources let go of what only served the next read');
    const readsWhenIdle = cpu.reads;
    await sleep(80);
    assert.equal(cpu.reads, readsWhenIdle, 'no reading while no run is active');
    machine.dispose();
  });
});
