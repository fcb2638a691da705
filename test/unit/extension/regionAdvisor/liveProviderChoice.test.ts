import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLatestIntensity } from '../../../../src/engine/intensity/liveIntensityApi';
import { chooseLiveProvider } from '../../../../src/extension/regionAdvisor/liveProviderChoice';
import { fixture, startReplayServer, type ReplayAnswer, type ReplayServer } from '../../../fixtures/liveIntensity/replayServer';

const YEARLY = { gramsPerKWh: 44.18, source: 'Ember via OWID (CC BY 4.0)', year: 2024 };

describe('chooseLiveProvider', () => {
  let server: ReplayServer;
  let cacheDir: string;
  let reply: ReplayAnswer;
  beforeEach(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'carbon-meter-live-choice-'));
    reply = { body: fixture('latest-FR.json') };
    server = await startReplayServer(() => reply);
  });
  afterEach(async () => {
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('gives no provider while live intensity is off, even with a key stored', () => {
    const choice = chooseLiveProvider({ enabled: false, apiKey: 'key-0123456789', baseUrl: server.url, cacheDir });
    assert.ok('reason' in choice);
    assert.match(choice.reason, /carbonMeter\.liveIntensity/);
    assert.equal(server.requests.length, 0);
  });

  it('gives no provider without a key, and says how to set one', () => {
    for (const apiKey of [undefined, '', '   ']) {
      const choice = chooseLiveProvider({ enabled: true, apiKey, baseUrl: server.url, cacheDir });
      assert.ok('reason' in choice, String(apiKey));
      assert.match(choice.reason, /Set Electricity Maps API Key/);
    }
    assert.equal(server.requests.length, 0);
  });

  it('with both, reads the live figure, sending the trimmed key only in the auth-token header', async () => {
    const choice = chooseLiveProvider({ enabled: true, apiKey: ' key-0123456789 ', baseUrl: server.url, cacheDir });
    assert.ok('provider' in choice);
    const reading = await readLatestIntensity(choice.provider, 'FR', YEARLY);
    assert.equal(reading.gramsPerKWh, 38);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.authToken, 'key-0123456789');
    assert.ok(![...(server.requests[0]?.query.values() ?? [])].includes('key-0123456789'), 'the key is not in the URL');
  });

  it('falls back to the yearly figure, with the reason, when the key is refused', async () => {
    reply = { status: 401, body: fixture('error-401.json') };
    const choice = chooseLiveProvider({ enabled: true, apiKey: 'wrong-key-0123', baseUrl: server.url, cacheDir });
    assert.ok('provider' in choice);
    const reading = await readLatestIntensity(choice.provider, 'FR', YEARLY);
    assert.equal(reading.gramsPerKWh, YEARLY.gramsPerKWh);
    assert.equal(reading.live, false);
  });
});
