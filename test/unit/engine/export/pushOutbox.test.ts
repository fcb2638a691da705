import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GroupingKey, PushResult } from '../../../../src/engine/export/pushgatewayClient';
import { PushOutbox, retryDelayMs } from '../../../../src/engine/export/pushOutbox';

const key = (runId: string): GroupingKey => ({ job: 'carbon_meter', labels: { run_id: runId } });
const URL_OF_GATEWAY = new URL('http://127.0.0.1:9');

describe('PushOutbox', () => {
  let directory: string;
  let now: number;
  let answers: PushResult[];
  let pushed: string[];
  const outbox = (): PushOutbox => new PushOutbox({
    directory,
    nowMs: () => now,
    push: (_url, groupKey) => {
      pushed.push(groupKey.labels.run_id ?? '');
      return Promise.resolve(answers.shift() ?? { ok: true });
    },
  });

  beforeEach(async () => {
    directory = join(await mkdtemp(join(tmpdir(), 'cm-outbox-')), 'outbox');
    now = 1_000_000;
    answers = [];
    pushed = [];
  });
  afterEach(async () => { await rm(join(directory, '..'), { recursive: true, force: true }); });

  it('writes the push to disk before trying it, and deletes it once the gateway took it', async () => {
    const queue = outbox();
    await queue.enqueue('run-1', key('run-1'), 'x 1\n');
    assert.deepEqual(await readdir(directory), ['run-1.push.json']);
    const report = await queue.drain(URL_OF_GATEWAY, { timeoutMs: 100 });
    assert.deepEqual(report.pushed, ['run-1']);
    assert.deepEqual(await readdir(directory), []);
  });

  it('keeps a failed push with its error and a growing delay, and tries it again once due', async () => {
    const queue = outbox();
    await queue.enqueue('run-1', key('run-1'), 'x 1\n');
    answers = [{ ok: false, failure: { kind: 'http-error', httpStatus: 500, message: 'the Pushgateway answered 500' } }];
    const first = await queue.drain(URL_OF_GATEWAY, { timeoutMs: 100 });
    assert.equal(first.failed.length, 1);
    const stored = JSON.parse(await readFile(join(directory, 'run-1.push.json'), 'utf8')) as { attempts: number; nextAttemptAtMs: number; lastError: string };
    assert.equal(stored.attempts, 1);
    assert.equal(stored.nextAttemptAtMs, now + retryDelayMs(1));
    assert.equal(stored.lastError, 'the Pushgateway answered 500');

    const early = await queue.drain(URL_OF_GATEWAY, { timeoutMs: 100 });
    assert.deepEqual([early.pushed, early.waiting], [[], 1]);
    now += retryDelayMs(1);
    const due = await queue.drain(URL_OF_GATEWAY, { timeoutMs: 100 });
    assert.deepEqual(due.pushed, ['run-1']);
    assert.deepEqual(pushed, ['run-1', 'run-1']);
  });

  it('backs off from 30 s, doubling, to at most an hour', () => {
    assert.deepEqual([1, 2, 3].map(retryDelayMs), [30_000, 60_000, 120_000]);
    assert.equal(retryDelayMs(50), 3_600_000);
  });

  it('stops at the first network failure instead of waiting out a timeout per run', async () => {
    const queue = outbox();
    for (const id of ['a', 'b', 'c']) {
      await queue.enqueue(id, key(id), 'x 1\n');
      now += 1;
    }
    answers = [{ ok: false, failure: { kind: 'timeout', message: 'no answer' } }];
    const report = await queue.drain(URL_OF_GATEWAY, { timeoutMs: 100 });
    assert.deepEqual(pushed, ['a']);
    assert.equal(report.waiting, 2);
    assert.equal((await readdir(directory)).length, 3);
  });

  it('counts and leaves alone a file it cannot read as an entry', async () => {
    const queue = outbox();
    await queue.enqueue('good', key('good'), 'x 1\n');
    await writeFile(join(directory, 'torn.push.json'), '{"formatVersion":1,"runId":');
    const report = await queue.drain(URL_OF_GATEWAY, { timeoutMs: 100 });
    assert.deepEqual([report.pushed, report.unreadable], [['good'], 1]);
    assert.deepEqual(await readdir(directory), ['torn.push.json']);
  });

  it('lets two drains of one folder run at once: each run is pushed, none is lost, nothing throws', async () => {
    const first = outbox();
    for (const id of ['a', 'b', 'c', 'd']) await first.enqueue(id, key(id), 'x 1\n');
    const reports = await Promise.all([first.drain(URL_OF_GATEWAY, { timeoutMs: 100 }), outbox().drain(URL_OF_GATEWAY, { timeoutMs: 100 })]);
    assert.deepEqual(new Set(reports.flatMap((report) => report.pushed)), new Set(['a', 'b', 'c', 'd']));
    assert.deepEqual(await readdir(directory), []);
  });

  it('refuses a run id that is not a safe file name', async () => {
    await assert.rejects(outbox().enqueue('../escape', key('x'), ''), /safe file name/);
  });
});
