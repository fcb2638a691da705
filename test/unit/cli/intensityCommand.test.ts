import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntensityArgs, parseCliArgs, UsageError } from '../../../src/cli/args';
import { IntensityContext, runIntensityCommand } from '../../../src/cli/commands/intensityCommand';
import { main } from '../../../src/cli/main';
import { findDataDir } from '../../../src/cli/dataDir';
import { createJsonFileIntensityProvider } from '../../../src/engine/intensity/jsonFileIntensityProvider';
import { loadIntensityData } from '../../../src/engine/intensity/intensityTable';
import { buildRunRecord, buildRunSample } from '../../fixtures/buildRun';
import { fixture, LIVE_FIXTURES, startReplayServer, type ReplayAnswer } from '../../fixtures/liveIntensity/replayServer';

const data = loadIntensityData(findDataDir(`${__dirname}/../../../src/cli`));
const zoneTabPath = join(__dirname, '..', '..', 'fixtures', 'intensity', 'zone.tab');
const T10 = Date.parse('2026-11-23T10:00:00Z');
// 10:30 to 11:30 UTC in France: two 30-min samples of 20 W, 0.01 kWh each; yearly 56 g/kWh, PUE 1.
const pastRun = buildRunRecord({
  startedAtMs: T10 + 1_800_000, endedAtMs: T10 + 5_400_000, energyKWh: 0.02, emissionsKg: (0.02 * 56) / 1000,
  samples: [3_600_000, 5_400_000].map((ms) => buildRunSample({ timestampMs: T10 + ms, intervalMs: 1_800_000, taskPowerWatts: { cpu: 20, gpu: 0, ram: 0 } })),
});

const intensity = (tokens: string[]): IntensityArgs => parseCliArgs(['intensity', ...tokens]) as IntensityArgs;
const context = (overrides: Partial<IntensityContext> = {}): IntensityContext => ({
  data, io: { env: {}, cwd: '/nonexistent' }, timeZone: undefined, zoneTabPath,
  readRun: async (id) => {
    if (pastRun.id.startsWith(id)) return pastRun;
    throw new Error(`No run with id or id prefix "${id}".`);
  },
  liveProvider: () => ({ provider: createJsonFileIntensityProvider({ path: join(LIVE_FIXTURES, 'hourly-FR.json'), nowMs: () => T10 + 5_400_000 }) }),
  ...overrides,
});

