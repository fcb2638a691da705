import * as assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ProcFileReader, type ProcReadOptions } from '../../../../src/engine/attribution/procFileReader';
import {
  createProcessTreeTracker, FULL_READ_EVERY_SAMPLES, MAX_IDLE_READ_PERIOD_SAMPLES, type ProcessTreeSample, type ProcessTreeTracker,
} from '../../../../src/engine/attribution/processTree';
import type { ProcessScanMode } from '../../../../src/engine/attribution/processTreeScan';
import { FakeProc, type FakeProcess } from './fakeProc';

const ROOT = 100;

for (const scanMode of ['full-scan', 'children-file'] as ProcessScanMode[]) {
  describe(`createProcessTreeTracker on a fixture /proc (${scanMode})`, () => {
    let proc: FakeProc;
    let tracker: ProcessTreeTracker;
    beforeEach(() => {
      proc = new FakeProc();
      tracker = createProcessTreeTracker({ procRoot: proc.root, rootPid: ROOT, scanMode, pageSizeBytes: 4096 });
    });
    afterEach(() => proc.dispose());

    const sampleWith = async (processes: FakeProcess[]) => {
      proc.set(processes);
      return tracker.sample();
    };

    it('finds the root and all descendants, not the rest of the machine, and sums their RSS', async () => {
      const sample = await sampleWith([
        { pid: 1, ppid: 0, utime: 9999, rssPages: 5000 },
        { pid: ROOT, ppid: 1, utime: 10, stime: 5, cutime: 7, rssPages: 100 },
        { pid: 101, ppid: ROOT, comm: 'my (busy) worker', utime: 40, rssPages: 200 },
        { pid: 102, ppid: 101, utime: 3, stime: 2, rssPages: 50 },
        { pid: 200, ppid: 1, utime: 777, rssPages: 999 },
      ]);
      assert.deepEqual([...sample.pids].sort((a, b) => a - b), [ROOT, 101, 102]);
      assert.equal(sample.pids[0], ROOT);
      assert.equal(sample.cpuTicks, 15 + 7 + 40 + 5);
      assert.equal(sample.residentBytes, (100 + 200 + 50) * 4096);
      assert.equal(sample.rootAlive, true);
    });

    it('counts a reaped child once: its time moves from its own fields to the parent cutime', async () => {
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10 }, { pid: 101, ppid: ROOT, utime: 50 }]);
      // The child ran 20 more ticks after the sample, then the root reaped it.
      const after = await sampleWith([{ pid: ROOT, ppid: 1, utime: 10, cutime: 70 }]);
      assert.equal(after.cpuTicks, 80);
    });

    it('does not double count when the scan sees the child gone before the parent cutime grows', async () => {
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10 }, { pid: 101, ppid: ROOT, utime: 50 }]);
      const racing = await sampleWith([{ pid: ROOT, ppid: 1, utime: 10 }]);
      assert.equal(racing.cpuTicks, 60, 'the child stays counted while the parent has not reported it');
      const settled = await sampleWith([{ pid: ROOT, ppid: 1, utime: 12, cutime: 70 }]);
      assert.equal(settled.cpuTicks, 82);
    });

    it('keeps the time of a child whose parent never reports it (SIGCHLD ignored)', async () => {
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10 }, { pid: 101, ppid: ROOT, utime: 50 }]);
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10 }]);
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10 }]);
      // The debt became escaped time; a later short-lived child's cutime is new time, not a repayment.
      const later = await sampleWith([{ pid: ROOT, ppid: 1, utime: 10, cutime: 5 }]);
      assert.equal(later.cpuTicks, 65);
    });

    it('follows orphans whose parent exited early and keeps their time after init reaps them', async () => {
      await sampleWith([
        { pid: ROOT, ppid: 1, utime: 10 },
        { pid: 101, ppid: ROOT, utime: 5 },
        { pid: 102, ppid: 101, utime: 20, startTime: 1001 },
        { pid: 103, ppid: 101, utime: 30, startTime: 1001 },
      ]);
      // 101 exited and was reaped by the root; its children were reparented to init.
      const orphaned = await sampleWith([
        { pid: ROOT, ppid: 1, utime: 10, cutime: 6 },
        { pid: 102, ppid: 1, utime: 60, startTime: 1001 },
        { pid: 103, ppid: 1, utime: 70, startTime: 1001 },
      ]);
      assert.deepEqual([...orphaned.pids].sort(), [ROOT, 102, 103]);
      assert.equal(orphaned.cpuTicks, 10 + 6 + 60 + 70);
      // Init reaped both orphans: nothing in the tree will ever report them again.
      const gone = await sampleWith([{ pid: ROOT, ppid: 1, utime: 11, cutime: 6 }]);
      assert.equal(gone.cpuTicks, 11 + 6 + 60 + 70);
    });

    it('does not count an orphan twice when it vanishes in the same interval as the parent that reaped it', async () => {
      await sampleWith([
        { pid: ROOT, ppid: 1, utime: 10 },
        { pid: 101, ppid: ROOT, utime: 5 },
        { pid: 102, ppid: 101, utime: 20, startTime: 1001 },
      ]);
      // 101 waited for 102 (20 → 25 ticks), then exited and was reaped by the root: 5 + 25.
      const after = await sampleWith([{ pid: ROOT, ppid: 1, utime: 10, cutime: 30 }]);
      assert.equal(after.cpuTicks, 40);
    });

    it('ignores a process that reuses the pid of an exited member', async () => {
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10, startTime: 500 }, { pid: 101, ppid: ROOT, utime: 50, startTime: 600 }]);
      const reused = await sampleWith([
        { pid: ROOT, ppid: 1, utime: 10, cutime: 55, startTime: 500 },
        { pid: 101, ppid: 1, utime: 9000, startTime: 900, rssPages: 1 },
      ]);
      assert.deepEqual(reused.pids, [ROOT]);
      assert.equal(reused.cpuTicks, 65);
      assert.equal(reused.residentBytes, 0);
    });

    it('does not adopt the new root when the root pid is reused after the root exited', async () => {
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10, startTime: 500 }]);
      await sampleWith([]);
      const reused = await sampleWith([{ pid: ROOT, ppid: 1, utime: 5000, startTime: 9000 }]);
      assert.equal(reused.rootAlive, false);
      assert.deepEqual(reused.pids, []);
      assert.equal(reused.cpuTicks, 10);
    });

    it('reports a zombie root as not alive but keeps counting it', async () => {
      const sample = await sampleWith([{ pid: ROOT, ppid: 1, state: 'Z', utime: 10, cutime: 20 }]);
      assert.equal(sample.rootAlive, false);
      assert.equal(sample.cpuTicks, 30);
    });

    it('replaces the root last-known total with the kernel final total on finish, and only grows', async () => {
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10, cutime: 40 }]);
      proc.set([]);
      assert.equal((await tracker.finish(63)).cpuTicks, 63);
      // A smaller final figure (another child of ours was not counted, rounding) cannot shrink the total.
      const other = createProcessTreeTracker({ procRoot: proc.root, rootPid: ROOT, scanMode });
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10, cutime: 40 }]);
      await other.sample();
      proc.set([]);
      assert.equal((await other.finish(45)).cpuTicks, 50);
    });

    it('takes the kernel final total of a root that ended before the first sample', async () => {
      const sample = await sampleWith([{ pid: 4242, ppid: 1, utime: 70 }]);
      assert.deepEqual(sample.pids, []);
      assert.equal((await tracker.finish(12)).cpuTicks, 12);
    });

    it('ignores a final total while the root is still alive', async () => {
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10 }]);
      assert.equal((await tracker.finish(500)).cpuTicks, 10);
    });

    it('never decreases, even when a member cutime reads lower', async () => {
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10, cutime: 40 }]);
      const lower = await sampleWith([{ pid: ROOT, ppid: 1, utime: 10, cutime: 30 }]);
      assert.equal(lower.cpuTicks, 50);
    });

    it('reports an absent root as not alive with no time', async () => {
      const sample = await sampleWith([{ pid: 1, ppid: 0, utime: 5 }]);
      assert.deepEqual(sample, { cpuTicks: 0, residentBytes: 0, pids: [], rootAlive: false });
    });
  });
}

