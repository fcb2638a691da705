import type { MachineProcReadings, PowerReading, PowerSource } from './powerSource';
import { type MachineCpuTimes, cpuUtilizationBetween, readMachineCpuTimes } from '../system/procStat';
import { type CpuPowerCurveInputs, powerWattsAt, resolveCpuPowerCurve } from './cpuPowerCurve';

export interface TdpModelSourceOptions extends CpuPowerCurveInputs {
  /** Usually `/proc`; machine CPU time is read from `<procRoot>/stat`. */
  readonly procRoot: string;
}

/**
 * Estimates CPU power from machine CPU utilisation (/proc/stat) on a linear curve chosen by
 * `resolveCpuPowerCurve` (cloud coefficients, TDP table, or CodeCarbon's generic TDP).
 * Each read uses the utilisation since the previous read; `probe()` takes the first /proc/stat sample, so the
 * first read after it covers a real interval. A read with no earlier sample primes and reports idle power.
 */
export function createTdpModelSource(options: TdpModelSourceOptions): PowerSource {
  const curve = resolveCpuPowerCurve(options);
  let previous: MachineCpuTimes | undefined;

  return {
    id: 'tdp-model',
    component: 'cpu',
    estimated: true,
    description: curve.basis,
    async probe(): Promise<string | undefined> {
      try {
        previous = await readMachineCpuTimes(options.procRoot);
        return undefined;
      } catch (error) {
        return `cannot read CPU utilisation from ${options.procRoot}/stat: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
    async read(machine?: MachineProcReadings): Promise<PowerReading> {
      const current = machine?.cpuTimes ?? await readMachineCpuTimes(options.procRoot);
      const utilization = previous ? cpuUtilizationBetween(previous, current) : 0;
      previous = current;
      return { powerWatts: powerWattsAt(curve, utilization), idlePowerWatts: powerWattsAt(curve, 0), utilizationPercent: utilization * 100 };
    },
    dispose(): void {
      // Stateless apart from the last /proc/stat sample.
    },
  };
}
