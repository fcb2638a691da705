import { parseProcPidStat, type ProcPidStat } from './procPidStat';
import { ProcFileReader } from './procFileReader';

const STALE_WHEN_EMPTY = { emptyMeansStale: true } as const;
const MAY_BE_EMPTY = { emptyMeansStale: false } as const;
const MAY_BE_EMPTY_READ_ONCE = { emptyMeansStale: false, keepOpen: false } as const;

/**
 * Consecutive reads with a still schedstat after which an idle member's schedstat is read only every
 * other sample, then every 4th, up to every {@link MAX_IDLE_READ_PERIOD_SAMPLES}th.
 */
export const STILL_READS_BEFORE_BACKOFF = 3;

/**
 * Longest period, in samples, between two schedstat reads of an idle member: what it does meanwhile
 * (run, fork, exit) is seen at most this many samples minus one late. Its CPU time is cumulative, so
 * nothing is lost by reading it late; only the per-sample split is shifted.
 */
export const MAX_IDLE_READ_PERIOD_SAMPLES = 8;

/**
 * How much of a member's last read may stand for this one: `none`, read its stat; `unchanged`, reuse the
 * last stat when its schedstat did not move; `idle`, also skip reading the schedstat itself when the
 * member is idle and its next read is not due (its idle backoff).
 */
export type StatReuse = 'none' | 'unchanged' | 'idle';

/** A process's stat, and whether the process has not run since its last full read. */
export interface StatRead {
  /** The stat of the last full read when the process has not run and reuse was allowed, else read now. */
  readonly stat: ProcPidStat;
  /**
   * The process has not run since its last full read (its schedstat did not move): it forked nothing.
   * Also true of a read skipped in the idle backoff, which stands for one that found it so.
   */
  readonly unchanged: boolean;
  /** The process ran since its last read: its schedstat was compared with the last one and moved. */
  readonly ran: boolean;
  /**
   * The process may have reaped a child since its last read: it ran, or its reaped time grew (another
   * thread than the main one may reap), or it could not be compared. False for a skipped read.
   */
  readonly mayHaveReaped: boolean;
}

/** What the reader knows of one process: its last full read and its idle backoff. */
interface ReadHistory {
  stat: ProcPidStat;
  /** The text `stat` was parsed from. */
  statText: string;
  /** The schedstat read just before `stat`, or undefined when none was. */
  schedstat: string | undefined;
  /** Reads in a row whose schedstat did not move, of a single-threaded process. */
  stillReads: number;
  /** Samples from one schedstat read to the next while idle: 1, then 2, 4, … MAX_IDLE_READ_PERIOD_SAMPLES. */
  periodSamples: number;
  /** `idle` reads left to skip before the schedstat is read again. */
  skipsLeft: number;
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
 *
 * Idle backoff: even the schedstat read is a syscall per member and sample, the whole cost of a tree of
 * idle processes. A single-threaded process whose schedstat stayed still for
 * STILL_READS_BEFORE_BACKOFF reads in a row is read, when the caller allows it (`idle`), only every 2nd
 * sample, then every 4th, up to every MAX_IDLE_READ_PERIOD_SAMPLES-th; a read that finds it moved
 * puts it back to every sample. A skipped read counts as `unchanged`: the last stat stands, so a process
 * that starts running is counted at most MAX_IDLE_READ_PERIOD_SAMPLES − 1 samples late (its CPU time is
 * cumulative: the time is not lost, only moved to a later sample), and a fork is found as late.
 * Which reads may be skipped is the caller's decision (see `TreeScanner.scan` and processTree.ts): never
 * those of the root, of an orphan, or of a child whose parent may have reaped it (so an exit reaped by a
 * member is seen at once), and none at the periodic full read, while a debt is pending, or at the end.
 */
export class ProcStatReader {
  private readonly files: ProcFileReader;
  private readonly lastRead = new Map<number, ReadHistory>();

  constructor(procRoot: string) {
    this.files = new ProcFileReader(procRoot);
  }

  /**
   * The stat of the process now holding `pid`, or undefined when there is none. `member`: the pid is
   * expected to be a known tree member, so its schedstat is compared with the last one, and its last
   * stat is reused when it did not move and `reuse` allows it; the schedstat is then recorded for the
   * next sample. With `idle`, a member in its idle backoff is not read at all until its next read is due.
   */
  read(pid: number, member: boolean, reuse: StatReuse): StatRead | undefined {
    const last = this.lastRead.get(pid);
    if (reuse === 'idle' && member && last !== undefined && last.skipsLeft > 0) {
      last.skipsLeft--;
      return { stat: last.stat, unchanged: true, ran: false, mayHaveReaped: false };
    }
    // Read before stat, so that running between the two reads shows up in the next schedstat.
    const sched = member ? this.files.read(pid, 'schedstat', STALE_WHEN_EMPTY) : undefined;
    const schedstat = sched?.text;
    // Only through a kept descriptor is the schedstat known to be the same process's as last time.
    const still = sched?.viaKeptFd === true && last !== undefined && last.schedstat === schedstat;
    const unchanged = still && last.stat.threadCount <= 1;
    const ran = sched?.viaKeptFd === true && last !== undefined && !still;
    if (unchanged && reuse !== 'none') {
      backOff(last);
      return { stat: last.stat, unchanged, ran, mayHaveReaped: false };
    }
    const text = this.files.read(pid, 'stat', STALE_WHEN_EMPTY)?.text;
    let stat: ProcPidStat | undefined;
    if (text !== undefined && text === last?.statText) {
      // The same text is the same stat (a periodic full read of an idle process): the same object also
      // lets the tree see at once that nothing changed.
      stat = last.stat;
    } else {
      try {
        stat = text === undefined ? undefined : parseProcPidStat(text);
      } catch {
        stat = undefined;
      }
    }
    if (text === undefined || !stat) {
      this.lastRead.delete(pid);
      return undefined;
    }
    // Reaping needs the reaper to run; the schedstat is the main thread's only, so watch the reaped time too.
    const mayHaveReaped = !still || stat.reapedChildrenTicks !== last?.stat.reapedChildrenTicks;
    if (unchanged) {
      last.stat = stat;
      last.statText = text;
      backOff(last);
    } else {
      this.lastRead.set(pid, { stat, statText: text, schedstat, stillReads: 0, periodSamples: 1, skipsLeft: 0 });
    }
    return { stat, unchanged, ran, mayHaveReaped };
  }

  /** The parent pid at the last full read of `pid`, or undefined when it was never read. */
  lastParentPid(pid: number): number | undefined {
    return this.lastRead.get(pid)?.stat.ppid;
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

/** One more still read: once enough came in a row, the period doubles and the next reads are skipped. */
function backOff(history: ReadHistory): void {
  history.stillReads++;
  if (history.stillReads < STILL_READS_BEFORE_BACKOFF) return;
  history.periodSamples = Math.min(MAX_IDLE_READ_PERIOD_SAMPLES, history.periodSamples * 2);
  history.skipsLeft = history.periodSamples - 1;
}
