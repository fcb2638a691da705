import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Clock ticks per second of the CPU-time fields in `/proc`: USER_HZ, i.e. `sysconf(_SC_CLK_TCK)`.
 * The kernel exports these fields in USER_HZ whatever its internal HZ, and USER_HZ is 100 on every
 * Linux architecture Node supports (it is part of the ABI), so a constant is exact.
 */
export const CLOCK_TICKS_PER_SECOND = 100;

/** Page size of x86-64 and most arm64 kernels; `readPageSizeBytes` finds the real one (e.g. 64 KiB on some arm64). */
export const DEFAULT_PAGE_SIZE_BYTES = 4096;

/** The fields of `/proc/<pid>/stat` that the process tree needs. Times are in clock ticks (USER_HZ). */
export interface ProcPidStat {
  readonly pid: number;
  /** Executable name, at most 15 bytes, as the kernel wrote it; may contain spaces and parentheses. */
  readonly comm: string;
  /** One letter: R running, S sleeping, D disk wait, Z zombie, T stopped, … */
  readonly state: string;
  readonly ppid: number;
  /** utime + stime of the whole thread group, exited threads included. */
  readonly ownTicks: number;
  /** cutime + cstime: the total time of the children this process has reaped (and of what they reaped). */
  readonly reapedChildrenTicks: number;
  readonly threadCount: number;
  /** Start time after boot, in clock ticks: with the pid, it identifies a process despite pid reuse. */
  readonly startTimeTicks: number;
  /** Resident set size, in pages. */
  readonly rssPages: number;
}

/**
 * Parses the text of `/proc/<pid>/stat`. `comm` sits in parentheses and may itself contain spaces
 * and ')', so the fields are counted from the LAST ')'. Field numbers below are those of proc(5).
 * Throws with the start of the text when it is malformed.
 */
export function parseProcPidStat(text: string): ProcPidStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) throw new Error(`malformed /proc/<pid>/stat: ${text.slice(0, 80)}`);
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const rest = text.slice(close + 2).trim().split(' ');
  const field = (n: number): number => {
    const value = Number(rest[n - 3]);
    if (!Number.isFinite(value)) throw new Error(`malformed /proc/<pid>/stat field ${n}: ${text.slice(0, 80)}`);
    return value;
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    ownTicks: field(14) + field(15),
    reapedChildrenTicks: field(16) + field(17),
    threadCount: field(20),
    startTimeTicks: field(22),
    rssPages: field(24),
  };
}

// One buffer for every small /proc read, reused so a 100-process scan allocates only the decoded strings.
// A stat file is under 1 KiB; a children file of a thread with thousands of children reaches tens of KiB.
const READ_BUFFER = Buffer.alloc(65_536);

/**
 * Reads a small /proc file synchronously, or returns undefined when it does not exist (the process
 * exited). Synchronous on purpose: an async read costs a thread-pool round trip (~20–50 µs of CPU)
 * per file, a sync one a few µs, and /proc files are generated in memory so nothing waits on a disk.
 */
export function readSmallProcFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    let count: number;
    do {
      count = readSync(fd, READ_BUFFER, length, READ_BUFFER.length - length, null);
      length += count;
    } while (count > 0 && length < READ_BUFFER.length);
    return READ_BUFFER.toString('latin1', 0, length);
  } catch {
    // ESRCH: the process went away between open and read.
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Reads and parses `<procRoot>/<pid>/stat`; undefined when the process is gone or the file is unreadable. */
export function readProcPidStat(procRoot: string, pid: number | 'self'): ProcPidStat | undefined {
  const text = readSmallProcFile(join(procRoot, String(pid), 'stat'));
  if (text === undefined) return undefined;
  try {
    return parseProcPidStat(text);
  } catch {
    return undefined;
  }
}

/**
 * The kernel's page size, from the first mapping of `<procRoot>/self/smaps` ("KernelPageSize: 4 kB").
 * Node has no sysconf binding and `getconf PAGESIZE` would cost a spawn; only the first few hundred
 * bytes of smaps are read, so the kernel generates one entry. Falls back to 4096 when unreadable.
 */
export function readPageSizeBytes(procRoot: string): number {
  const text = readSmallProcFile(join(procRoot, 'self', 'smaps'));
  const match = text === undefined ? null : /^KernelPageSize:\s+(\d+) kB/m.exec(text);
  const kib = match ? Number(match[1]) : NaN;
  return kib > 0 ? kib * 1024 : DEFAULT_PAGE_SIZE_BYTES;
}
