import { strict as assert } from 'node:assert';
import { groupPath, parsePushgatewayUrl, pushGroup, redactUrl } from '../../../../src/engine/export/pushgatewayClient';
import { closedPort, FakePushgateway } from '../../../fixtures/pushgateway/fakePushgateway';

describe('pushgatewayClient', () => {
  let gateway: FakePushgateway;
  beforeEach(async () => { gateway = await FakePushgateway.start(); });
  afterEach(async () => { await gateway.stop(); });

  it('PUTs the exposition text to the group of the run, replacing it', async () => {
    const result = await pushGroup(new URL(gateway.url), { job: 'carbon_meter', labels: { run_id: 'abc-1' } }, 'x 1\n');
    assert.deepEqual(result, { ok: true });
    assert.equal(gateway.received.length, 1);
    const [push] = gateway.received;
    assert.equal(push?.method, 'PUT');
    assert.equal(push?.path, '/metrics/job/carbon_meter/run_id/abc-1');
    assert.equal(push?.body, 'x 1\n');
    assert.match(String(push?.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  });

  it('keeps a path prefix of the base URL and sends its credentials as Basic auth, not in the path', async () => {
    const base = new URL(gateway.url.replace('http://', 'http://ci%20bot:s3cret@') + '/gateway');
    await pushGroup(base, { job: 'carbon_meter', labels: { run_id: 'r1' } }, '');
    assert.equal(gateway.received[0]?.path, '/gateway/metrics/job/carbon_meter/run_id/r1');
    assert.equal(gateway.received[0]?.headers.authorization, `Basic ${Buffer.from('ci bot:s3cret').toString('base64')}`);
    assert.equal(redactUrl(base).includes('s3cret'), false);
  });

  it('encodes a label value with a slash in base64url, as the Pushgateway API asks', () => {
    assert.equal(groupPath({ job: 'carbon_meter', labels: { instance: 'a/b' } }), `metrics/job/carbon_meter/instance@base64/${Buffer.from('a/b').toString('base64url')}`);
    assert.equal(groupPath({ job: 'carbon_meter', labels: { instance: '' } }), 'metrics/job/carbon_meter/instance@base64/=');
  });

  it('reports an HTTP error with the status and the gateway text', async () => {
    gateway.mode = { status: 400, body: 'pushed metrics are invalid or inconsistent' };
    const result = await pushGroup(new URL(gateway.url), { job: 'carbon_meter', labels: { run_id: 'r' } }, 'bad');
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.failure.kind === 'http-error' && result.failure.httpStatus === 400);
    assert.ok(!result.ok && result.failure.message.includes('invalid or inconsistent'));
  });

  it('gives up on a gateway that hangs after its timeout, without holding the caller', async () => {
    gateway.mode = 'hang';
    const started = Date.now();
    const result = await pushGroup(new URL(gateway.url), { job: 'carbon_meter', labels: { run_id: 'r' } }, 'x 1\n', 200);
    assert.ok(!result.ok && result.failure.kind === 'timeout');
    assert.ok(Date.now() - started < 2_000);
  });

  it('reports a gateway that is down as a network failure', async () => {
    const result = await pushGroup(new URL(`http://127.0.0.1:${await closedPort()}`), { job: 'carbon_meter', labels: { run_id: 'r' } }, 'x 1\n', 2_000);
    assert.ok(!result.ok && result.failure.kind === 'network');
    assert.ok(!result.ok && result.failure.message.includes('ECONNREFUSED'));
  });

  it('refuses a URL that is not http(s) or carries a query', () => {
    assert.ok(parsePushgatewayUrl('http://gw:9091') instanceof URL);
    for (const bad of ['gw:9091/x y', 'ftp://gw', 'http://gw:9091/?a=1', 'not a url']) {
      const parsed = parsePushgatewayUrl(bad);
      assert.ok(!(parsed instanceof URL), bad);
    }
  });
});
