import * as assert from 'node:assert/strict';
import * as fsPromises from 'node:fs/promises';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunStore, StoreWriteFailure } from '../../../../src/engine/runStore';
import { flushWhileFailing } from '../../../../src/engine/storage/flushWhileFailing';
import { describeStoreFailure } from '../../../../src/engine/storage/storeFailureMessage';
import type { StoreFileSystem } from '../../../../src/engine/storage/storeFileSystem';
import { buildNthSample, buildRunHeader, buildRunRecord, buildTotalsSoFar } from '../../../fixtures/buildRun';

/** A file system that fails every write with `code` while `broken` is set, as a full or read-only disk does. */
function failingFileSystem(code: 'ENOSPC' | 'EROFS'): StoreFileSystem & { broken: boolean } {
  const text = code === 'ENOSPC' ? 'no space left on device' : 'read-only file system';
  const state = { broken: true };
  const fail = (path: unknown): never => {
    throw Object.assign(new Error(`${code}: ${text}, write '${String(path)}'`), { code });
  };
  return Object.assign(state, {
    ...fsPromises,
    appendFile: ((...args: Parameters<typeof fsPromises.appendFile>) => (state.broken ? fail(args[0]) : fsPromises.appendFile(...args))) as typeof fsPromises.appendFile,
    open: ((...args: Parameters<typeof fsPromises.open>) => (state.broken && args[1] !== 'r' ? fail(args[0]) : fsPromises.open(...args))) as typeof fsPromises.open,
  });
}

describe('store failure messages', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'carbon-store-fault-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  for (const [code, cause, fix] of [
    ['ENOSPC', 'the disk is full (ENOSPC)', 'free some space on it'],
    ['EROFS', 'the file system is read-only (EROFS)', 'remount it read-write'],
  ] as const) {
    it(`names the path, the cause and the fix on ${code}, keeps the run, and writes it and the next runs once storage is back`, async () => {
      const fileSystem = failingFileSystem(code);
      const store = createRunStore({ directory, fileSystem });
      const failures: StoreWriteFailure[] = [];
      store.onDidFail((failure) => failures.push(failure));
      const header = buildRunHeader({ id: 'full-disk' });
      await store.beginRun(header);
      for (let n = 1; n <= 3; n++) await store.appendSample(header.id, buildNthSample(n), buildTotalsSoFar(n));
      const finished = await store.finishRun(buildRunRecord({ id: header.id }));
      assert.equal(finished.persisted, false);
      assert.equal(await store.flush(), false);

      const [first] = failures;
      assert.ok(first);
      assert.equal(describeStoreFailure(first, '--out DIR'),
        `could not write ${join(directory, 'runs', 'full-disk.partial.jsonl')}: ${cause}. Run full-disk is kept in memory and written as soon as `
        + `storage is back; to fix it, ${fix}, or choose another folder with --out DIR.`);
      assert.deepEqual(failures.map((failure) => failure.operation), ['begin', 'finish'], 'one message per failing write, not one per retry');
      assert.equal((await store.readRun(header.id)).id, header.id, 'readable from memory meanwhile');

      fileSystem.broken = false;
      assert.equal(await store.flush(), true);
      assert.deepEqual(await readdir(join(directory, 'runs')), ['full-disk.json']);
      const next = buildRunRecord({ id: 'next-run' });
      await store.beginRun(buildRunHeader({ id: next.id }));
      assert.equal((await store.finishRun(next)).persisted, true);
      assert.deepEqual((await store.listRuns()).runs.map((run) => run.id).sort(), ['full-disk', 'next-run']);
      store.dispose();
    });
  }

  it('falls back to the error text for a code it has no advice for', () => {
    assert.equal(describeStoreFailure({ runId: 'r', code: 'EWEIRD', message: 'something odd', path: '/x/runs/r.json' }, 'the carbonMeter.storageLocation setting'),
      'could not write /x/runs/r.json: something odd. Run r is kept in memory and written as soon as storage is back; to fix it, choose another folder with the carbonMeter.storageLocation setting.');
  });
});

describe('flushWhileFailing', () => {
  it('retries after a failure until the store has nothing pending, then stops', async () => {
    let listener: ((value: unknown) => void) | undefined;
    let pendingFlushes = 3;
    let flushes = 0;
    let recovered = 0;
    const store = {
      onDidFail: (next: (value: unknown) => void) => {
        listener = next;
        return { dispose: () => { listener = undefined; } };
      },
      flush: async () => {
        flushes++;
        return --pendingFlushes <= 0;
      },
    };
    const retrying = flushWhileFailing(store, { intervalMs: 10, onDidRecover: () => recovered++ });
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    assert.equal(flushes, 0, 'nothing to do before a failure');
    listener?.({ code: 'ENOSPC' });
    await new Promise((resolveWait) => setTimeout(resolveWait, 120));
    assert.equal(flushes, 3);
    assert.equal(recovered, 1);
    retrying.dispose();
    assert.equal(listener, undefined);
  });
});
