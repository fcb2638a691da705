import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEmissionsCsv } from '../../../src/engine/reports/csvReport';
import type { RunRecord } from '../../../src/engine/reports/runRecord';
import { JOULES_PER_KWH } from '../../../src/engine/units';
import { startAdvancingRapl } from '../../fixtures/advancingRapl';
import { CLI_MAIN, journalSampleLines, killGroup, runTs, spawnTs, waitFor } from '../../fixtures/crash/childProcesses';

const INTERVAL_MS = 200;

describe('carbon-meter CLI killed with SIGKILL mid-run', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'cli-crash-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('is recovered by the next start as interrupted, with energy and CO2e up to its last sample', async () => {
    const rapl = await startAdvancingRapl({ packageWatts: 40, dramWatts: 4 });
    const out = join(cwd, 'store');
    const runs = join(out, 'runs');
    let killedAtMs: number;
    let journal: ReturnType<typeof journalSampleLines>;
    try {
      const cli = spawnTs(CLI_MAIN, ['run', '--country', 'FR', '--tracking-mode', 'machine', '--interval-ms', String(INTERVAL_MS),
        '--out', out, '--sysfs-root', rapl.sysfs.sysfsRoot, '--nvidia-smi', join(cwd, 'no-nvidia-smi'), '--', 'sleep', '30'], { cwd });
      try {
        await waitFor(() => journalSampleLines(runs).length >= 3, `3 journal samples (stderr: ${cli.stderr()})`);
        // Kill between two samples, not just after one: the worst case loses almost a whole interval.
        await new Promise((resolveWait) => setTimeout(resolveWait, INTERVAL_MS * 0.75));
      } finally {
        killedAtMs = Date.now();
        await killGroup(cli);
      }
      journal = journalSampleLines(runs);
    } finally {
      await rapl.stop();
    }

    const next = await runTs(CLI_MAIN, ['report', out, '--format', 'json'], { cwd });
    assert.equal(next.code, 0, next.stderr);
    const record = JSON.parse(next.stdout) as RunRecord;
    assert.match(next.stderr, new RegExp(`recovered interrupted run ${record.id}: .* up to its last sample \\(${journal.length} samples\\)`));
    assert.equal(record.status, 'interrupted');
    assert.equal(record.exitCode, undefined);
    assert.equal(record.samples.length, journal.length);
    const last = journal[journal.length - 1];
    assert.ok(last);
    // Everything the journal held at the kill is in the record.
    assert.equal(record.endedAtMs, last.sample.timestampMs);
    assert.equal(record.emissionsKg, last.totals.emissionsKg);
    assert.equal(record.energyKWh, last.totals.machineEnergyKWh.cpu + last.totals.machineEnergyKWh.gpu + last.totals.machineEnergyKWh.ram);
    assert.equal(record.durationSeconds, last.totals.durationMs / 1000);
    // At most one sampling interval lost (plus the scheduling slack of a loaded 2-core machine).
    const lostMs = killedAtMs - record.endedAtMs;
    // On a loaded machine the sampler's timer itself runs late; the journal's own intervals show by how much.
    const longestIntervalMs = Math.max(INTERVAL_MS, ...record.samples.map((sample) => sample.intervalMs));
    assert.ok(lostMs >= 0 && lostMs <= longestIntervalMs + 200, `${lostMs} ms between the last sample and the kill (longest interval ${longestIntervalMs} ms)`);
    const cpuWatts = (record.machineEnergyKWh.cpu * JOULES_PER_KWH) / record.durationSeconds;
    assert.ok(Math.abs(cpuWatts - 40) < 40 * 0.05, `${cpuWatts} W from a 40 W package`);

    const csv = parseEmissionsCsv(readFileSync(join(out, 'emissions.csv'), 'utf8'));
    assert.deepEqual(csv.rows.map((row) => row.run_id), [record.id]);
    assert.deepEqual(readdirSync(runs), [`${record.id}.json`]);

    const again = await runTs(CLI_MAIN, ['report', out, '--format', 'json'], { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /recovered/, 'recovered once only');
    assert.equal(parseEmissionsCsv(readFileSync(join(out, 'emissions.csv'), 'utf8')).rows.length, 1);
  });
});
