import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEmissionsCsv } from '../../../../src/engine/reports/csvReport';
import { buildNthSample, buildRunHeader, buildTotalsSoFar } from '../../../fixtures/buildRun';
import { spawnTs, TsChild, waitFor } from '../../../fixtures/crash/childProcesses';

const WRITER = resolve(__dirname, '../../../fixtures/crash/storeWriterProcess.ts');
const WRITERS = 6;
const RUNS_PER_WRITER = 40;
const CRASHED_RUNS = 30;
/** Above any Linux pid_max, so never a live process. */
const DEAD_PID = 999_999_001;

describe('several processes writing one store and one emissions.csv at once', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'carbon-concurrent-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('loses, duplicates and interleaves nothing, and recovers each crashed run once', async function () {
    this.timeout(60_000);
    const runsDirectory = join(directory, 'runs');
    mkdirSync(runsDirectory);
    const crashed = Array.from({ length: CRASHED_RUNS }, (_, index) => `crashed-${index}`);
    for (const id of crashed) {
      const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
      writeFileSync(join(runsDirectory, `${id}.partial.jsonl`), line({ kind: 'header', writer: { pid: DEAD_PID, hostname: hostname() }, run: buildRunHeader({ id }) })
        + line({ kind: 'sample', sample: buildNthSample(1), totals: buildTotalsSoFar(1) }));
    }

    const writers: TsChild[] = Array.from({ length: WRITERS }, (_, index) => spawnTs(WRITER, [directory, `w${index}`, String(RUNS_PER_WRITER)], { stdin: true }));
    await waitFor(() => writers.every((writer) => writer.stdout().includes('ready')), 'every writer to be ready', 30_000);
    for (const writer of writers) writer.process.stdin?.write('go\n');
    const codes = await Promise.all(writers.map((writer) => writer.exited));
    assert.deepEqual(codes, writers.map(() => 0), writers.map((writer) => writer.stderr()).join('\n'));

    const reports = writers.map((writer) => JSON.parse(writer.stdout().split('\n')[1] ?? '') as { recovered: string[]; problems: unknown[] });
    assert.deepEqual(reports.flatMap((report) => report.problems), []);
    assert.deepEqual(reports.flatMap((report) => report.recovered).sort(), [...crashed].sort(), 'each crashed run recovered by exactly one writer');

    const text = readFileSync(join(directory, 'emissions.csv'), 'utf8');
    const lines = text.split('\n').filter((line) => line !== '');
    assert.equal(lines.filter((line) => line.startsWith('timestamp,')).length, 1, 'exactly one header');
    assert.ok(lines[0]?.startsWith('timestamp,'), 'the header first');
    const csv = parseEmissionsCsv(text);
    assert.equal(csv.skippedRows, 0, 'no torn or interleaved row');
    const expectedIds = [...crashed, ...Array.from({ length: WRITERS * RUNS_PER_WRITER }, (_, index) => `w${Math.floor(index / RUNS_PER_WRITER)}-run-${index % RUNS_PER_WRITER}`)];
    assert.deepEqual(csv.rows.map((row) => row.run_id).sort(), expectedIds.sort(), 'every row once');
    for (const row of csv.rows) assert.equal(Object.keys(row).length, 38);
    assert.deepEqual(readdirSync(runsDirectory).sort(), expectedIds.map((id) => `${id}.json`).sort(), 'every run file, no journal or temporary file left');
    assert.deepEqual(readdirSync(directory).sort(), ['emissions.csv', 'runs']);
  });
});
