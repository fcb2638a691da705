import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** A temp directory shaped like /proc: `<pid>/stat` and `<pid>/task/<tid>/children`. */
export class FakeProc {
  readonly root = mkdtempSync(join(tmpdir(), 'carbon-meter-proc-'));

  /** Replaces the whole process table with `processes`. */
  set(processes: readonly FakeProcess[]): void {
    rmSync(this.root, { recursive: true, force: true });
    mkdirSync(this.root);
    writeFileSync(join(this.root, 'stat'), 'cpu  1 0 1 100 0 0 0 0 0 0\n');
    for (const process of processes) {
      const dir = join(this.root, String(process.pid));
      mkdirSync(dir);
      writeFileSync(join(dir, 'stat'), formatStat(process));
      for (const tid of process.threads ?? [process.pid]) {
        mkdirSync(join(dir, 'task', String(tid)), { recursive: true });
        // The kernel writes each child pid followed by a space.
        const derived = tid === process.pid ? processes.filter((other) => other.ppid === process.pid).map((other) => other.pid) : [];
        const children = process.childrenByThread ? (process.childrenByThread[tid] ?? []) : derived;
        writeFileSync(join(dir, 'task', String(tid), 'children'), children.map((pid) => `${pid} `).join(''));
      }
    }
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
