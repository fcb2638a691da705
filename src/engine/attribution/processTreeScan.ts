import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readProcPidStat, readSmallProcFile, type ProcPidStat } from './procPidStat';

/**
 * How the tree's members are found.
 * `children-file`: follow `/proc/<pid>/task/<tid>/children` down from known members (CONFIG_PROC_CHILDREN, Linux ≥ 4.2);
 * the cost grows with the tree. `full-scan`: read every `/proc/<pid>/stat` and link them by ppid; works
 * everywhere, but the cost grows with the number of processes on the machine.
 */
export type ProcessScanMode = 'children-file' | 'full-scan';

/** A process known by pid and start time, so that a reused pid is not mistaken for it. */
export interface ProcessIdentity {
  readonly pid: number;
  /** undefined when the process has not been seen yet (the root at the first sample): any start time matches. */
  readonly startTimeTicks: number | undefined;
}

/** Whether `<procRoot>/<pid>/task/<pid>/children` exists for a live process. */
export function hasChildrenFiles(procRoot: string, pid: number): boolean {
  return existsSync(join(procRoot, String(pid), 'task', String(pid), 'children'));
}

/**
 * The live members of a tree: each seed still alive with its start time, and all their descendants.
 * Seeds are the root and the members of the previous scan, so a process whose parent exited and that
 * was reparented outside the tree (an orphan) stays a member.
 */
export function scanTreeMembers(
  procRoot: string,
  seeds: readonly ProcessIdentity[],
  mode: ProcessScanMode,
): Map<number, ProcPidStat> {
  return mode === 'children-file' ? scanByChildrenFiles(procRoot, seeds) : scanAllProcesses(procRoot, seeds);
}

function isSameProcess(stat: ProcPidStat | undefined, seed: ProcessIdentity): stat is ProcPidStat {
  return stat !== undefined && (seed.startTimeTicks === undefined || stat.startTimeTicks === seed.startTimeTicks);
}

// A child starts after its parent; a "child" that started earlier is a stale link to a reused pid.
function isChildOf(child: ProcPidStat, parent: ProcPidStat): boolean {
  return child.ppid === parent.pid && child.startTimeTicks >= parent.startTimeTicks;
}

function scanAllProcesses(procRoot: string, seeds: readonly ProcessIdentity[]): Map<number, ProcPidStat> {
  const all = new Map<number, ProcPidStat>();
  const childrenOf = new Map<number, ProcPidStat[]>();
  for (const name of readdirSync(procRoot)) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const stat = readProcPidStat(procRoot, Number(name));
    if (!stat) continue;
    all.set(stat.pid, stat);
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
  return members;
}

function scanByChildrenFiles(procRoot: string, seeds: readonly ProcessIdentity[]): Map<number, ProcPidStat> {
  const members = new Map<number, ProcPidStat>();
  const queue: ProcPidStat[] = [];
  for (const seed of seeds) {
    if (members.has(seed.pid)) continue;
    const stat = readProcPidStat(procRoot, seed.pid);
    if (isSameProcess(stat, seed)) {
      members.set(stat.pid, stat);
      queue.push(stat);
    }
  }
  for (let next = queue.pop(); next; next = queue.pop()) {
    for (const childPid of readChildPids(procRoot, next)) {
      if (members.has(childPid)) continue;
      const child = readProcPidStat(procRoot, childPid);
      if (!child || !isChildOf(child, next)) continue;
      members.set(child.pid, child);
      queue.push(child);
    }
  }
  return members;
}

// `children` lists the children forked by one thread, so a multi-threaded parent needs each thread's file.
// A single-threaded process's only thread id is its pid, which saves listing `task/`.
function readChildPids(procRoot: string, parent: ProcPidStat): number[] {
  const taskDir = join(procRoot, String(parent.pid), 'task');
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
    const text = readSmallProcFile(join(taskDir, tid, 'children'));
    if (!text) continue;
    for (const word of text.split(' ')) {
      const pid = Number(word);
      if (word !== '' && Number.isInteger(pid) && pid > 0) pids.push(pid);
    }
  }
  return pids;
}
