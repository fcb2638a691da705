import '../useFakeVscode';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RunTracker } from '../../../../src/extension/tracking/runTracker';
import { DEFAULT_SETTINGS } from '../../../../src/extension/settings/parseSettings';
import { parseEmissionsCsv } from '../../../../src/engine/reports/csvReport';
import { startAdvancingRapl } from '../../../fixtures/advancingRapl';
import { journalSampleLines, killGroup, spawnTs, waitFor } from '../../../fixtures/crash/childProcesses';

const INTERVAL_MS = 200;
const EXTENSION_HOST = resolve(__dirname, '../../../fixtures/crash/extensionHostProcess.ts');

describe('extension host killed with SIGKILL while a run is tracked', () => {
  let storageDir: string;
  beforeEach(() => {
    storageDir = mkdtempSync(join(tmpdir(), 'host-crash-'));
  });
  afterEach(() => rmSync(storageDir, { recursive: true, force: true }));

  it('has its run recovered as interrupted by the next activation\'s store, up to the last sample', async () => {
    const rapl = await startAdvancingRapl({ packageWatts: 40, dramWatts: 4 });
    const runs = join(storageDir, 'runs');
    let killedAtMs: number;
    let journal: ReturnType<typeof journalSampleLines>;
    try {
      const host = spawnTs(EXTENSION_HOST, [storageDir, rapl.sysfs.sysfsRoot, String(INTERVAL_MS)]);
      try {
        await waitFor(() => journalSampleLines(runs).length >= 3, `3 journal samples (stderr: ${host.stderr()})`);
        await new Promise((resolveWait) => setTimeout(resolveWait, INTERVAL_MS * 0.75));
      } finally {
        killedAtMs = Date.now();
        await killGroup(host);
      }
      journal = journalSampleLines(runs);
    } finally {
      await rapl.stop();
    }

    // What extension.ts does after activation: the tracker's engine recovers what a crashed window left.
    const warnings: string[] = [];
    const tracker = new RunTracker({ ...DEFAULT_SETTINGS, country: 'FR' }, {
      dataDir: resolve(__dirname, '../../../../data'), defaultStorageDir: storageDir, sysfsRoot: '/nonexistent', procRoot: '/proc',
      env: {}, workspaceDir: () => undefined, showWarning: (message) => warnings.push(message),
    });
    try {
      const store = tracker.currentEngine().store;
      const report = await store.recoverInterrupted();
      assert.equal(report.recovered.length, 1);
      const [recovered] = report.recovered;
      const record = await store.readRun(recovered?.id ?? '');
      const last = journal[journal.length - 1];
      assert.ok(last);
      assert.equal(record.status, 'interrupted');
      assert.equal(record.experimentName, 'crash');
      assert.equal(record.samples.length, journal.length);
      assert.equal(record.endedAtMs, last.sample.timestampMs);
      assert.equal(record.emissionsKg, last.totals.emissionsKg);
      assert.ok(record.emissionsKg > 0);
      const lostMs = killedAtMs - record.endedAtMs;
      // On a loaded machine the sampler's timer itself runs late; the journal's own intervals show by how much.
    const longestIntervalMs = Math.max(INTERVAL_MS, ...record.samples.map((sample) => sample.intervalMs));
    assert.ok(lostMs >= 0 && lostMs <= longestIntervalMs + 200, `${lostMs} ms between the last sample and the kill (longest interval ${longestIntervalMs} ms)`);
      assert.deepEqual(parseEmissionsCsv(readFileSync(join(storageDir, 'emissions.csv'), 'utf8')).rows.map((row) => row.run_id), [record.id]);
      assert.deepEqual(readdirSync(runs), [`${record.id}.json`]);
      assert.deepEqual(warnings, []);
    } finally {
      tracker.dispose();
    }
  });
});
