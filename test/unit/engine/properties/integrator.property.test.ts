import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { IntervalListener, MachineInterval, MachineSampler } from '../../../../src/engine/machineSampler';
import { Sampler, SamplerTotals, TaskTreeSnapshot } from '../../../../src/engine/sampler';
import type { ComponentKind, PowerReading, PowerSource } from '../../../../src/engine/powerSources/powerSource';
import { JOULES_PER_KWH } from '../../../../src/engine/units';
import { createFakeSysfs, FakeSysfs, memInfoText } from '../../../fixtures/fakeSysfs';

const COMPONENTS: readonly ComponentKind[] = ['cpu', 'gpu', 'ram'];

/** A reading of any shape a source may give, sane or not, or a failure. */
const readingStep = (counter: boolean, model: boolean): fc.Arbitrary<PowerReading | Error> => fc.oneof(
  { weight: 6, arbitrary: fc.record({
    powerWatts: fc.double({ min: 0, max: 2_000, noNaN: true }),
    energyJoules: counter ? fc.double({ min: 0, max: 5_000, noNaN: true }) : fc.constant(undefined),
    idlePowerWatts: model ? fc.double({ min: 0, max: 50, noNaN: true }) : fc.constant(undefined),
    utilizationPercent: fc.option(fc.double({ min: -50, max: 150 }), { nil: undefined }),
  }).map((reading): PowerReading => Object.fromEntries(Object.entries(reading).filter(([, value]) => value !== undefined)) as unknown as PowerReading) },
  // Readings no source should give: the sampler must turn them into failures, never into energy.
  { weight: 1, arbitrary: fc.constantFrom<PowerReading>({ powerWatts: -5 }, { powerWatts: Number.NaN }, { powerWatts: 1, energyJoules: -3 }, { powerWatts: Number.POSITIVE_INFINITY }) },
  { weight: 2, arbitrary: fc.constant(new Error('EIO')) },
);

function scriptedSource(id: PowerSource['id'], component: ComponentKind, script: readonly (PowerReading | Error)[]): PowerSource {
  let reads = 0;
  return {
    id, component, estimated: false, description: id,
    probe: async () => undefined,
    read: async () => {
      const step = script[reads++ % script.length];
      if (step === undefined || step instanceof Error) throw step ?? new Error('empty script');
      return step;
    },
    dispose: () => undefined,
  };
}

type Operation = 'tick' | 'startB' | 'stopB' | 'startC' | 'stopC';

/** One step of the scenario: what happens, after how long on the monotonic clock (which may go back), and /proc/stat then. */
const scenarioStep = fc.record({
  operation: fc.constantFrom<Operation>('tick', 'tick', 'tick', 'startB', 'stopB', 'startC', 'stopC'),
  dtMs: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 3_000 }) }, { weight: 1, arbitrary: fc.integer({ min: -2_000, max: -1 }) }, { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 7_200_000 }) }),
  busyTicks: fc.integer({ min: 0, max: 1_000_000 }),
  idleTicks: fc.integer({ min: 0, max: 1_000_000 }),
  cpuCount: fc.integer({ min: 1, max: 64 }),
  treeTicks: fc.integer({ min: 0, max: 1_000_000 }),
  treeResidentMiB: fc.integer({ min: 0, max: 16_384 }),
});

const scenario = fc.record({
  cpu: fc.array(readingStep(true, false), { minLength: 1, maxLength: 8 }),
  gpu: fc.array(readingStep(false, false), { minLength: 1, maxLength: 8 }),
  ram: fc.array(readingStep(false, true), { minLength: 1, maxLength: 8 }),
  steps: fc.array(scenarioStep, { minLength: 1, maxLength: 20 }),
});

/** The intervals a listener was handed, by identity, in order. */
function recordIntervals(listener: IntervalListener): MachineInterval[] {
  const seen: MachineInterval[] = [];
  const take = listener.take.bind(listener);
  listener.take = (interval, last) => {
    seen.push(interval);
    take(interval, last);
  };
  return seen;
}

