/**
 * CPU time and memory of a process tree, from /proc.
 *
 * How the tree's CPU time is counted without counting anything twice:
 *
 * - A live member contributes `own` (utime + stime, its exited threads included) plus `reaped`
 *   (cutime + cstime). When a process reaps a child, the kernel adds the child's own + reaped time to
 *   the parent's reaped time, so `reaped` holds every already-reaped child, including the short-lived
 *   ones that no sample ever saw (a build's thousands of compiler runs).
 * - When a member V vanishes, its last-known `own + reaped` (its "total") is either about to appear in a
 *   live member's `reaped` (its parent reaped it) or is lost to us (an orphan reaped by init or a
 *   subreaper outside the tree, a parent that ignores SIGCHLD). We follow V's last-known parent chain
 *   through members that vanished in the same interval to the nearest live member A:
 *   - if there is one, V's total becomes a debt on A: it stays counted, and growth of A's `reaped`
 *     repays it first. Only the growth beyond the debt is new time (V's tail after the last sample, and
 *     children no sample saw), so V is never counted twice and the total never drops. A debt that a
 *     whole further interval did not repay did not go to A (auto-reaped child, orphan that died in the
 *     same interval as its parent): it stays counted for good, as escaped time.
 *   - if the chain leaves the tree from a non-root member, it was an orphan reaped outside: escaped.
 *   - if the chain reaches the vanished root, the total goes to the root group, which its own parent
 *     (outside the tree) reaped. When that parent is us, `finish()` replaces the root group's
 *     last-known total by the kernel's exact figure (see childCpuTime.ts), which adds the root's tail.
 * - Orphans stay members: every sample seeds the scan with the previous members, not just the root.
 * - pid + start time identify a process, so a reused pid is neither a member nor a parent link.
 * - The reported total is clamped to never decrease. Scans are not atomic; reading a parent before its
 *   child (pid order, or the children-file walk) makes the reap race resolve into a debt rather than a
 *   double count, but after pid wrap-around a child read first may be counted twice until it vanishes.
 *   A member whose stat is reused because it has not run, or whose read is skipped in the idle backoff
 *   (ProcStatReader), behaves as read first.
 * - A reused stat keeps its ppid from the last full read, but reparenting only follows a member's exit
 *   (a non-member's children are non-members): a sample that sees a member vanish or turn zombie is
 *   scanned again reading every stat, so a subreaper member's adopted orphans have their current ppid.
 *
 * Idle backoff: a single-threaded member whose schedstat stayed still for a few reads in a row is read
 * only every 2nd, then 4th, up to every P-th sample (P = MAX_IDLE_READ_PERIOD_SAMPLES), and at every
 * sample again once it moved (see ProcStatReader); a sample that does not read it treats it as one
 * that has not run. The bound:
 * - an idle member that starts running is counted at most P − 1 samples late. Its CPU time is
 *   cumulative, so nothing is lost: only the split between samples is shifted;
 * - a fork by an idle member is found at most P − 1 samples late (the full scan lists it at once), and a
 *   short-lived child reaped meanwhile arrives in the member's reaped time, as without the backoff;
 * - always read: the root, orphans, multi-threaded members, every member at the periodic full read, at
 *   the rescan after an exit and while a debt is pending, and every member in `finish()`, so the run's
 *   totals are exact;
 * - a member is always read when its parent, read earlier in the same sample, may have reaped a child
 *   (it ran, or its reaped time grew): reaping needs the parent to run, so a child's exit and the growth
 *   of its parent's reaped time appear in the same sample, and the debt rule above counts it once.
 *   Only a child whose parent ignores SIGCHLD (auto-reaped, with no need for the parent to run) can
 *   lose more: its time after its last read is escaped time, up to P intervals of it rather than one.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_PAGE_SIZE_BYTES, type ProcPidStat } from './procPidStat';
import { createTreeScanner, hasChildrenFiles, type ProcessIdentity, type ProcessScanMode, type ScanDepth, type TreeScanner } from './processTreeScan';

export { MAX_IDLE_READ_PERIOD_SAMPLES } from './procStatReader';

/**
 * Every this many samples, every member's stat is read even if its schedstat says it has not run, so
 * that an rss changed by reclaim or swapping (see ProcStatReader) is at most this many samples old.
 */
