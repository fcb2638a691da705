import '../useFakeVscode';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RunTracker } from '../../../../src/extension/tracking/runTracker';
import { DEFAULT_SETTINGS } from '../../../../src/extension/settings/parseSettings';

describe('run tracker when its storage fails', () => {
  let storageDir: string;
  beforeEach(() => {
    storageDir = mkdtempSync(join(tmpdir(), 'tracker-storage-'));
  });
  afterEach(() => rmSync(storageDir, { recursive: true, force: true }));

  it('warns once with the path and the setting to change, keeps the run, and writes it once storage is back', async () => {
    writeFileSync(join(storageDir, 'runs'), 'a file where the runs folder should be');
    const warnings: string[] = [];
    const tracker = new RunTracker({ ...DEFAULT_SETTINGS, country: 'FR', trackingMode: 'machine', samplingIntervalMs: 100 }, {
      dataDir: resolve(__dirname, '../../../../data'), defaultStorageDir: storageDir, sysfsRoot: '/nonexistent', procRoot: '/proc',
      env: {}, workspaceDir: () => undefined, showWarning: (message) => warnings.push(message),
    });
    try {
      const run = await tracker.start({ origin: 'task', command: 'npm test', experimentName: 'test', rootPid: process.pid });
      assert.ok(run);
      await new Promise((resolveWait) => setTimeout(resolveWait, 350));
      const record = await tracker.finish(run.id, { exitCode: 0, status: 'finished' });
      assert.equal(record?.status, 'finished');
      assert.equal(warnings.length, 2, warnings.join('\n'));
      assert.match(warnings[0] ?? '', new RegExp(`^could not write ${join(storageDir, 'runs').replace(/[/.]/g, '\\$&')}/${run.id}\\.partial\\.jsonl: the folder was removed or a file is in its place`));
      assert.match(warnings[0] ?? '', /is kept in memory and written as soon as storage is back; .*choose another folder with the carbonMeter\.storageLocation setting\.$/);
      assert.match(warnings[1] ?? '', new RegExp(`could not write .*/${run.id}\\.json: `), 'the final record failed too, said once');

      const store = tracker.currentEngine().store;
      assert.equal((await store.readRun(run.id)).id, run.id, 'kept in memory, readable by the panel');
      unlinkSync(join(storageDir, 'runs'));
      assert.equal(await store.flush(), true);
      assert.deepEqual(readdirSync(join(storageDir, 'runs')), [`${run.id}.json`]);
    } finally {
      tracker.dispose();
    }
  });
});
