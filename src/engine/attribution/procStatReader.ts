import { parseProcPidStat, type ProcPidStat } from './procPidStat';
import { ProcFileReader } from './procFileReader';

const STALE_WHEN_EMPTY = { emptyMeansStale: true } as const;
const MAY_BE_EMPTY = { emptyMeansStale: false } as const;
const MAY_BE_EMPTY_READ_ONCE = { emptyMeansStale: false, keepOpen: false } as const;

/** A process's stat, and whether the process has not run since its last full read. */
export interface StatRead {
  /** The stat of the last full read when the process has not run and reuse was allowed, else read now. */
  readonly stat: ProcPidStat;
  /** The process has not run since its last full read (its schedstat did not move): it forked nothing. */
  readonly unchanged: boolean;
  /** The process ran since its last read: its schedstat was compared with the last one and moved. */
  readonly ran: boolean;
}

/**
 * Reads `/proc/<pid>/stat` of tree members, skipping the expensive file when the process cannot have
 * changed. `stat` costs the kernel ~5 µs (it sums the thread group's times and memory); `schedstat`
 * (~1.8 µs) holds the main thread's total run time in ns, its run-queue wait and its switch count,
 * which move whenever that thread is scheduled. For a single-threaded process, utime + stime are
 * derived from that run time, and cutime, cstime, the thread count and the state only change by the
 * process's own actions (wait, clone, exit), so an unchanged `schedstat` means an unchanged `stat`,
 * except for:
 * - ppid, changed by reparenting when the parent exits: the tree re-reads every member fully in a
 *   sample where a member exited (see processTree.ts);
 * - rss, which reclaim, swapping or a vfork child can change: bounded by the periodic full read.
 * Multi-threaded processes are always read fully: another thread may run, wait or fork.
 */
export class ProcStatReader {
  private readonly files: ProcFileReader;
  /** What each process looked like at its last full read, with the schedstat read just before it. */
  private readonly lastRead = new Map<number, { readonly stat: ProcPidStat; readonly schedstat: string | undefined }>();

  constructor(procRoot: string) {
    this.files = new ProcFileReader(procRoot);
  }

  /**
   * The stat of the process now holding `pid`, or undefined when there is none. `member`: the pid is
   * expected to be a known tree member, so its schedstat is compared with the last one, and its last
   * stat is reused when it did not move and `mayReuse` allows it; the schedstat is then recorded for
   * the next sample.
   */
  read(pid: number, member: boolean, mayReuse: boolean): StatRead | undefined {
    // Read before stat, so that running between the two reads shows up in the next schedstat.
    const sched = member ? this.files.read(pid, 'schedstat', STALE_WHEN_EMPTY) : undefined;
    const schedstat = sched?.text;
    const last = this.lastRead.get(pid);
    // Only through a kept descriptor is the schedstat known to be the same process's as last time.
    const compared = sched?.viaKeptFd === true && last !== undefined;
    const unchanged = compared && last.schedstat === schedstat && last.stat.threadCount <= 1;
    const ran = compared && last.schedstat !== schedstat;
    if (unchanged && mayReuse) return { stat: last.stat, unchanged, ran };
    const text = this.files.read(pid, 'stat', STALE_WHEN_EMPTY)?.text;
    let stat: ProcPidStat | undefined;
    try {
      stat = text === undefined ? undefined : parseProcPidStat(text);
    } catch {
      stat = undefined;
    }
    if (!stat) {
      this.lastRead.delete(pid);
      return undefined;
    }
    this.lastRead.set(pid, { stat, schedstat });
    return { stat, unchanged, ran };
  }

  /** The children file of thread `tid` of process `pid`; its descriptor is kept for the next read when `keepOpen`. */
  readChildrenFile(pid: number, tid: string, keepOpen: boolean): string | undefined {
    return this.files.read(pid, `task/${tid}/children`, keepOpen ? MAY_BE_EMPTY : MAY_BE_EMPTY_READ_ONCE)?.text;
  }

  /** Forgets every pid that `keep` rejects and closes its descriptors. */
  retainOnly(keep: (pid: number) => boolean): void {
    for (const pid of this.lastRead.keys()) if (!keep(pid)) this.lastRead.delete(pid);
    this.files.retainOnly(keep);
  }

  /** Closes every descriptor and forgets every process. */
  dispose(): void {
    this.lastRead.clear();
    this.files.dispose();
  }

  /** Descriptors held open; for tests. */
  get openFdCount(): number {
    return this.files.openFdCount;
  }
}
