import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One process of a fake /proc, with the fields the tracker reads. Times in clock ticks. */
export interface FakeProcess {
  pid: number;
  ppid: number;
  comm?: string;
  state?: string;
  utime?: number;
  stime?: number;
  cutime?: number;
  cstime?: number;
  startTime?: number;
  rssPages?: number;
  /** Thread ids; children listed per thread in `childrenByThread`. Default: the pid alone. */
  threads?: number[];
  /** Children per thread; default: every process whose ppid is this pid, under the main thread. */
  childrenByThread?: Record<number, number[]>;
  /**
   * Content of `schedstat`; default: derived from the stat line, so that it moves whenever the stat
   * does, as the kernel's does for a process that ran. Set it to keep it still while the stat changes
   * (rss changed by reclaim, ppid by reparenting), or to null to leave the file out.
   */
  schedstat?: string | null;
}

/** Formats a `/proc/<pid>/stat` line with all 52 fields in the kernel's order. */
export function formatStat(process: FakeProcess): string {
  const fields = [
    process.state ?? 'S', process.ppid, process.pid, process.pid, 0, -1, 4194560, 100, 0, 0, 0,
    process.utime ?? 0, process.stime ?? 0, process.cutime ?? 0, process.cstime ?? 0,
    20, 0, (process.threads ?? [process.pid]).length, 0, process.startTime ?? 1000, 123_456_789, process.rssPages ?? 0,
    ...Array.from({ length: 28 }, () => 0),
  ];
  return `${process.pid} (${process.comm ?? 'proc'}) ${fields.join(' ')}\n`;
}

/** A schedstat line that changes whenever `statLine` does. */
function derivedSchedstat(statLine: string): string {
  let hash = 0;
  for (let i = 0; i < statLine.length; i++) hash = (hash * 31 + statLine.charCodeAt(i)) >>> 0;
  return `${hash} 0 1\n`;
}

/**
 * A temp directory shaped like /proc: `<pid>/stat`, `<pid>/schedstat` and `<pid>/task/<tid>/children`.
 * Files are rewritten in place, so descriptors the tracker keeps open read the new content as they do
 * in /proc; a removed process's files are emptied first, so a kept descriptor reads nothing, as a
 * /proc descriptor of a reaped process fails.
 */
export class FakeProc {
  readonly root = mkdtempSync(join(tmpdir(), 'carbon-meter-proc-'));

  /** Replaces the whole process table with `processes`. */
  set(processes: readonly FakeProcess[]): void {
    const keep = new Set(processes.map((process) => String(process.pid)));
    for (const name of readdirSync(this.root)) {
      if (!/^\d+$/.test(name) || keep.has(name)) continue;
      this.blank(join(this.root, name));
      rmSync(join(this.root, name), { recursive: true, force: true });
    }
    writeFileSync(join(this.root, 'stat'), 'cpu  1 0 1 100 0 0 0 0 0 0\n');
    for (const process of processes) {
      const dir = join(this.root, String(process.pid));
      mkdirSync(dir, { recursive: true });
      const statLine = formatStat(process);
      writeFileSync(join(dir, 'stat'), statLine);
      const schedstat = process.schedstat === undefined ? derivedSchedstat(statLine) : process.schedstat;
      if (schedstat === null) rmSync(join(dir, 'schedstat'), { force: true });
      else writeFileSync(join(dir, 'schedstat'), schedstat);
      const threads = process.threads ?? [process.pid];
      if (existsSync(join(dir, 'task'))) {
        for (const tid of readdirSync(join(dir, 'task'))) {
          if (!threads.includes(Number(tid))) rmSync(join(dir, 'task', tid), { recursive: true, force: true });
        }
      }
      for (const tid of threads) {
        mkdirSync(join(dir, 'task', String(tid)), { recursive: true });
        // The kernel writes each child pid followed by a space.
        const derived = tid === process.pid ? processes.filter((other) => other.ppid === process.pid).map((other) => other.pid) : [];
        const children = process.childrenByThread ? (process.childrenByThread[tid] ?? []) : derived;
        writeFileSync(join(dir, 'task', String(tid), 'children'), children.map((pid) => `${pid} `).join(''));
      }
    }
  }

  private blank(dir: string): void {
    for (const file of ['stat', 'schedstat']) if (existsSync(join(dir, file))) writeFileSync(join(dir, file), '');
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