describe('createProcessTreeTracker children files', () => {
  let proc: FakeProc;
  beforeEach(() => { proc = new FakeProc(); });
  afterEach(() => proc.dispose());

  it('follows children forked by every thread of a multi-threaded parent', async () => {
    proc.set([
      { pid: ROOT, ppid: 1, utime: 1, threads: [ROOT, 150, 151], childrenByThread: { 150: [101], 151: [102] } },
      { pid: 101, ppid: ROOT, utime: 10 },
      { pid: 102, ppid: ROOT, utime: 20 },
    ]);
    const tracker = createProcessTreeTracker({ procRoot: proc.root, rootPid: ROOT, scanMode: 'children-file' });
    const sample = await tracker.sample();
    assert.deepEqual([...sample.pids].sort(), [ROOT, 101, 102]);
    assert.equal(sample.cpuTicks, 31);
  });

  it('skips a listed child whose stat names another parent (pid reused since the list was read)', async () => {
    proc.set([
      { pid: ROOT, ppid: 1, childrenByThread: { [ROOT]: [101] } },
      { pid: 101, ppid: 7, utime: 10 },
    ]);
    const tracker = createProcessTreeTracker({ procRoot: proc.root, rootPid: ROOT, scanMode: 'children-file' });
    assert.deepEqual((await tracker.sample()).pids, [ROOT]);
  });

  it('picks children files in auto mode when the root has them, else the full scan, and no scan for a root already gone', async () => {
    proc.set([{ pid: ROOT, ppid: 1 }]);
    const withFiles = createProcessTreeTracker({ procRoot: proc.root, rootPid: ROOT });
    await withFiles.sample();
    assert.equal(withFiles.scanMode, 'children-file');
    rmSync(join(proc.root, String(ROOT), 'task'), { recursive: true });
    const withoutFiles = createProcessTreeTracker({ procRoot: proc.root, rootPid: ROOT });
    assert.deepEqual((await withoutFiles.sample()).pids, [ROOT]);
    assert.equal(withoutFiles.scanMode, 'full-scan');
    const missingRoot = createProcessTreeTracker({ procRoot: proc.root, rootPid: 999 });
    assert.deepEqual((await missingRoot.sample()).pids, []);
    assert.equal(missingRoot.scanMode, undefined);
  });
});

