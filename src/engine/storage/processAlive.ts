import { join } from 'node:path';
import { readProcPidStat, readSmallProcFile } from '../attribution/procPidStat';

/**
 * Whether a process with this pid exists on this machine. Signal 0 checks without signalling;
 * EPERM means it exists but belongs to another user.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * What tells one process from a later one with the same pid: the boot it ran in and its start time.
 * A pid alone is reused (after a reboot, soon), and a journal whose writer died would then look alive
 * for as long as the stranger lives. Both are undefined where /proc does not give them (macOS, Windows).
 */
export interface ProcessIdentity {
  /** `/proc/sys/kernel/random/boot_id`: a new random UUID at every boot. */
  readonly bootId?: string;
  /** Field 22 of `/proc/<pid>/stat`: clock ticks after boot when the process started. */
  readonly startTicks?: number;
}

/** This boot's id and the pid's start time, from `procRoot`. */
export function readProcessIdentity(pid: number, procRoot = '/proc'): ProcessIdentity {
  const bootId = readSmallProcFile(join(procRoot, 'sys/kernel/random/boot_id'))?.trim() || undefined;
  const startTicks = readProcPidStat(procRoot, pid)?.startTimeTicks;
  return { ...(bootId === undefined ? {} : { bootId }), ...(startTicks === undefined ? {} : { startTicks }) };
}
