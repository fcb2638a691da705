import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcPidStat } from './procPidStat';
import { ProcStatReader, type StatReuse } from './procStatReader';

/**
 * How the tree's members are found.
 * `children-file`: follow `/proc/<pid>/task/<tid>/children` down from known members (CONFIG_PROC_CHILDREN, Linux ≥ 4.2);
 * the cost grows with the tree. `full-scan`: list /proc and link processes by ppid; works everywhere,
 * and reads the stat of new pids and members only, so the per-process cost is one listing entry.
 */
export type ProcessScanMode = 'children-file' | 'full-scan';

/**
 * How much of the tree a scan reads again when a member's schedstat says it has not run:
 * `backoff`: nothing, and the schedstat itself of a member in its idle backoff only when due (the
 * sample-to-sample case; see ProcStatReader and `scan`); `changed`: nothing, but every member's schedstat
 * (a sample that must be exact: the last one, or one after a vanished member left a debt pending);
 * `stats`: its stat, for rss, which reclaim or swapping can change without it running; `all`: its stat
 * and its children files, after a member exited and its children were reparented (possibly to a
 * subreaper member that did not run).
 */
export type ScanDepth = 'backoff' | 'changed' | 'stats' | 'all';

/** A process known by pid and start time, so that a reused pid is not mistaken for it. */
export interface ProcessIdentity {
  readonly pid: number;
  /** undefined when the process has not been seen yet (the root at the first sample): any start time matches. */
  readonly startTimeTicks: number | undefined;
}

/** Finds a tree's live members, sample after sample; holds /proc descriptors until disposed. */
export interface TreeScanner {
  readonly mode: ProcessScanMode;
  /**
   * The live members: each seed still alive with its start time, and all their descendants. Seeds are
   * the root and the members of the previous scan, so a process whose parent exited and that was
   * reparented outside the tree (an orphan) stays a member. `depth`: what is read again of members
   * whose schedstat says they have not run (see ProcStatReader).
   *
   * At `backoff`, a member in its idle backoff is skipped (its last stat stands, its children files are
   * not read) only when its parent by its last ppid is a member read or skipped earlier in this scan
   * and showed no sign of having reaped a child (see `StatRead.mayHaveReaped`). So the root and orphans,
   * whose parent is outside the tree and reports nothing to us, are never skipped. And reaping needs the
   * parent to run: a child that exited and was reaped is read in the very sample where its parent's
   * reaped time grows, so the tree sees both together and counts the child once. A member whose parent
   * is read later in the scan (pid order after pid wrap-around) is read too.
   */
  scan(seeds: readonly ProcessIdentity[], depth: ScanDepth): Map<number, ProcPidStat>;
  /** Closes the descriptors kept open between scans; a later scan opens them again. */
  dispose(): void;
}

/** Whether `<procRoot>/<pid>/task/<pid>/children` exists for a live process. */
export function hasChildrenFiles(procRoot: string, pid: number): boolean {
  return existsSync(join(procRoot, String(pid), 'task', String(pid), 'children'));
}

/** Creates a scanner of `procRoot` in the given mode. */
export function createTreeScanner(procRoot: string, mode: ProcessScanMode): TreeScanner {
  return mode === 'children-file' ? new ChildrenFileScanner(procRoot) : new FullScanner(procRoot);
}

/** What `reader` may reuse of member `pid` at `depth`; `reaping`: members decided so far in a `backoff` scan, and whether each may have reaped. */
function reuseAt(depth: ScanDepth, reader: ProcStatReader, pid: number, reaping: ReadonlyMap<number, boolean> | undefined): StatReuse {
  if (depth === 'stats' || depth === 'all') return 'none';
  if (reaping === undefined) return 'unchanged';
  const parentPid = reader.lastParentPid(pid);
  return parentPid !== undefined && reaping.get(parentPid) === false ? 'idle' : 'unchanged';
}

function isSameProcess(stat: ProcPidStat | undefined, seed: ProcessIdentity): stat is ProcPidStat {
  return stat !== undefined && (seed.startTimeTicks === undefined || stat.startTimeTicks === seed.startTimeTicks);
}

// A child starts after its parent; a "child" that started earlier is a stale link to a reused pid.
function isChildOf(child: ProcPidStat, parent: ProcPidStat): boolean {
  return child.ppid === parent.pid && child.startTimeTicks >= parent.startTimeTicks;
}

/**
 * Lists /proc every scan but reads a pid's stat only when it is a member (its times are needed) or
 * was absent from the previous listing (a new process, or a reused pid: its ppid is needed). A listed
 * pid known not to be a member is skipped: a process's ppid only changes by reparenting to init or a
 * subreaper when its parent exits, and a non-member's parent is a non-member, so it can never become
 * one. The one blind spot: a non-member that exits and whose pid is taken by a new child of a member
 * between two listings. That needs the kernel to allocate pid_max pids in one interval (pids are
 * handed out cyclically; pid_max is 32768 to 4194304), and even then the child's time is not lost
 * when a member reaps it (it arrives in the parent's cutime); only its live time, its RSS and its own
 * orphans are missed.
 *
 * Members in their idle backoff are skipped by the same rule as in the children-file walk; here the
 * listing still shows at once a skipped member's exit (its pid is gone) and its forks (new pids are read).
 */
class FullScanner implements TreeScanner {
  readonly mode = 'full-scan';
  private readonly reader: ProcStatReader;
  /** Pids of the previous listing whose process was classified (read, or known from before). */
  private listed = new Set<number>();
  private members = new Set<number>();

  constructor(private readonly procRoot: string) {
    this.reader = new ProcStatReader(procRoot);
  }