export const FULL_READ_EVERY_SAMPLES = 30;

/** The tree at one sample. */
export interface ProcessTreeSample {
  /**
   * Cumulative user + system CPU time of every process that has been in the tree, in clock ticks
   * (CLOCK_TICKS_PER_SECOND). Covers the members' whole lives, also before the first sample, so use
   * differences between samples. Never decreases.
   */
  readonly cpuTicks: number;
  /** Sum of the resident set sizes of the live members; pages shared between them are counted once per member. */
  readonly residentBytes: number;
  /** Live members, the root first when alive. */
  readonly pids: readonly number[];
  /** False once the root has exited (zombie included) or when it was never found. */
  readonly rootAlive: boolean;
}

/** Samples one process tree; create one per tracked run. */
export interface ProcessTreeTracker {
  readonly rootPid: number;
  /** The scan in use; undefined until the first sample decides it in `auto` mode. */
  readonly scanMode: ProcessScanMode | undefined;
  sample(): Promise<ProcessTreeSample>;
  /**
   * Takes a last sample and closes the run. `rootTotalCpuTicks` is the kernel's final total of the
   * root (its own time plus its waited-for descendants'), known when the root was our child: the
   * `readOwnChildrenCpuTicks` difference around the run. It replaces the root's last-known total, which
   * misses the time after the last sample. Ignored while the root is still alive.
   */
  finish(rootTotalCpuTicks?: number): Promise<ProcessTreeSample>;
  /**
   * Closes the /proc descriptors kept open between samples (one to three per member, at most 512 for
   * all trackers together). `finish` also closes them; call this when a run ends without `finish`.
   * A later `sample` still works and opens them again.
   */
  dispose(): void;
}

/** Where to read and which tree to follow. */
export interface ProcessTreeOptions {
  /** Normally `/proc`; a fixture directory in tests. */
  readonly procRoot: string;
  readonly rootPid: number;
  /** Multiplies the `rss` field; see `readPageSizeBytes`. Default 4096. */
  readonly pageSizeBytes?: number;
  /** `auto` (default) uses children files when the root has one, else the full scan. */
  readonly scanMode?: ProcessScanMode | 'auto';
  /**
   * Whether an idle member is read only every few samples (default true; see the idle backoff above).
   * False reads every member's schedstat at every sample: for comparison (the bench).
   */
  readonly idleBackoff?: boolean;
}

interface MemberState {
  readonly stat: ProcPidStat;
  readonly isRoot: boolean;
  /** Last-known totals of vanished descendants expected to appear in this member's reaped time. */
  readonly debtTicks: number;
}

/** Creates a tracker for the tree rooted at `rootPid`; nothing is read until the first sample. */
export function createProcessTreeTracker(options: ProcessTreeOptions): ProcessTreeTracker {
  return new ProcessTreeAccount(options);
}

class ProcessTreeAccount implements ProcessTreeTracker {
  readonly rootPid: number;
  scanMode: ProcessScanMode | undefined;
  private readonly procRoot: string;
  private readonly pageSizeBytes: number;
  private readonly idleBackoff: boolean;
  private members = new Map<number, MemberState>();
  private rootSeen = false;
  /** Time of vanished members that no live member will ever report (orphans reaped outside, auto-reaped). */
  private escapedTicks = 0;
  /** Last-known total of the vanished root and of whatever vanished along with it. */
  private rootGroupTicks = 0;
  private rootFinalTicks: number | undefined;
  private lastCpuTicks = 0;
  private scanner: TreeScanner | undefined;
  private samplesTaken = 0;
  private lastSummary: ProcessTreeSample | undefined;