for (const scanMode of ['full-scan', 'children-file'] as ProcessScanMode[]) {
  describe(`createProcessTreeTracker reads of members that did not run (${scanMode})`, () => {
    let proc: FakeProc;
    let tracker: ProcessTreeTracker;
    beforeEach(() => {
      proc = new FakeProc();
      tracker = createProcessTreeTracker({ procRoot: proc.root, rootPid: ROOT, scanMode, pageSizeBytes: 4096 });
    });
    afterEach(() => {
      tracker.dispose();
      proc.dispose();
    });

    const sampleWith = async (processes: FakeProcess[]) => {
      proc.set(processes);
      return tracker.sample();
    };

    it('keeps the last stat while schedstat is still, and refreshes it (rss) at the periodic full read', async () => {
      await sampleWith([{ pid: ROOT, ppid: 1, rssPages: 100, schedstat: '5 0 1\n' }]);
      await tracker.sample();
      // Reclaim shrank the resident set of a process that never ran: only the full read sees it.
      const stale = await sampleWith([{ pid: ROOT, ppid: 1, rssPages: 40, schedstat: '5 0 1\n' }]);
      assert.equal(stale.residentBytes, 100 * 4096);
      let sample = stale;
      for (let i = 0; i < FULL_READ_EVERY_SAMPLES && sample.residentBytes !== 40 * 4096; i++) sample = await tracker.sample();
      assert.equal(sample.residentBytes, 40 * 4096);
    });

    it('reads a member fully when its schedstat moved', async () => {
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10 }]);
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10 }]);
      assert.equal((await sampleWith([{ pid: ROOT, ppid: 1, utime: 25 }])).cpuTicks, 25);
    });

    it('sees the new ppid of an orphan adopted by a subreaper member, though the orphan did not run', async () => {
      await sampleWith([
        { pid: ROOT, ppid: 1, utime: 10 },
        { pid: 101, ppid: ROOT, utime: 5 },
        { pid: 102, ppid: 101, utime: 20, startTime: 1001, schedstat: '7 0 3\n' },
      ]);
      await sampleWith([
        { pid: ROOT, ppid: 1, utime: 10 },
        { pid: 101, ppid: ROOT, utime: 5 },
        { pid: 102, ppid: 101, utime: 20, startTime: 1001, schedstat: '7 0 3\n' },
      ]);
      // 101 exited and the root (a subreaper) reaped it and adopted 102, which slept throughout.
      await sampleWith([
        { pid: ROOT, ppid: 1, utime: 10, cutime: 5 },
        { pid: 102, ppid: ROOT, utime: 20, startTime: 1001, schedstat: '7 0 3\n' },
      ]);
      // The root reaped 102: its 20 ticks are a debt repaid by the root's cutime, not new time.
      const after = await sampleWith([{ pid: ROOT, ppid: 1, utime: 10, cutime: 25 }]);
      assert.equal(after.cpuTicks, 35);
    });

    if (scanMode === 'children-file') {
      it('keeps the descriptor of a children file only for a member that runs, whose children file is read each sample', async () => {
        const openFds = () => readdirSync('/proc/self/fd').length;
        const before = openFds();
        const quiet: FakeProcess[] = [{ pid: ROOT, ppid: 1 }, { pid: 101, ppid: ROOT }, { pid: 102, ppid: ROOT }];
        await sampleWith(quiet);
        await tracker.sample();
        // schedstat and stat of each of the three members.
        assert.equal(openFds() - before, 6);
        await sampleWith([{ pid: ROOT, ppid: 1 }, { pid: 101, ppid: ROOT, utime: 5 }, { pid: 102, ppid: ROOT }]);
        assert.equal(openFds() - before, 7);
      });
    }

    it('closes its /proc descriptors on dispose and on finish', async () => {
      const openFds = () => readdirSync('/proc/self/fd').length;
      const before = openFds();
      await sampleWith([{ pid: ROOT, ppid: 1 }, { pid: 101, ppid: ROOT }, { pid: 102, ppid: ROOT }]);
      await tracker.sample();
      assert.ok(openFds() > before, 'members keep descriptors open between samples');
      tracker.dispose();
      assert.equal(openFds(), before);
      await tracker.sample();
      await tracker.finish();
      assert.equal(openFds(), before);
    });
  });
}

