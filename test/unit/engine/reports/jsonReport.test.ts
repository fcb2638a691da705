import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatJsonReport } from '../../../../src/engine/reports/jsonReport';
import type { RunRecord } from '../../../../src/engine/reports/runRecord';
import { checkRunRecord } from '../../../../src/engine/storage/recordShape';
import { buildRunRecord, buildRunSample } from '../../../fixtures/buildRun';

/** Fixed epoch times, so the golden file does not depend on the test machine's time zone. */
function goldenRecord(): RunRecord {
  const startedAtMs = 1_710_496_800_000;
  return buildRunRecord({
    startedAtMs,
    endedAtMs: startedAtMs + 120_000,
    samples: [buildRunSample({ timestampMs: startedAtMs + 60_000 }), buildRunSample({ timestampMs: startedAtMs + 120_000, taskEnergyKWh: 0.0007, emissionsKg: 0.0000392 })],
  });
}

describe('JSON report', () => {
  it('matches the golden file byte for byte, samples included', () => {
    const golden = readFileSync(join(__dirname, '../../../fixtures/runs/finished-run.json'), 'utf8');
    assert.equal(formatJsonReport(goldenRecord()), golden);
  });

  it('gives the same bytes whatever order the record was built in', () => {
    const record = goldenRecord();
    const reversed = Object.fromEntries(Object.entries(record).reverse()) as unknown as RunRecord;
    assert.equal(formatJsonReport(reversed), formatJsonReport(record));
  });

  it('reads back as a valid run record', () => {
    const checked = checkRunRecord(JSON.parse(formatJsonReport(goldenRecord())));
    assert.ok('record' in checked);
    assert.equal(checked.record.samples.length, 2);
  });
});
