import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createElectricityMapsProvider, type ElectricityMapsOptions } from '../../../../src/engine/intensity/electricityMapsProvider';
import { createIntensityCache } from '../../../../src/engine/intensity/intensityCache';
import { readLatestIntensity, type LiveFailureKind } from '../../../../src/engine/intensity/liveIntensityApi';
import { fixture, startReplayServer, type ReplayAnswer, type ReplayServer } from '../../../fixtures/liveIntensity/replayServer';
import { closedPort } from '../../../fixtures/closedPort';

const KEY = 'test-key-0123456789';
const HOUR_MS = 3_600_000;
const YEARLY = { gramsPerKWh: 44.18, source: 'Ember via OWID (CC BY 4.0)', year: 2024 };


describe('Electricity Maps provider', () => {
  let server: ReplayServer | undefined;
  let cacheDir: string;
  let reply: ReplayAnswer;
  beforeEach(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'carbon-meter-em-cache-'));
    reply = { body: fixture('latest-FR.json') };
    server = await startReplayServer(() => reply);
  });
  afterEach(async () => {
    await server?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const provider = (overrides: Partial<ElectricityMapsOptions> = {}) =>
    createElectricityMapsProvider({ apiKey: KEY, baseUrl: server?.url ?? '', timeoutMs: 2_000, ...overrides });

  it('reads the latest figure with the key in the auth-token header', async () => {
    const result = await provider().latest('FR');
    assert.ok(result.ok);
    assert.deepEqual(result.value, { zone: 'FR', startMs: Date.parse('2026-11-23T14:00:00Z'), durationMs: HOUR_MS, gramsPerKWh: 38, estimated: true });
    const [request] = server?.requests ?? [];
    assert.equal(request?.path, '/v3/carbon-intensity/latest');
    assert.equal(request?.query.get('zone'), 'FR');
    assert.equal(request?.query.get('emissionFactorType'), 'lifecycle');
    assert.equal(request?.authToken, KEY);
  });

  it('reads a past range, leaving out hours the API has no figure for', async () => {
    reply = { body: fixture('past-range-FR.json') };
    const start = Date.parse('2026-11-23T10:00:00Z');
    const result = await provider().pastRange('FR', start, start + 3 * HOUR_MS);
    assert.ok(result.ok);
    assert.deepEqual(result.value.map((p) => [p.startMs - start, p.gramsPerKWh, p.estimated]), [[0, 100, false], [HOUR_MS, 300, true]]);
    const query = server?.requests[0]?.query;
    assert.equal(server?.requests[0]?.path, '/v3/carbon-intensity/past-range');
    assert.deepEqual([query?.get('start'), query?.get('end')], ['2026-11-23T10:00:00.000Z', '2026-11-23T13:00:00.000Z']);
  });

  it('splits a window longer than the API\'s 10 days into several requests', async () => {
    reply = { body: fixture('past-range-FR.json') };
    const start = Date.parse('2026-11-13T10:00:00Z');
    const result = await provider().pastRange('FR', start, start + 11 * 24 * HOUR_MS);
    assert.ok(result.ok);
    assert.deepEqual(server?.requests.map((r) => [r.query.get('start'), r.query.get('end')]), [
      ['2026-11-13T10:00:00.000Z', '2026-11-23T10:00:00.000Z'],
      ['2026-11-23T10:00:00.000Z', '2026-11-24T10:00:00.000Z'],
    ]);
  });

  it('answers from the disk cache until the TTL has passed, and never writes the key there', async () => {
    let nowMs = Date.parse('2026-11-23T14:30:00Z');
    const make = () => provider({ cache: createIntensityCache({ directory: cacheDir, nowMs: () => nowMs }), nowMs: () => nowMs, latestTtlMs: 600_000 });
    const first = await make().latest('FR');
    const second = await make().latest('FR');
    assert.ok(first.ok && !first.fromCache);
    assert.ok(second.ok && second.fromCache);
    assert.deepEqual(second.value, first.value);
    assert.equal(server?.requests.length, 1);
    nowMs += 600_000;
    assert.ok((await make().latest('FR')).ok);
    assert.equal(server?.requests.length, 2);
    for (const file of readdirSync(cacheDir)) assert.ok(!readFileSync(join(cacheDir, file), 'utf8').includes(KEY), `${file} holds the key`);
  });

  const failures: [string, ReplayAnswer, LiveFailureKind, RegExp][] = [
    ['a refused key (401)', { status: 401, body: fixture('error-401.json') }, 'unauthorized', /API key was refused \(HTTP 401: Invalid auth-token\)/],
    ['a refused key (403, plain text)', { status: 403, body: fixture('error-403.txt'), headers: { 'content-type': 'text/plain' } }, 'unauthorized', /HTTP 403: Access denied/],
    ['the rate limit (429)', { status: 429, body: fixture('error-429.json'), headers: { 'retry-after': '30' } }, 'rate-limited', /rate limit reached .*retry in 30 s/],
    ['a server error (502, HTML)', { status: 502, body: fixture('error-502.html'), headers: { 'content-type': 'text/html' } }, 'server-error', /service failed \(HTTP 502/],
    ['an unknown zone (404)', { status: 404, body: fixture('error-404-zone.json') }, 'unknown-zone', /zone "FR" is unknown to the service or has no data/],
    ['a truncated body', { body: fixture('malformed-truncated.json') }, 'malformed', /not JSON/],
    ['a body of the wrong shape', { body: fixture('malformed-shape.json') }, 'malformed', /expected shape/],
    ['no answer in time', { hang: true }, 'timeout', /no answer from 127\.0\.0\.1:\d+ within 0\.2 s/],
  ];
  for (const [what, answer, kind, message] of failures) {
    it(`falls back to the yearly figure on ${what}, saying why`, async () => {
      reply = answer;
      const live = provider({ timeoutMs: 200 });
      const result = await live.latest('FR');
      assert.ok(!result.ok);
      assert.equal(result.failure.kind, kind);
      assert.match(result.failure.message, message);
      const reading = await readLatestIntensity(live, 'FR', YEARLY);
      assert.equal(reading.live, false);
      assert.equal(reading.gramsPerKWh, 44.18);
      assert.match(reading.fallbackReason ?? '', /^Electricity Maps: .* Using the yearly figure\.$/);
      assert.ok(!JSON.stringify(reading).includes(KEY));
    });
  }

  it('reports a service it cannot reach as a network failure', async () => {
    const result = await provider({ baseUrl: `http://127.0.0.1:${await closedPort()}` }).latest('FR');
    assert.ok(!result.ok);
    assert.equal(result.failure.kind, 'network');
    assert.match(result.failure.message, /cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED/);
  });

  it('makes no request without a key, and says so', async () => {
    const reading = await readLatestIntensity(undefined, 'FR', YEARLY, 'live intensity needs a key');
    assert.deepEqual([reading.live, reading.gramsPerKWh, reading.fallbackReason], [false, 44.18, 'live intensity needs a key. Using the yearly figure.']);
    const result = await provider({ apiKey: '' }).latest('FR');
    assert.ok(!result.ok && result.failure.kind === 'no-key');
    assert.equal(server?.requests.length, 0);
  });

  it('treats a range without any figure as no data, and a latest figure of null too', async () => {
    reply = { body: '{"zone":"FR","data":[]}' };
    const range = await provider().pastRange('FR', Date.parse('2026-11-23T10:00:00Z'), Date.parse('2026-11-23T11:00:00Z'));
    assert.ok(!range.ok && range.failure.kind === 'no-data');
    reply = { body: '{"zone":"FR","carbonIntensity":null,"datetime":"2026-11-23T14:00:00.000Z"}' };
    const latest = await provider().latest('FR');
    assert.ok(!latest.ok && latest.failure.kind === 'no-data');
  });

  it('uses a live figure when there is one', async () => {
    const reading = await readLatestIntensity(provider(), 'FR', YEARLY);
    assert.deepEqual([reading.live, reading.gramsPerKWh, reading.source, reading.estimated, reading.fallbackReason], [true, 38, 'Electricity Maps, zone FR', true, undefined]);
  });
});
