import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createElectricityMapsProvider } from '../../../src/engine/intensity/electricityMapsProvider';
import { createIntensityCache } from '../../../src/engine/intensity/intensityCache';
import { readLatestIntensity } from '../../../src/engine/intensity/liveIntensityApi';
import { fixture, startReplayServer, type ReplayAnswer, type ReplayServer } from '../../fixtures/liveIntensity/replayServer';
import { closedPort } from '../../fixtures/closedPort';

const KEY = 'em-SECRET-4f9c2a7d1b';
const YEARLY = { gramsPerKWh: 44.18, source: 'Ember via OWID (CC BY 4.0)', year: 2024 };

/** True when any 6 characters in a row of the key appear in `text`: a key cut short still leaks. */
function leaksKey(text: string): boolean {
  for (let start = 0; start + 6 <= KEY.length; start++) if (text.includes(KEY.slice(start, start + 6))) return true;
  return false;
}


describe('the Electricity Maps key never leaks', () => {
  let server: ReplayServer;
  let cacheDir: string;
  let reply: ReplayAnswer;
  beforeEach(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'carbon-meter-secret-'));
    reply = { body: fixture('latest-FR.json') };
    server = await startReplayServer(() => reply);
  });
  afterEach(async () => {
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const provider = (baseUrl = server.url) => createElectricityMapsProvider({
    apiKey: KEY, baseUrl, timeoutMs: 300, cache: createIntensityCache({ directory: cacheDir }),
  });

  // Services that echo what they were sent: the key in a JSON error, in plain text, in HTML, at the 60th character.
  const echoes: [string, ReplayAnswer][] = [
    ['a 401 whose JSON error quotes the key', { status: 401, body: JSON.stringify({ error: `Invalid auth-token ${KEY}` }) }],
    ['a 403 in plain text quoting the key', { status: 403, body: `token ${KEY} is not allowed`, headers: { 'content-type': 'text/plain' } }],
    ['a 500 HTML page quoting the key', { status: 500, body: `<html><body>Internal error for ${KEY}</body></html>`, headers: { 'content-type': 'text/html' } }],
    ['a 429 quoting the key', { status: 429, body: JSON.stringify({ message: `${KEY} over quota` }), headers: { 'retry-after': '5' } }],
    ['a 200 that is not JSON, the key across the point where the body is cut', { status: 200, body: `${'x'.repeat(52)}${KEY}` }],
    ['a 404 for the zone, quoting the key', { status: 404, body: JSON.stringify({ error: `zone unknown (auth ${KEY})` }) }],
    ['no answer at all', { hang: true }],
  ];
  for (const [what, answer] of echoes) {
    it(`keeps it out of the failure, the fallback reading and the cache on ${what}`, async () => {
      reply = answer;
      const live = provider();
      const latest = await live.latest('FR');
      const range = await live.pastRange('FR', Date.parse('2026-11-23T10:00:00Z'), Date.parse('2026-11-23T13:00:00Z'));
      const reading = await readLatestIntensity(live, 'FR', YEARLY);
      assert.ok(!latest.ok && !range.ok);
      assert.equal(server.requests[0]?.authToken, KEY, 'the key did go to the service');
      for (const text of [JSON.stringify(latest), JSON.stringify(range), JSON.stringify(reading)]) assert.ok(!leaksKey(text), text);
      for (const file of readdirSync(cacheDir)) assert.ok(!leaksKey(readFileSync(join(cacheDir, file), 'utf8')), file);
    });
  }

  it('sends no key that no HTTP header can carry, and quotes none of it (fetch\'s own error would)', async () => {
    for (const bad of [`${KEY}\nX-Other: 1`, `${KEY}€`, `${KEY}\u0000`, `${KEY} ${KEY}`]) {
      const result = await createElectricityMapsProvider({ apiKey: bad, baseUrl: server.url }).latest('FR');
      assert.ok(!result.ok && result.failure.kind === 'unauthorized', JSON.stringify(result));
      assert.ok(!leaksKey(JSON.stringify(result)));
    }
    assert.deepEqual(server.requests, []);
  });

  it('keeps it out of a network failure', async () => {
    const result = await provider(`http://127.0.0.1:${await closedPort()}`).latest('FR');
    assert.ok(!result.ok && result.failure.kind === 'network');
    assert.ok(!leaksKey(JSON.stringify(result)));
  });

  it('never writes it to a cache file, whatever was asked', async () => {
    reply = { body: fixture('past-range-FR.json') };
    const live = provider();
    assert.ok((await live.pastRange('FR', Date.parse('2026-11-23T10:00:00Z'), Date.parse('2026-11-23T13:00:00Z'))).ok);
    reply = { body: fixture('latest-FR.json') };
    assert.ok((await live.latest('FR')).ok);
    const files = readdirSync(cacheDir);
    assert.equal(files.length, 2);
    for (const file of files) assert.ok(!leaksKey(readFileSync(join(cacheDir, file), 'utf8')), file);
  });

  it('does not follow a redirect to another host with the key, and says where it was sent', async () => {
    const elsewhere = await startReplayServer(() => ({ body: fixture('latest-FR.json') }));
    try {
      // 127.0.0.1 and localhost on another port: another origin, as a redirect to a third party would be.
      reply = { status: 307, headers: { location: `${elsewhere.url.replace('127.0.0.1', 'localhost')}/v3/carbon-intensity/latest?zone=FR` } };
      const result = await provider().latest('FR');
      assert.ok(!result.ok);
      assert.match(result.failure.message, /redirected to localhost:\d+ \(HTTP 307\); the API key is only sent to 127\.0\.0\.1:\d+/);
      assert.deepEqual(elsewhere.requests, []);
      assert.ok(!leaksKey(JSON.stringify(result)));
    } finally {
      await elsewhere.close();
    }
  });

  it('follows a redirect within the service itself', async () => {
    let first = true;
    await server.close();
    server = await startReplayServer((request) => {
      if (first) {
        first = false;
        return { status: 301, headers: { location: `/moved${request.path}` } };
      }
      return { body: fixture('latest-FR.json') };
    });
    const result = await provider().latest('FR');
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(server.requests.map((request) => [request.path, request.authToken]), [
      ['/v3/carbon-intensity/latest', KEY], ['/moved/v3/carbon-intensity/latest', KEY],
    ]);
  });

  it('treats any damaged cache file as a miss and asks the service again, never answering with a malformed figure', async () => {
    assert.ok((await provider().latest('FR')).ok);
    const [file] = readdirSync(cacheDir);
    assert.ok(file);
    const entry = JSON.parse(readFileSync(join(cacheDir, file), 'utf8')) as { storedAtMs: number; key: unknown; value: unknown };
    const damaged = fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify({ ...entry, value })),
      fc.record({ gramsPerKWh: fc.oneof(fc.double(), fc.string(), fc.constant(null)) }).map((value) => JSON.stringify({ ...entry, value: { ...(entry.value as object), ...value } })),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.string(),
    );
    await fc.assert(fc.asyncProperty(damaged, async (text) => {
      writeFileSync(join(cacheDir, file), text);
      const before = server.requests.length;
      const result = await provider().latest('FR');
      assert.ok(result.ok);
      assert.ok(Number.isFinite(result.value.gramsPerKWh) && result.value.gramsPerKWh >= 0);
      assert.equal(typeof result.value.estimated, 'boolean');
      // From the cache only when the file holds a whole, well-formed figure; then it is that figure.
      if (result.fromCache) assert.deepEqual(result.value, (JSON.parse(text) as { value: unknown }).value);
      else assert.equal(server.requests.length, before + 1);
    }), { numRuns: 60 });
  });
});
