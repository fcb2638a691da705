import type { MachineProcReadings, PowerReading, PowerSource } from './powerSource';
import { type MachineMemory, readMachineMemory } from '../system/memInfo';

/**
 * 3 W per 8 GB of DDR3/DDR4 (Crucial, "How much power does memory use?"), the model of CodeCarbon ≤ 2.x
 * (codecarbon/external/ram.py, "Before V3 heuristic"). DIMM sizes are binary, so it is per GiB.
 * CodeCarbon 3.x instead guesses a DIMM count from the size and charges 5 W per DIMM with a discount for many
 * DIMMs; that needs the DIMM layout (root-only dmidecode) to be right, and is a step function of size, so we keep
 * the linear per-GiB figure, which is also the shape of Cloud Carbon Footprint's 0.392 W/GB.
 */
export const DEFAULT_RAM_WATTS_PER_GIB = 3 / 8;

export interface RamModelSourceOptions {
  /** Usually `/proc`; installed memory is MemTotal from `<procRoot>/meminfo`. */
  readonly procRoot: string;
  /** Override, e.g. the CCF memory coefficient on a cloud VM. */
  readonly wattsPerGiB?: number;
  /** Where `wattsPerGiB` comes from, for the description. */
  readonly wattsPerGiBSource?: string;
}

/**
 * Estimates RAM power as installed memory × watts per GiB. DRAM refresh and background power depend on the
 * installed size far more than on use, so usage only feeds `utilizationPercent`.
 */
export function createRamModelSource(options: RamModelSourceOptions): PowerSource {
  const wattsPerGiB = options.wattsPerGiB ?? DEFAULT_RAM_WATTS_PER_GIB;
  const coefficientSource = options.wattsPerGiB === undefined ? 'CodeCarbon ≤ 2.x: 3 W per 8 GB' : options.wattsPerGiBSource ?? 'configured';
  let totalGiB: number | undefined;

  const readMemory = async (machine?: MachineProcReadings): Promise<MachineMemory> => {
    const memory = machine?.memory ?? await readMachineMemory(options.procRoot);
    totalGiB = memory.totalGiB;
    return memory;
  };

  return {
    id: 'ram-model',
    component: 'ram',
    estimated: true,
    get description(): string {
      const size = totalGiB === undefined ? 'installed GiB' : `${totalGiB.toFixed(1)} GiB installed`;
      return `${Number(wattsPerGiB.toPrecision(3))} W/GiB × ${size} (${coefficientSource})`;
    },
    async probe(): Promise<string | undefined> {
      try {
        await readMemory();
        return undefined;
      } catch (error) {
        return `cannot read installed memory from ${options.procRoot}/meminfo: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
    async read(machine?: MachineProcReadings): Promise<PowerReading> {
      const memory = await readMemory(machine);
      const powerWatts = memory.totalGiB * wattsPerGiB;
      // The model does not vary with use: all of its power is the idle baseline.
      return { powerWatts, idlePowerWatts: powerWatts, utilizationPercent: (memory.usedGiB / memory.totalGiB) * 100 };
    },
    dispose(): void {
      // Nothing long-lived.
    },
  };
}
