import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/cliIo';
import { main } from '../../../src/cli/main';
import { formatJsonReport } from '../../../src/engine/reports/jsonReport';
import { parseEmissionsCsv } from '../../../src/engine/reports/csvReport';
import type { RunRecord } from '../../../src/engine/reports/runRecord';
import { buildNthSample, buildRunHeader, buildRunRecord, buildTotalsSoFar } from '../../fixtures/buildRun';

/** Above any Linux pid_max, so never a live process. */
const DEAD_PID = 999_999_001;

describe('carbon-meter report over a damaged history', () => {
  let store: string;
  beforeEach(() => {
    store = mkdtempSync(join(tmpdir(), 'cli-corrupt-'));
  });
  afterEach(() => rmSync(store, { recursive: true, force: true }));

  it('skips and names each unreadable file, recovers a journal around its garbage lines, and reports the rest', async () => {
    const runs = join(store, 'runs');
    mkdirSync(runs);
    writeFileSync(join(runs, 'older.json'), formatJsonReport(buildRunRecord({ id: 'older', startedAtMs: 1_000 })));
    writeFileSync(join(runs, 'empty.json'), '');
    writeFileSync(join(runs, 'zeros.json'), Buffer.alloc(4096));
    writeFileSync(join(runs, 'torn.json'), formatJsonReport(buildRunRecord({ id: 'torn' })).slice(0, 300));
    const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
    const sample = (n: number): string => line({ kind: 'sample', sample: buildNthSample(n), totals: buildTotalsSoFar(n) });
    writeFileSync(join(runs, 'crashed.partial.jsonl'), line({ kind: 'header', writer: { pid: DEAD_PID, hostname: hostname() }, run: buildRunHeader({ id: 'crashed', startedAtMs: 2_000 }) })
      + sample(1) + '\u0000'.repeat(100) + '\n' + sample(2) + '{"kind":"sample","sam\n' + sample(3) + sample(4).slice(0, 50));
    writeFileSync(join(store, 'emissions.csv'), `${readFileSync(join(__dirname, '../../fixtures/runs/emissions-torn.csv'), 'utf8')}`);

    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { cwd: store, env: { PATH: process.env.PATH }, stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
    assert.equal(await main(['report', store, '--format', 'json'], io), 0, err.join(''));
    const record = JSON.parse(out.join('')) as RunRecord;
    assert.equal(record.id, 'crashed', 'the newest run, recovered');
    assert.equal(record.status, 'interrupted');
    assert.equal(record.samples.length, 3);
    assert.deepEqual(record.taskEnergyKWh, buildTotalsSoFar(3).taskEnergyKWh);
    const stderr = err.join('');
    assert.match(stderr, /recovered interrupted run crashed: .*\(3 samples, 3 unreadable lines skipped\)/);
    for (const name of ['empty.json', 'zeros.json', 'torn.json']) assert.match(stderr, new RegExp(`skipped unreadable run file .*${name.replace('.', '\\.')}: `));
    assert.deepEqual(readdirSync(runs).sort(), ['crashed.json', 'empty.json', 'older.json', 'torn.json', 'zeros.json'], 'damaged files are kept for a person to look at');

    // The recovered row went after the torn last line of emissions.csv, on a line of its own.
    const csv = parseEmissionsCsv(readFileSync(join(store, 'emissions.csv'), 'utf8'));
    assert.deepEqual(csv.rows.map((row) => row.run_id), ['fixture-1', 'fixture-2', 'crashed']);
    assert.equal(csv.skippedRows, 1);
  });
});
