import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseProcPidStat, readPageSizeBytes, readProcPidStat } from '../../../../src/engine/attribution/procPidStat';
import { FakeProc, formatStat } from './fakeProc';

describe('parseProcPidStat', () => {
  it('reads the fields after the last ")" when comm holds spaces and parentheses', () => {
    const text = formatStat({
      pid: 4242, ppid: 17, comm: 'we ird) (na me', state: 'R',
      utime: 120, stime: 30, cutime: 500, cstime: 45, startTime: 98_765, rssPages: 2048, threads: [4242, 4243, 4244],
    });
    const stat = parseProcPidStat(text);
    assert.equal(stat.pid, 4242);
    assert.equal(stat.comm, 'we ird) (na me');
    assert.equal(stat.state, 'R');
    assert.equal(stat.ppid, 17);
    assert.equal(stat.ownTicks, 150);
    assert.equal(stat.reapedChildrenTicks, 545);
    assert.equal(stat.threadCount, 3);
    assert.equal(stat.startTimeTicks, 98_765);
    assert.equal(stat.rssPages, 2048);
  });

  it('parses a line captured from a real kernel', () => {
    const real = '4298 (cat) R 4289 4289 2498 0 -1 4194304 100 0 0 0 3 1 7 2 20 0 1 0 509866 3133440 359 '
      + '18446744073709551615 94442352910336 94442352930217 140721694703728 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0';
    const stat = parseProcPidStat(real);
    assert.deepEqual(
      [stat.pid, stat.ppid, stat.ownTicks, stat.reapedChildrenTicks, stat.startTimeTicks, stat.rssPages],
      [4298, 4289, 4, 9, 509866, 359],
    );
  });

  it('rejects text without the parenthesised comm or with too few fields', () => {
    assert.throws(() => parseProcPidStat('4298 cat R 1 2 3'), /malformed/);
    assert.throws(() => parseProcPidStat('4298 (cat) R 1 2 3'), /malformed/);
  });
});

describe('readProcPidStat and readPageSizeBytes', () => {
  let proc: FakeProc;
  beforeEach(() => { proc = new FakeProc(); });
  afterEach(() => proc.dispose());

  it('gives undefined for a process that is gone or a stat file that is garbage', () => {
    proc.set([{ pid: 10, ppid: 1 }]);
    mkdirSync(`${proc.root}/11`);
    writeFileSync(`${proc.root}/11/stat`, 'garbage');
    assert.equal(readProcPidStat(proc.root, 10)?.pid, 10);
    assert.equal(readProcPidStat(proc.root, 11), undefined);
    assert.equal(readProcPidStat(proc.root, 12), undefined);
  });

  it('reads the page size from smaps and falls back to 4096', () => {
    proc.set([]);
    assert.equal(readPageSizeBytes(proc.root), 4096);
    mkdirSync(`${proc.root}/self`);
    writeFileSync(`${proc.root}/self/smaps`, '55d0-55d1 r--p 00000000 08:01 1 /bin/x\nSize: 64 kB\nKernelPageSize: 64 kB\n');
    assert.equal(readPageSizeBytes(proc.root), 65_536);
  });

  it('finds a power-of-two page size on this machine', () => {
    const bytes = readPageSizeBytes('/proc');
    assert.ok(bytes >= 4096 && (bytes & (bytes - 1)) === 0, String(bytes));
  });
});