describe('carbon-meter intensity', () => {
  it('prints the yearly figure of a country with its source, and makes no live call without --live', async () => {
    let asked = false;
    const text = await runIntensityCommand(intensity(['--country', 'FR']), context({ liveProvider: () => ((asked = true), { reason: 'none' }) }));
    assert.match(text, /^Location {3}France \(FRA\), country grid; decided by flag$/m);
    assert.match(text, /^Yearly {5}[\d.]+ gCO2e\/kWh \(20\d\d\): Ember and Energy Institute via Our World in Data \(CC BY 4\.0\)$/m);
    assert.match(text, /Add --live/);
    assert.equal(asked, false);
  });

  it('says how to get live figures when no key is set, and shows the yearly one', async () => {
    const text = await runIntensityCommand(intensity(['--cloud', 'gcp:europe-west1', '--live']), context({ liveProvider: () => ({ reason: 'live intensity needs an Electricity Maps API key in CARBON_METER_ELECTRICITY_MAPS_KEY' }) }));
    assert.match(text, /^Live {7}not used: live intensity needs an Electricity Maps API key in CARBON_METER_ELECTRICITY_MAPS_KEY\. Using the yearly figure\.$/m);
    assert.match(text, /Yearly {5}103 gCO2e\/kWh \(2024\): Google Cloud region carbon data 2024/);
  });

  it('shows the live figure of the zone', async () => {
    const text = await runIntensityCommand(intensity(['--country', 'FR', '--live']), context());
    assert.match(text, /^Live {7}300 gCO2e\/kWh for the hour from 2026-11-23 11:00 UTC: intensity file .*hourly-FR\.json, zone FR \(estimated by the provider\)$/m);
  });

  it('recomputes a run hour by hour, by hand', async () => {
    const output = JSON.parse(await runIntensityCommand(intensity(['--run', '7f3c', '--live', '--json']), context())) as { hourly: { emissionsKg: number; basis: string } };
    // 0.01 kWh × 100 g + 0.01 kWh × 300 g = 4 g, against 0.02 × 56 = 1.12 g with the yearly figure.
    assert.ok(Math.abs(output.hourly.emissionsKg - 0.004) < 1e-15);
    assert.equal(output.hourly.basis, 'hourly');
    const text = await runIntensityCommand(intensity(['--run', '7f3c', '--live']), context());
    assert.match(text, /^Hourly {5}4 g CO₂e at 200 g\/kWh on average: .*zone FR, hourly; 2\.88 g CO₂e against yearly \(257 %\)$/m);
    assert.match(text, /^ {2}2026-11-23 10:00 UTC {2}100 g\/kWh {2}10 Wh$/m);
  });

  it('rejects an unknown country or run with exit-2 errors', async () => {
    await assert.rejects(runIntensityCommand(intensity(['--country', 'Frnace']), context()), (error: unknown) => error instanceof UsageError && /Did you mean: .*FRA/.test(error.message));
    await assert.rejects(runIntensityCommand(intensity(['--run', 'ffff']), context()), (error: unknown) => error instanceof UsageError && /No run/.test(error.message));
  });
});

describe('carbon-meter intensity --live through main, against a local server', () => {
  let cacheDir: string;
  let answer: ReplayAnswer;
  let server: Awaited<ReturnType<typeof startReplayServer>>;
  beforeEach(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'carbon-meter-cli-cache-'));
    server = await startReplayServer(() => answer);
  });
  afterEach(async () => {
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  async function runCli(env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['intensity', '--country', 'FR', '--live'], {
      cwd: cacheDir, env: { CARBON_METER_ELECTRICITY_MAPS_URL: server.url, CARBON_METER_CACHE_DIR: cacheDir, ...env },
      stdout: (text) => out.push(text), stderr: (text) => err.push(text),
    });
    return { code, out: out.join(''), err: err.join('') };
  }

  it('uses the key from the environment and caches the answer', async () => {
    answer = { body: fixture('latest-FR.json') };
    const first = await runCli({ CARBON_METER_ELECTRICITY_MAPS_KEY: 'k' });
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^Live {7}38 gCO2e\/kWh for the hour from 2026-11-23 14:00 UTC: Electricity Maps, zone FR \(estimated by the provider\)$/m);
    assert.equal(server.requests[0]?.authToken, 'k');
    answer = { status: 500 };
    const second = await runCli({ CARBON_METER_ELECTRICITY_MAPS_KEY: 'k' });
    assert.match(second.out, /Electricity Maps, zone FR .*\(cached\)/);
    assert.equal(server.requests.length, 1);
  });

  it('falls back to the yearly figure with the reason, exit 0, when the service refuses the key', async () => {
    answer = { status: 401, body: fixture('error-401.json') };
    const result = await runCli({ CARBON_METER_ELECTRICITY_MAPS_KEY: 'bad' });
    assert.equal(result.code, 0);
    assert.match(result.out, /Live {7}not used: Electricity Maps: the API key was refused \(HTTP 401: Invalid auth-token\)\. Using the yearly figure\./);
  });

  it('makes no request without a key', async () => {
    answer = { body: fixture('latest-FR.json') };
    const result = await runCli({});
    assert.equal(server.requests.length, 0);
    assert.match(result.out, /not used: live intensity needs an Electricity Maps API key in CARBON_METER_ELECTRICITY_MAPS_KEY/);
  });
});