  scan(seeds: readonly ProcessIdentity[], depth: ScanDepth): Map<number, ProcPidStat> {
    const seedPids = new Set<number>();
    for (const seed of seeds) seedPids.add(seed.pid);
    const all = new Map<number, ProcPidStat>();
    const childrenOf = new Map<number, ProcPidStat[]>();
    const listed = new Set<number>();
    const reaping = depth === 'backoff' ? new Map<number, boolean>() : undefined;
    // readdir of /proc yields pids in increasing order, so a parent is read before its younger
    // children (see processTree.ts on the reap race).
    for (const name of readdirSync(this.procRoot)) {
      const first = name.charCodeAt(0);
      if (first < 48 || first > 57) continue;
      const pid = Number(name);
      const known = this.members.has(pid) || seedPids.has(pid);
      if (!known && this.listed.has(pid)) {
        listed.add(pid);
        continue;
      }
      const read = this.reader.read(pid, known, reuseAt(depth, this.reader, pid, reaping));
      if (!read) continue;
      const { stat } = read;
      if (known) reaping?.set(pid, read.mayHaveReaped);
      listed.add(pid);
      all.set(pid, stat);
      const siblings = childrenOf.get(stat.ppid);
      if (siblings) siblings.push(stat);
      else childrenOf.set(stat.ppid, [stat]);
    }
    const members = new Map<number, ProcPidStat>();
    const queue: ProcPidStat[] = [];
    for (const seed of seeds) {
      const stat = all.get(seed.pid);
      if (isSameProcess(stat, seed) && !members.has(stat.pid)) {
        members.set(stat.pid, stat);
        queue.push(stat);
      }
    }
    for (let next = queue.pop(); next; next = queue.pop()) {
      for (const child of childrenOf.get(next.pid) ?? []) {
        if (members.has(child.pid) || !isChildOf(child, next)) continue;
        members.set(child.pid, child);
        queue.push(child);
      }
    }
    this.listed = listed;
    this.members = new Set(members.keys());
    this.reader.retainOnly((pid) => members.has(pid));
    return members;
  }

  dispose(): void {
    this.reader.dispose();
  }
}

/**
 * Walks children files down from the seeds; a member whose schedstat did not move cannot have forked.
 * A member skipped in its idle backoff is not walked either: a fork of its is found when it is next read.
 */
class ChildrenFileScanner implements TreeScanner {
  readonly mode = 'children-file';
  private readonly reader: ProcStatReader;

  constructor(private readonly procRoot: string) {
    this.reader = new ProcStatReader(procRoot);
  }

  scan(seeds: readonly ProcessIdentity[], depth: ScanDepth): Map<number, ProcPidStat> {
    const members = new Map<number, ProcPidStat>();
    // Members whose children files are read: those that may have forked since their children were last listed.
    const queue: ProcPidStat[] = [];
    const reaping = depth === 'backoff' ? new Map<number, boolean>() : undefined;
    // Members whose children files are read sample after sample (they run, or have several threads, which
    // are always read fully) keep those descriptors; the others' files are read once in a while and closed,
    // which saves a third of the descriptors all trackers share (MAX_CACHED_PROC_FDS).
    const rereadEachSample = new Set<ProcPidStat>();
    // Whether a pid was read that is not a member now, whose descriptors must then be closed.
    let dropped = false;
    for (const seed of seeds) {
      if (members.has(seed.pid)) continue;
      const previous = seed.startTimeTicks !== undefined;
      const read = this.reader.read(seed.pid, previous, reuseAt(depth, this.reader, seed.pid, reaping));
      const stat = read?.stat;
      if (!read || !isSameProcess(stat, seed)) {
        dropped = true;
        continue;
      }
      members.set(stat.pid, stat);
      reaping?.set(stat.pid, read.mayHaveReaped);
      // A member that has not run since its children were last listed has forked nothing since;
      // children it gained by reparenting come with a member's exit, after which the tree rescans fresh.
      if (!read.unchanged || depth === 'all') queue.push(stat);
      if (read.ran || stat.threadCount > 1) rereadEachSample.add(stat);
    }
    for (let next = queue.pop(); next; next = queue.pop()) {
      for (const childPid of this.readChildPids(next, rereadEachSample.has(next))) {
        if (members.has(childPid)) continue;
        const child = this.reader.read(childPid, false, 'none')?.stat;
        if (!child || !isChildOf(child, next)) {
          dropped = true;
          continue;
        }
        members.set(child.pid, child);
        queue.push(child);
      }
    }
    // Every pid read was a seed (a member of the last scan) or a child admitted now: nothing to close.
    if (dropped) this.reader.retainOnly((pid) => members.has(pid));
    return members;
  }

  dispose(): void {
    this.reader.dispose();
  }

  // `children` lists the children forked by one thread, so a multi-threaded parent needs each thread's file.
  // A single-threaded process's only thread id is its pid, which saves listing `task/`.
  private readChildPids(parent: ProcPidStat, keepOpen: boolean): number[] {
    const taskDir = join(this.procRoot, String(parent.pid), 'task');
    let threadIds: string[];
    if (parent.threadCount <= 1) {
      threadIds = [String(parent.pid)];
    } else {
      try {
        threadIds = readdirSync(taskDir);
      } catch {
        return [];
      }
    }
    const pids: number[] = [];
    for (const tid of threadIds) {
      const text = this.reader.readChildrenFile(parent.pid, tid, keepOpen);
      if (!text) continue;
      for (const word of text.split(' ')) {
        const pid = Number(word);
        if (word !== '' && Number.isInteger(pid) && pid > 0) pids.push(pid);
      }
    }
    return pids;
  }
}