  constructor(options: ProcessTreeOptions) {
    this.procRoot = options.procRoot;
    this.rootPid = options.rootPid;
    this.pageSizeBytes = options.pageSizeBytes ?? DEFAULT_PAGE_SIZE_BYTES;
    this.scanMode = options.scanMode === 'auto' ? undefined : options.scanMode;
    this.idleBackoff = options.idleBackoff ?? true;
  }

  async sample(): Promise<ProcessTreeSample> {
    return this.take(this.idleBackoff ? 'backoff' : 'changed');
  }

  async finish(rootTotalCpuTicks?: number): Promise<ProcessTreeSample> {
    // Every member is read: what idle members did since their last read belongs in the run's totals.
    this.take('changed');
    this.dispose();
    // A root never seen ended before the first sample: the kernel's figure is then all there is of it.
    if (rootTotalCpuTicks !== undefined && !this.isRootLive()) this.rootFinalTicks = rootTotalCpuTicks;
    return this.summarize();
  }

  dispose(): void {
    this.scanner?.dispose();
  }

  /** One sample, whose scan skips idle members (`backoff`) or reads them all (`changed`). */
  private take(shallowest: 'backoff' | 'changed'): ProcessTreeSample {
    // A root gone before it was ever seen (a command that ended at once) leaves nothing to find: no scan,
    // least of all the full one that its missing children file would choose.
    if (!this.rootSeen && !existsSync(`${this.procRoot}/${this.rootPid}`)) return this.summarize();
    this.scanMode ??= hasChildrenFiles(this.procRoot, this.rootPid) ? 'children-file' : 'full-scan';
    this.scanner ??= createTreeScanner(this.procRoot, this.scanMode);
    const seeds: ProcessIdentity[] = [];
    // The root is looked for by pid alone until first seen; after it vanishes its pid may be reused.
    if (!this.rootSeen) seeds.push({ pid: this.rootPid, startTimeTicks: undefined });
    // A member's stat carries its pid and start time: it is its own identity.
    for (const member of this.members.values()) seeds.push(member.stat);
    const periodic = this.samplesTaken++ % FULL_READ_EVERY_SAMPLES === 0;
    const depth: ScanDepth = periodic ? 'stats' : this.hasPendingDebt() ? 'changed' : shallowest;
    let live = this.scanner.scan(seeds, depth);
    // The common case of a tree that is idle or waiting: every member's stat is the very one it had.
    if (this.lastSummary && this.unchangedIn(live)) return this.lastSummary;
    if (this.anyMemberExited(live)) live = this.scanner.scan(seeds, 'all');
    this.update(live);
    return this.summarize();
  }

  /** Whether a member holds a debt not yet repaid: its reaped time is due to grow, so it must be read. */
  private hasPendingDebt(): boolean {
    for (const member of this.members.values()) if (member.debtTicks > 0) return true;
    return false;
  }

  /** Whether the scan found exactly the members of the last sample, each with the same stat, and no debt is pending. */
  private unchangedIn(live: ReadonlyMap<number, ProcPidStat>): boolean {
    if (live.size !== this.members.size) return false;
    for (const [pid, member] of this.members) if (member.debtTicks !== 0 || live.get(pid) !== member.stat) return false;
    return true;
  }

  /** Whether a member vanished or turned zombie since the last sample: its children were reparented. */
  private anyMemberExited(live: ReadonlyMap<number, ProcPidStat>): boolean {
    for (const { stat } of this.members.values()) {
      const now = live.get(stat.pid);
      if (now?.startTimeTicks !== stat.startTimeTicks) return true;
      if (isExited(now.state) && !isExited(stat.state)) return true;
    }
    return false;
  }