const joulesOf = (totals: SamplerTotals, key: 'machineEnergyKWh' | 'taskEnergyKWh' | 'machineIdleEnergyKWh', component: ComponentKind): number =>
  totals[key][component] * JOULES_PER_KWH;
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe('property: the machine sampler and its runs', () => {
  let proc: FakeSysfs;
  before(async () => {
    proc = await createFakeSysfs();
    await proc.writeMemInfo(memInfoText(16 * 1024 * 1024, 8 * 1024 * 1024));
  });
  after(async () => { await proc.dispose(); });

  it('never integrates a negative or non-finite energy, and every run\'s totals are the sum of the intervals of its own span', async () => {
    await fc.assert(fc.asyncProperty(scenario, async ({ cpu, gpu, ram, steps }) => {
      let nowMs = 1_000;
      let tree: TaskTreeSnapshot = { cpuTicks: 0, residentBytes: 0, pids: [] };
      await proc.writeProcStat('cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n');
      const machine = new MachineSampler({
        sources: { cpu: scriptedSource('rapl', 'cpu', cpu), gpu: [scriptedSource('nvidia-smi', 'gpu', gpu)], ram: scriptedSource('ram-model', 'ram', ram) },
        procRoot: proc.procRoot, intervalMs: 600_000, monotonicNowMs: () => nowMs,
      });
      const newRun = (withTask: boolean): Sampler => new Sampler({
        machine, intensityGramsPerKWh: 400, pue: 1.2, task: withTask ? { sample: async () => tree } : undefined,
      });
      // Every interval the machine closes while A runs; A runs throughout, B (a process tree) and C come and go.
      const whole = newRun(false);
      const all = recordIntervals(whole);
      await whole.start();
      const runs: { sampler: Sampler; seen: MachineInterval[]; totals?: SamplerTotals }[] = [];
      let b: (typeof runs)[number] | undefined;
      let c: (typeof runs)[number] | undefined;
      const start = async (withTask: boolean): Promise<(typeof runs)[number]> => {
        const sampler = newRun(withTask);
        const entry = { sampler, seen: recordIntervals(sampler) };
        runs.push(entry);
        await sampler.start();
        return entry;
      };
      for (const step of steps) {
        nowMs += step.dtMs;
        tree = { cpuTicks: step.treeTicks, residentBytes: step.treeResidentMiB * 1024 * 1024, pids: [] };
        const perCpu = Array.from({ length: step.cpuCount }, (_, index) => `cpu${index} 0 0 0 0 0 0 0 0 0 0`).join('\n');
        await proc.writeProcStat(`cpu  ${step.busyTicks} 0 0 ${step.idleTicks} 0 0 0 0 0 0\n${perCpu}\n`);
        if (step.operation === 'tick') await machine.sampleNow();
        else if (step.operation === 'startB') b ??= await start(true);
        else if (step.operation === 'startC') c ??= await start(false);
        else {
          const ending = step.operation === 'stopB' ? b : c;
          if (ending) ending.totals = await ending.sampler.stop();
          if (step.operation === 'stopB') b = undefined;
          else c = undefined;
        }
      }
      for (const open of [b, c]) if (open) open.totals = await open.sampler.stop();
      const wholeTotals = await whole.stop();

      for (const interval of all) {
        assert.ok(interval.intervalMs >= 0);
        for (const component of COMPONENTS) {
          assert.ok(Number.isFinite(interval.energyJoules[component]) && interval.energyJoules[component] >= 0, `${component}: ${interval.energyJoules[component]} J`);
        }
        const cpuPercent = interval.utilizationPercent.cpu;
        assert.ok(cpuPercent === undefined || (cpuPercent >= 0 && cpuPercent <= 100), `CPU ${cpuPercent} %`);
      }
      for (const { seen, totals } of [...runs, { seen: all, totals: wholeTotals }]) {
        assert.ok(totals);
        // The run got a contiguous stretch of the machine's intervals: none from outside its span, none missed.
        const first = all.indexOf(seen[0] as MachineInterval);
        assert.ok(seen.length === 0 || (first >= 0 && seen.every((interval, index) => all[first + index] === interval)));
        assert.ok(totals.durationMs >= 0 && totals.emissionsKg >= 0);
        for (const component of COMPONENTS) {
          const machineJoules = joulesOf(totals, 'machineEnergyKWh', component);
          assert.ok(close(machineJoules, seen.reduce((sum, interval) => sum + interval.energyJoules[component], 0)), `${component}: ${machineJoules} J`);
          // A run within A's span never has more than A; its task never more than its machine; idle within both.
          assert.ok(machineJoules <= joulesOf(wholeTotals, 'machineEnergyKWh', component) * (1 + 1e-9) + 1e-9);
          const taskJoules = joulesOf(totals, 'taskEnergyKWh', component);
          assert.ok(taskJoules >= 0 && taskJoules <= machineJoules * (1 + 1e-9) + 1e-9, `${component} task ${taskJoules} J of ${machineJoules} J`);
          const idleJoules = joulesOf(totals, 'machineIdleEnergyKWh', component);
          assert.ok(idleJoules >= 0 && idleJoules <= machineJoules * (1 + 1e-9) + 1e-9, `${component} idle ${idleJoules} J of ${machineJoules} J`);
        }
        const cpuMean = totals.cpuUtilizationPercent;
        assert.ok(cpuMean === undefined || (cpuMean >= 0 && cpuMean <= 100));
      }
      machine.dispose();
    }), { numRuns: 60 });
  });
});