describe('createProcessTreeTracker full scan of known processes', () => {
  let proc: FakeProc;
  let tracker: ProcessTreeTracker;
  beforeEach(() => {
    proc = new FakeProc();
    tracker = createProcessTreeTracker({ procRoot: proc.root, rootPid: ROOT, scanMode: 'full-scan' });
  });
  afterEach(() => {
    tracker.dispose();
    proc.dispose();
  });

  it('does not re-read a pid known not to be a member while it stays listed', async () => {
    proc.set([{ pid: ROOT, ppid: 1 }, { pid: 200, ppid: 1, utime: 5 }]);
    await tracker.sample();
    // Impossible in a real kernel (a non-member is never reparented into the tree): shows it is skipped.
    proc.set([{ pid: ROOT, ppid: 1 }, { pid: 200, ppid: ROOT, utime: 5 }]);
    assert.deepEqual((await tracker.sample()).pids, [ROOT]);
  });

  it('reads a pid again once it was absent from a listing (reused by a new child)', async () => {
    proc.set([{ pid: ROOT, ppid: 1 }, { pid: 200, ppid: 1, utime: 5 }]);
    await tracker.sample();
    proc.set([{ pid: ROOT, ppid: 1 }]);
    await tracker.sample();
    proc.set([{ pid: ROOT, ppid: 1 }, { pid: 200, ppid: ROOT, utime: 7, startTime: 2000 }]);
    const sample = await tracker.sample();
    assert.deepEqual(sample.pids, [ROOT, 200]);
    assert.equal(sample.cpuTicks, 7);
  });
});

