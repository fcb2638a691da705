import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../../src/cli/main';
import type { RunRecord } from '../../../src/engine/reports/runRecord';
import { pseudonym } from '../../../src/engine/runContext/identity';
import { buildNthSample, buildRunHeader, buildTotalsSoFar } from '../../fixtures/buildRun';
import { closedPort, FakePushgateway } from '../../fixtures/pushgateway/fakePushgateway';
import { captureCliIo } from '../../fixtures/captureCliIo';

const CODECARBON_CSV = resolve(__dirname, '../../fixtures/codecarbon/emissions-2x.csv');
const COMMIT = 'c0ffee'.padEnd(40, '0');

/** France, so runs here never depend on the machine's time zone. */
const captureIo = (cwd: string, env: NodeJS.ProcessEnv = {}) => captureCliIo(cwd, { CARBON_METER_COUNTRY: 'FR', ...env });

/** A project folder with a workspace file and a git HEAD, as a team's repository would have. */
function projectFolder(config: Record<string, unknown>): string {
  const cwd = mkdtempSync(join(tmpdir(), 'cli-team-'));
  writeFileSync(join(cwd, '.carbon-meter.json'), JSON.stringify(config));
  mkdirSync(join(cwd, '.git/refs/heads'), { recursive: true });
  writeFileSync(join(cwd, '.git/HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(cwd, '.git/refs/heads/main'), `${COMMIT}\n`);
  return cwd;
}

function onlyRecord(cwd: string): RunRecord {
  const [file] = readdirSync(join(cwd, '.carbon-meter/runs')).filter((name) => name.endsWith('.json'));
  return JSON.parse(readFileSync(join(cwd, '.carbon-meter/runs', file as string), 'utf8')) as RunRecord;
}

describe('carbon-meter for teams', () => {
  let gateway: FakePushgateway;
  beforeEach(async () => { gateway = await FakePushgateway.start(); });
  afterEach(async () => { await gateway.stop(); });

  it('run takes project, experiment and Pushgateway from .carbon-meter.json, records who and which commit, and pushes the run', async () => {
    const cwd = projectFolder({ project: 'shop', experiment: 'nightly', pushgateway: gateway.url });
    const io = captureIo(cwd);
    assert.equal(await main(['run', '--interval-ms', '200', '--', 'sleep', '0.3'], io), 0, io.err.join(''));
    const record = onlyRecord(cwd);
    assert.deepEqual([record.projectName, record.experimentName], ['shop', 'nightly']);
    assert.deepEqual(record.context?.git, { commit: COMMIT, branch: 'main' });
    assert.equal(record.context?.machineId, pseudonym('host', record.machine.hostname));
    assert.match(record.context?.userId ?? '', /^user-[0-9a-f]{12}$/);
    assert.equal(gateway.received.length, 1, io.err.join(''));
    const push = gateway.received[0];
    assert.equal(push?.path, `/metrics/job/carbon_meter/run_id/${record.id}`);
    assert.match(push?.body ?? '', /carbon_meter_run_emissions_grams\{project="shop",experiment="nightly",task="sleep 0.3",host="host-[0-9a-f]{12}"/);
  });

  it('--pushgateway and --readable-ids win over the file; names are sent only then', async () => {
    const cwd = projectFolder({ pushgateway: `http://127.0.0.1:${await closedPort()}` });
    const io = captureIo(cwd);
    assert.equal(await main(['run', '--interval-ms', '200', '--pushgateway', gateway.url, '--readable-ids', '--', 'true'], io), 0, io.err.join(''));
    const record = onlyRecord(cwd);
    assert.equal(record.context?.machineId, record.machine.hostname);
    assert.ok(gateway.received[0]?.body.includes(`host="${record.machine.hostname}"`));
  });

  it('a gateway that is down costs the run nothing: the exit code passes, the push waits on disk for the next run', async () => {
    const cwd = projectFolder({});
    const down = captureIo(cwd, { CARBON_METER_PUSHGATEWAY: `http://127.0.0.1:${await closedPort()}` });
    assert.equal(await main(['run', '--interval-ms', '200', '--', 'sh', '-c', 'exit 3'], down), 3);
    assert.match(down.err.join(''), /could not push to the Pushgateway .*ECONNREFUSED.*1 run queued/);
    assert.equal(readdirSync(join(cwd, '.carbon-meter/pushgateway-outbox')).length, 1);

    const up = captureIo(cwd, { CARBON_METER_PUSHGATEWAY: gateway.url });
    assert.equal(await main(['run', '--interval-ms', '200', '--', 'true'], up), 0, up.err.join(''));
    assert.equal(gateway.received.length, 2, 'the queued run and the new one');
    assert.deepEqual(readdirSync(join(cwd, '.carbon-meter/pushgateway-outbox')), []);
  });

  it('report --group-by totals runs from stores and from a CSV CodeCarbon wrote', async () => {
    const first = projectFolder({ project: 'shop' });
    const second = projectFolder({ project: 'shop', experiment: 'ci' });
    for (const cwd of [first, second]) assert.equal(await main(['run', '--interval-ms', '200', '--', 'true'], captureIo(cwd)), 0);
    const io = captureIo(first);
    const code = await main(['report', '--group-by', 'project,experiment', '--format', 'json', join(first, '.carbon-meter'), join(second, '.carbon-meter'), CODECARBON_CSV], io);
    assert.equal(code, 0, io.err.join(''));
    const report = JSON.parse(io.out.join('')) as { groups: { values: string[]; runs: number }[]; total: { runs: number }; skipped: number };
    assert.deepEqual(report.groups.map((group) => [group.values.join('/'), group.runs]).sort(),
      [['<img src=x onerror=alert(1)>/default', 1], ['bert-finetune/default', 2], ['shop/ci', 1], ['shop/default', 1]]);
    assert.equal(report.total.runs, 5);
    assert.equal(report.skipped, 2);
    assert.match(io.err.join(''), /2 row\(s\) skipped/);
  });

  it('refuses an unknown --group-by key with exit 2, and says when nothing could be read', async () => {
    const io = captureIo(tmpdir());
    assert.equal(await main(['report', '--group-by', 'team'], io), 2);
    assert.match(io.err.join(''), /unknown key "team"; use project, experiment, task/);
    const empty = captureIo(mkdtempSync(join(tmpdir(), 'cli-team-empty-')));
    assert.equal(await main(['report', '--group-by', 'project', 'nowhere'], empty), 1);
    assert.match(empty.err.join(''), /no such file or folder[\s\S]*no runs found in nowhere/);
  });
});

describe('carbon-meter regions and intensity --run', () => {
  it('recover a run a crashed tracker left as a journal before looking it up, as report does', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cli-recover-'));
    const runsDirectory = join(cwd, '.carbon-meter/runs');
    mkdirSync(runsDirectory, { recursive: true });
    const id = 'c0ffee00-0000-4000-8000-000000000001';
    const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
    // A writer that no longer exists on this host: the journal is abandoned.
    writeFileSync(join(runsDirectory, `${id}.partial.jsonl`), line({ kind: 'header', writer: { pid: 999_999_001, hostname: hostname() }, run: buildRunHeader({ id }) })
      + [1, 2].map((n) => line({ kind: 'sample', sample: buildNthSample(n), totals: buildTotalsSoFar(n) })).join(''));
    const io = captureIo(cwd);
    assert.equal(await main(['regions', '--run', id.slice(0, 8), '--json', '--limit', '1'], io), 0, io.err.join(''));
    assert.match(io.err.join(''), new RegExp(`recovered interrupted run ${id}`));
    assert.equal((JSON.parse(io.out.join('')) as unknown[]).length, 1);
    const again = captureIo(cwd);
    assert.equal(await main(['intensity', '--run', id, '--json'], again), 0, again.err.join(''));
    assert.equal(again.err.join(''), '', 'nothing left to recover');
  });
});
