import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportRunToPushgateway, outboxDirectory, retryQueuedPushes } from '../../../../src/engine/export/runMetricsExporter';
import { pseudonym } from '../../../../src/engine/runContext/identity';
import { buildRunRecord } from '../../../fixtures/buildRun';
import { closedPort, FakePushgateway } from '../../../fixtures/pushgateway/fakePushgateway';

describe('runMetricsExporter', () => {
  let storageDir: string;
  let gateway: FakePushgateway;
  beforeEach(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'cm-export-'));
    gateway = await FakePushgateway.start();
  });
  afterEach(async () => {
    await gateway.stop();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('pushes a finished run to its own group with a hashed host label by default', async () => {
    const record = buildRunRecord({ id: 'run-a' });
    const outcome = await exportRunToPushgateway(record, { url: gateway.url }, storageDir);
    assert.equal(outcome.message, undefined);
    assert.equal(gateway.received[0]?.path, '/metrics/job/carbon_meter/run_id/run-a');
    const body = gateway.received[0]?.body ?? '';
    assert.ok(body.includes(`host="${pseudonym('host', record.machine.hostname)}"`));
    assert.equal(body.includes(record.machine.hostname), false, 'the host name itself is not sent');
    assert.deepEqual(await readdir(outboxDirectory(storageDir)), []);
  });

  it('sends the host name as it is when the run was recorded with names', async () => {
    const base = buildRunRecord({ id: 'run-b' });
    const record = { ...base, context: { userId: 'ada', machineId: base.machine.hostname, readableIds: true, git: undefined } };
    await exportRunToPushgateway(record, { url: gateway.url }, storageDir);
    assert.ok(gateway.received[0]?.body.includes(`host="${record.machine.hostname}"`));
  });

  it('keeps runs queued while the gateway is down and pushes them all once it is back', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const first = await exportRunToPushgateway(buildRunRecord({ id: 'run-1' }), { url: down, timeoutMs: 500 }, storageDir);
    assert.match(first.message ?? '', /could not push to the Pushgateway .*ECONNREFUSED.*1 run queued/);
    await exportRunToPushgateway(buildRunRecord({ id: 'run-2' }), { url: down, timeoutMs: 500 }, storageDir);
    assert.equal((await readdir(outboxDirectory(storageDir))).length, 2);

    const third = await exportRunToPushgateway(buildRunRecord({ id: 'run-3' }), { url: gateway.url }, storageDir);
    assert.equal(third.message, undefined);
    assert.deepEqual(gateway.received.map((push) => push.path.split('/').pop()).sort(), ['run-1', 'run-2', 'run-3']);
    assert.deepEqual(await readdir(outboxDirectory(storageDir)), []);
  });

  it('does not hold a run for longer than its timeout when the gateway hangs', async () => {
    gateway.mode = 'hang';
    const started = Date.now();
    const outcome = await exportRunToPushgateway(buildRunRecord({ id: 'run-h' }), { url: gateway.url, timeoutMs: 300 }, storageDir);
    assert.ok(Date.now() - started < 2_000);
    assert.match(outcome.message ?? '', /Pushgateway http:\/\/127\.0\.0\.1:\d+\/ \(no answer within 300 ms\); 1 run queued/);
    gateway.mode = 'ok';
    const retried = await retryQueuedPushes({ url: gateway.url }, storageDir);
    // Backed off: a retry right after the failure waits for its time.
    assert.equal(retried.report?.pushed.length, 0);
  });

  it('says why a bad URL is not used and writes nothing', async () => {
    const outcome = await exportRunToPushgateway(buildRunRecord(), { url: 'pushgateway:9091' }, storageDir);
    assert.match(outcome.message ?? '', /Pushgateway not used/);
    await assert.rejects(readdir(outboxDirectory(storageDir)), /ENOENT/);
  });
});
