import { createRaplSource } from '../../src/engine/powerSources/rapl';
import { Sampler } from '../../src/engine/sampler';
import { JOULES_PER_KWH } from '../../src/engine/units';
import { startAdvancingRapl } from '../../test/fixtures/advancingRapl';
import { sleep } from './childProcesses';
import { atMost, Figure } from './figures';

const PACKAGE_WATTS = 40;
const DRAM_WATTS = 4;
/**
 * How often the fake counters move. A read sees the value of the last step, so each end of the measured span
 * is off by up to one step (plus the timer's lateness): 1 ms keeps that well under the engine's own error.
 */
const FAKE_COUNTER_TICK_MS = 1;

const errorPercent = (measured: number, expected: number): number => (100 * (measured - expected)) / expected;

/**
 * Energy error of RAPL + Sampler against a fake powercap tree whose counters advance in real time at
 * known watts: measured energy vs watts × the time the sampler integrated (the sum of its intervals).
 */
export async function measureRaplError(durationMs: number, intervalMs: number): Promise<Figure[]> {
  const rapl = await startAdvancingRapl({ packageWatts: PACKAGE_WATTS, dramWatts: DRAM_WATTS, tickMs: FAKE_COUNTER_TICK_MS });
  const cpu = createRaplSource({ sysfsRoot: rapl.sysfs.sysfsRoot, component: 'cpu' });
  const ram = createRaplSource({ sysfsRoot: rapl.sysfs.sysfsRoot, component: 'ram' });
  try {
    for (const source of [cpu, ram]) {
      const reason = await source.probe();
      if (reason !== undefined) throw new Error(`the fake RAPL ${source.component} source was rejected: ${reason}`);
    }
    const sampler = new Sampler({ sources: { cpu, gpu: [], ram }, procRoot: '/proc', intervalMs, intensityGramsPerKWh: 100, pue: 1 });
    let integratedMs = 0;
    let samples = 0;
    const subscription = sampler.onDidSample((sample) => {
      integratedMs += sample.intervalMs;
      samples++;
    });
    // The fake counters move on this process's event loop, which the synchronous probes above held up for a
    // few ms; a real counter moves on its own. Let them catch up so the first read is as fresh as the last.
    await sleep(5 * FAKE_COUNTER_TICK_MS);
    await sampler.start();
    await sleep(durationMs);
    const totals = await sampler.stop();
    subscription.dispose();
    sampler.dispose();
    const seconds = integratedMs / 1000;
    const cpuJoules = totals.machineEnergyKWh.cpu * JOULES_PER_KWH;
    const ramJoules = totals.machineEnergyKWh.ram * JOULES_PER_KWH;
    const note = (watts: number, joules: number): string =>
      `${joules.toFixed(3)} J measured vs ${(watts * seconds).toFixed(3)} J = ${watts} W × ${seconds.toFixed(3)} s (${samples} samples at ${intervalMs} ms; fake counters step every ${FAKE_COUNTER_TICK_MS} ms)`;
    return [
      atMost('RAPL CPU energy error, fake tree', errorPercent(cpuJoules, PACKAGE_WATTS * seconds), '%', 0.5, note(PACKAGE_WATTS, cpuJoules)),
      atMost('RAPL RAM energy error, fake tree', errorPercent(ramJoules, DRAM_WATTS * seconds), '%', 0.5, note(DRAM_WATTS, ramJoules)),
    ];
  } finally {
    cpu.dispose();
    ram.dispose();
    await rapl.stop();
  }
}
