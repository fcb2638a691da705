import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIB_PER_GIB } from '../units';

/** Machine memory from `/proc/meminfo`, in GiB. */
export interface MachineMemory {
  readonly totalGiB: number;
  /** MemTotal − MemAvailable: what the kernel could not hand out without swapping. */
  readonly usedGiB: number;
}

const FIELD_PATTERNS = new Map(['MemTotal', 'MemAvailable', 'MemFree', 'Buffers', 'Cached'].map((key) => [key, new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm')]));

export function parseMemInfo(text: string): MachineMemory {
  const kib = (key: string): number | undefined => {
    const match = FIELD_PATTERNS.get(key)?.exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const totalKiB = kib('MemTotal');
  if (totalKiB === undefined || totalKiB <= 0) throw new Error('/proc/meminfo has no MemTotal');
  // MemAvailable exists since Linux 3.14; older kernels fall back to free + buffers + cached.
  const availableKiB = kib('MemAvailable') ?? (kib('MemFree') ?? 0) + (kib('Buffers') ?? 0) + (kib('Cached') ?? 0);
  const usedKiB = Math.max(0, totalKiB - availableKiB);
  return { totalGiB: totalKiB / KIB_PER_GIB, usedGiB: usedKiB / KIB_PER_GIB };
}

export async function readMachineMemory(procRoot: string): Promise<MachineMemory> {
  // Synchronous on purpose: a procfs read never blocks on a disk, and the promise version costs ~8× the CPU.
  return parseMemInfo(readFileSync(join(procRoot, 'meminfo'), 'utf8'));
}