  private update(live: ReadonlyMap<number, ProcPidStat>): void {
    const isStillLive = (state: MemberState): boolean =>
      live.get(state.stat.pid)?.startTimeTicks === state.stat.startTimeTicks;
    const newDebtTicks = new Map<number, number>();
    for (const member of this.members.values()) {
      if (isStillLive(member)) continue;
      const total = member.stat.ownTicks + member.stat.reapedChildrenTicks + member.debtTicks;
      const heir = this.findHeir(member, isStillLive);
      if (heir === 'root-group') this.rootGroupTicks += total;
      else if (heir === 'escaped') this.escapedTicks += total;
      else newDebtTicks.set(heir, (newDebtTicks.get(heir) ?? 0) + total);
    }

    const next = new Map<number, MemberState>();
    for (const stat of live.values()) {
      const previous = this.members.get(stat.pid);
      if (previous?.stat.startTimeTicks !== stat.startTimeTicks) {
        const isRoot = !this.rootSeen && stat.pid === this.rootPid;
        this.rootSeen ||= isRoot;
        next.set(stat.pid, { stat, isRoot, debtTicks: 0 });
        continue;
      }
      // Reaped time only grows; the max guards against a malformed read.
      let growthTicks = Math.max(0, stat.reapedChildrenTicks - previous.stat.reapedChildrenTicks);
      const repaidOldTicks = Math.min(previous.debtTicks, growthTicks);
      growthTicks -= repaidOldTicks;
      this.escapedTicks += previous.debtTicks - repaidOldTicks;
      const newDebt = newDebtTicks.get(stat.pid) ?? 0;
      const debtTicks = newDebt - Math.min(newDebt, growthTicks);
      // A member that has not run keeps its stat object: keep its state too, as most do from sample to sample.
      next.set(stat.pid, previous.stat === stat && previous.debtTicks === debtTicks ? previous : { stat, isRoot: previous.isRoot, debtTicks });
    }
    this.members = next;
  }

  /** The live member expected to have reaped `vanished`, or where its time went instead. */
  private findHeir(
    vanished: MemberState,
    isStillLive: (state: MemberState) => boolean,
  ): number | 'root-group' | 'escaped' {
    let cursor = vanished;
    // Each step climbs to a member that vanished in the same interval; the bound stops a corrupt cycle.
    for (let step = 0; step <= this.members.size; step++) {
      if (cursor.isRoot) return 'root-group';
      const parent = this.members.get(cursor.stat.ppid);
      if (!parent || parent.stat.startTimeTicks > cursor.stat.startTimeTicks) return 'escaped';
      if (isStillLive(parent)) return parent.stat.pid;
      cursor = parent;
    }
    return 'escaped';
  }

  private isRootLive(): boolean {
    for (const member of this.members.values()) if (member.isRoot) return true;
    return false;
  }

  private summarize(): ProcessTreeSample {
    const rootGroupTicks = Math.max(this.rootGroupTicks, this.rootFinalTicks ?? 0);
    let totalTicks = this.escapedTicks + rootGroupTicks;
    let rssPages = 0;
    const pids: number[] = [];
    let rootAlive = false;
    for (const { stat, isRoot, debtTicks } of this.members.values()) {
      totalTicks += stat.ownTicks + stat.reapedChildrenTicks + debtTicks;
      rssPages += stat.rssPages;
      if (isRoot) {
        pids.unshift(stat.pid);
        rootAlive = !isExited(stat.state);
      } else {
        pids.push(stat.pid);
      }
    }
    this.lastCpuTicks = Math.max(this.lastCpuTicks, totalTicks);
    this.lastSummary = { cpuTicks: this.lastCpuTicks, residentBytes: rssPages * this.pageSizeBytes, pids, rootAlive };
    return this.lastSummary;
  }
}

/** Zombie or dead: the process has exited and its children have been reparented. */
function isExited(state: string): boolean {
  return state === 'Z' || state === 'X';
}