/** Counts the schedstat reads of each pid through every ProcFileReader until `restore`. */
function countSchedstatReads(): { of(pid: number): number; reset(): void; restore(): void } {
  const counts = new Map<number, number>();
  const original = ProcFileReader.prototype.read;
  ProcFileReader.prototype.read = function (this: ProcFileReader, pid: number, name: string, options: ProcReadOptions) {
    if (name === 'schedstat') counts.set(pid, (counts.get(pid) ?? 0) + 1);
    return original.call(this, pid, name, options);
  };
  return {
    of: (pid) => counts.get(pid) ?? 0,
    reset: () => counts.clear(),
    restore: () => { ProcFileReader.prototype.read = original; },
  };
}

// After this many samples an idle member is read only every MAX_IDLE_READ_PERIOD_SAMPLES-th (it was read at
// samples 1, 2, 3, 4, 6 and 10), and the next periodic full read (sample FULL_READ_EVERY_SAMPLES) is far off.
const BACKED_OFF_AT_SAMPLE = 12;

for (const scanMode of ['full-scan', 'children-file'] as ProcessScanMode[]) {
  describe(`createProcessTreeTracker idle backoff (${scanMode})`, () => {
    let proc: FakeProc;
    let tracker: ProcessTreeTracker;
    let reads: ReturnType<typeof countSchedstatReads>;
    beforeEach(() => {
      proc = new FakeProc();
      tracker = createProcessTreeTracker({ procRoot: proc.root, rootPid: ROOT, scanMode, pageSizeBytes: 4096 });
      reads = countSchedstatReads();
    });
    afterEach(() => {
      reads.restore();
      tracker.dispose();
      proc.dispose();
    });

    const sampleWith = async (processes: FakeProcess[]) => {
      proc.set(processes);
      return tracker.sample();
    };
    // Samples taken by `sampleUntil` (and by hand where a test says so); sample 0 is a periodic full read.
    let taken = 0;
    beforeEach(() => { taken = 0; });
    /** Samples until `count` samples were taken; returns the last one. */
    const sampleUntil = async (count: number): Promise<ProcessTreeSample> => {
      let sample = await tracker.sample();
      for (taken++; taken < count; taken++) sample = await tracker.sample();
      return sample;
    };
    /** How many samples passed before one satisfied `seen` (2 × MAX_IDLE_READ_PERIOD_SAMPLES when none did). */
    const samplesLate = async (seen: (sample: ProcessTreeSample) => boolean): Promise<number> => {
      let late = 0;
      while (late < 2 * MAX_IDLE_READ_PERIOD_SAMPLES && !seen(await tracker.sample())) late++;
      return late;
    };
    const idleTree: FakeProcess[] = [
      { pid: ROOT, ppid: 1, utime: 10 },
      { pid: 101, ppid: ROOT, utime: 50 },
      { pid: 102, ppid: ROOT, utime: 5, threads: [102, 1021] },
      { pid: 103, ppid: ROOT, utime: 7 },
    ];

    it('reads an idle member ever less often, down to every MAX_IDLE_READ_PERIOD_SAMPLES-th sample, but the root and a multi-threaded member at every sample', async () => {
      proc.set(idleTree);
      // The window stops short of the periodic full read, which reads every member.
      const window = 2 * MAX_IDLE_READ_PERIOD_SAMPLES;
      await sampleUntil(FULL_READ_EVERY_SAMPLES - window);
      reads.reset();
      for (let i = 0; i < window; i++) await tracker.sample();
      assert.equal(reads.of(101), window / MAX_IDLE_READ_PERIOD_SAMPLES);
      assert.equal(reads.of(103), window / MAX_IDLE_READ_PERIOD_SAMPLES);
      assert.equal(reads.of(ROOT), window);
      assert.equal(reads.of(102), window);
    });

    it('counts an idle member that runs again at most MAX_IDLE_READ_PERIOD_SAMPLES − 1 samples late, then reads it at every sample', async () => {
      proc.set(idleTree);
      await sampleUntil(BACKED_OFF_AT_SAMPLE);
      proc.set(idleTree.map((process) => (process.pid === 101 ? { ...process, utime: 80 } : process)));
      const late = await samplesLate((sample) => sample.cpuTicks === 10 + 80 + 5 + 7);
      assert.ok(late <= MAX_IDLE_READ_PERIOD_SAMPLES - 1, `seen ${late} samples late`);
      reads.reset();
      const running = idleTree.map((process) => (process.pid === 101 ? { ...process, utime: 81 } : process));
      assert.equal((await sampleWith(running)).cpuTicks, 10 + 81 + 5 + 7);
      assert.equal(reads.of(101), 1);
    });

    it('counts once a child in backoff that exits and is reaped by its parent, which ran', async () => {
      proc.set(idleTree);
      await sampleUntil(BACKED_OFF_AT_SAMPLE);
      // 101 ran 20 more ticks and exited; the root woke up to reap it.
      const reaped = await sampleWith([{ pid: ROOT, ppid: 1, utime: 10, cutime: 70 }, idleTree[2]!, idleTree[3]!]);
      assert.deepEqual([...reaped.pids].sort(), [ROOT, 102, 103]);
      assert.equal(reaped.cpuTicks, 10 + 70 + 5 + 7);
      for (let i = 0; i < MAX_IDLE_READ_PERIOD_SAMPLES; i++) assert.equal((await tracker.sample()).cpuTicks, 10 + 70 + 5 + 7);
    });

    it('counts once a child in backoff that is reaped by its parent while a new child takes its pid', async () => {
      proc.set(idleTree);
      await sampleUntil(BACKED_OFF_AT_SAMPLE);
      proc.set([{ pid: ROOT, ppid: 1, utime: 10, cutime: 70 }, idleTree[2]!, idleTree[3]!]);
      const reused = await sampleWith([
        { pid: ROOT, ppid: 1, utime: 10, cutime: 70 },
        { pid: 101, ppid: ROOT, utime: 3, startTime: 2000 },
        idleTree[2]!, idleTree[3]!,
      ]);
      assert.deepEqual([...reused.pids].sort(), [ROOT, 101, 102, 103]);
      assert.equal(reused.cpuTicks, 10 + 70 + 3 + 5 + 7);
    });

    it('counts once a child in backoff reaped by another thread of its parent, whose main thread did not run', async () => {
      // A multi-threaded parent's schedstat is its main thread's: its reaped time shows the reap instead.
      const parent = { pid: ROOT, ppid: 1, utime: 10, threads: [ROOT, 150], schedstat: '5 0 1\n' };
      proc.set([parent, idleTree[1]!, idleTree[3]!]);
      await sampleUntil(BACKED_OFF_AT_SAMPLE);
      const reaped = await sampleWith([{ ...parent, cutime: 70 }, idleTree[3]!]);
      assert.deepEqual([...reaped.pids].sort(), [ROOT, 103]);
      assert.equal(reaped.cpuTicks, 10 + 70 + 7);
    });

    it('reads every member in finish(), so the totals take the members in backoff at their latest', async () => {
      proc.set(idleTree);
      await sampleUntil(BACKED_OFF_AT_SAMPLE);
      // Two idle members ran, and their parent did not: a backoff sample would not read them.
      proc.set(idleTree.map((process) => (process.pid === 101 || process.pid === 103 ? { ...process, stime: 9 } : process)));
      assert.equal((await tracker.finish()).cpuTicks, 10 + 59 + 5 + 16);
    });

    it('never skips an orphan, whose parent outside the tree would report nothing of its time', async () => {
      const orphan = { pid: 102, ppid: 1, utime: 20, startTime: 1001 };
      await sampleWith([{ pid: ROOT, ppid: 1, utime: 10 }, { pid: 101, ppid: ROOT, utime: 5 }, { ...orphan, ppid: 101 }]);
      // 101 exited and the root reaped it; 102 was reparented to init, outside the tree.
      const adopted = [{ pid: ROOT, ppid: 1, utime: 10, cutime: 5 }, orphan];
      await sampleWith(adopted);
      taken = 2;
      await sampleUntil(BACKED_OFF_AT_SAMPLE);
      reads.reset();
      for (let i = 0; i < MAX_IDLE_READ_PERIOD_SAMPLES; i++) await tracker.sample();
      assert.equal(reads.of(102), MAX_IDLE_READ_PERIOD_SAMPLES);
      // It ran for one interval, then exited and init reaped it: the sample in between holds its time.
      await sampleWith([adopted[0]!, { ...orphan, utime: 60 }]);
      assert.equal((await sampleWith([adopted[0]!])).cpuTicks, 10 + 5 + 60);
    });

    it('reads the member that holds a debt at the next sample, even in backoff', async () => {
      // 102 has several threads, so it is read at every sample and its exit is seen at once.
      const grandchild = { pid: 102, ppid: 101, utime: 20, startTime: 1001, threads: [102, 1021] };
      proc.set([{ pid: ROOT, ppid: 1 }, { pid: 101, ppid: ROOT, utime: 5 }, grandchild]);
      await sampleUntil(BACKED_OFF_AT_SAMPLE);
      // 102 is gone, but the scan read 101 before it reaped 102: 102's total is a debt on 101.
      assert.equal((await sampleWith([{ pid: ROOT, ppid: 1 }, { pid: 101, ppid: ROOT, utime: 5 }])).cpuTicks, 25);
      // 101's reaped time now holds 102 and its last 2 ticks: 2 new ticks, and the debt is repaid.
      const repaid = await sampleWith([{ pid: ROOT, ppid: 1 }, { pid: 101, ppid: ROOT, utime: 5, cutime: 22 }]);
      assert.equal(repaid.cpuTicks, 27);
      for (let i = 0; i < MAX_IDLE_READ_PERIOD_SAMPLES; i++) assert.equal((await tracker.sample()).cpuTicks, 27);
    });

    it(scanMode === 'full-scan' ? 'finds a child forked by an idle member at once, from the listing' : 'finds a child forked by an idle member at most MAX_IDLE_READ_PERIOD_SAMPLES − 1 samples late', async () => {
      proc.set(idleTree);
      await sampleUntil(BACKED_OFF_AT_SAMPLE);
      proc.set([...idleTree.map((process) => (process.pid === 103 ? { ...process, utime: 8 } : process)), { pid: 104, ppid: 103, utime: 4, startTime: 1200 }]);
      const late = await samplesLate((sample) => sample.pids.includes(104));
      assert.ok(late <= (scanMode === 'full-scan' ? 0 : MAX_IDLE_READ_PERIOD_SAMPLES - 1), `found ${late} samples late`);
      // 103's own tick (it ran to fork) is counted by its own next read, which the listing does not hasten.
      assert.ok(await samplesLate((sample) => sample.cpuTicks === 10 + 50 + 5 + 8 + 4) <= MAX_IDLE_READ_PERIOD_SAMPLES - 1);
    });
  });
}

describe('createProcessTreeTracker with the idle backoff off', () => {
  it('reads every member at every sample', async () => {
    const proc = new FakeProc();
    const reads = countSchedstatReads();
    const tracker = createProcessTreeTracker({ procRoot: proc.root, rootPid: ROOT, scanMode: 'children-file', idleBackoff: false });
    try {
      proc.set([{ pid: ROOT, ppid: 1 }, { pid: 101, ppid: ROOT, utime: 5 }]);
      for (let i = 0; i < BACKED_OFF_AT_SAMPLE; i++) await tracker.sample();
      reads.reset();
      for (let i = 0; i < MAX_IDLE_READ_PERIOD_SAMPLES; i++) await tracker.sample();
      assert.equal(reads.of(101), MAX_IDLE_READ_PERIOD_SAMPLES);
    } finally {
      reads.restore();
      tracker.dispose();
      proc.dispose();
    }
  });
});
