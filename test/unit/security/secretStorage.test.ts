import '../extension/useFakeVscode';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../../src/cli/main';
import { activate, deactivate } from '../../../src/extension/extension';
import { ELECTRICITY_MAPS_SECRET } from '../../../src/extension/regionAdvisor/liveIntensity';
import { startReplayServer, type ReplayAnswer, type ReplayServer } from '../../fixtures/liveIntensity/replayServer';
import { fake, fakeContext } from '../extension/fakeVscode';

const REPO_ROOT = resolve(__dirname, '../../..');
const KEY = 'em-SECRET-7e1d94b0c2';
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Every file under `directory`, with its text. */
function filesUnder(directory: string): [string, string][] {
  const found: [string, string][] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) walk(child);
      else found.push([child, readFileSync(child, 'utf8')]);
    }
  };
  walk(directory);
  return found;
}

/** Answers that quote the key back, as a careless proxy or service might. */
const ECHOES: [string, ReplayAnswer][] = [
  ['401', { status: 401, body: JSON.stringify({ error: `Invalid auth-token ${KEY}` }) }],
  ['500', { status: 500, body: `<html>internal error for token ${KEY}</html>`, headers: { 'content-type': 'text/html' } }],
  ['200 not JSON', { status: 200, body: `${'x'.repeat(50)}${KEY}` }],
];

describe('the Electricity Maps key lives only in SecretStorage (extension) or the environment (CLI)', () => {
  let directory: string;
  let server: ReplayServer;
  let reply: ReplayAnswer;
  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'carbon-meter-secret-'));
    server = await startReplayServer(() => reply);
  });
  afterEach(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  /** Runs the extension against the test server; returns everything it said, posted, logged or wrote. */
  async function extensionTexts(setKey: boolean): Promise<string[]> {
    fake.reset();
    fake.settings.set('carbonMeter.liveIntensity', { defaultValue: false, globalValue: true });
    fake.settings.set('carbonMeter.country', { globalValue: 'FR' });
    fake.settings.set('carbonMeter.nvidiaSmiPath', { defaultValue: join(directory, 'no-nvidia-smi') });
    const logged: string[] = [];
    const original = { warn: console.warn, error: console.error, log: console.log };
    const capture = (...args: unknown[]) => void logged.push(args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))).join(' '));
    Object.assign(console, { warn: capture, error: capture, log: capture });
    const previousUrl = process.env.CARBON_METER_ELECTRICITY_MAPS_URL;
    process.env.CARBON_METER_ELECTRICITY_MAPS_URL = server.url;
    const context = fakeContext(REPO_ROOT, directory);
    try {
      activate(context as never);
      if (setKey) {
        fake.answer = `  ${KEY}  `;
        await fake.commands.get('carbonMeter.setElectricityMapsKey')?.();
      } else {
        fake.secrets.set(ELECTRICITY_MAPS_SECRET, KEY);
      }
      // The advisor opens on the newest stored run and asks for here's live figure when ready.
      fake.answer = { label: 'Open Region Advisor panel', key: undefined };
      await fake.commands.get('carbonMeter.recommendRegion')?.();
      fake.panels.at(-1)?.send({ type: 'ready', protocolVersion: 2 });
      await fake.commands.get('carbonMeter.openPanel')?.();
      fake.panels.at(-1)?.send({ type: 'ready', protocolVersion: 1 });
      await sleep(200);
      return [
        ...logged,
        ...fake.messages.map((message) => message.text),
        ...fake.panels.flatMap((panel) => [panel.html, JSON.stringify(panel.posted)]),
        JSON.stringify([...fake.settings.entries()]),
        ...filesUnder(directory).map(([path, text]) => `${path}\n${text}`),
      ];
    } finally {
      await deactivate();
      for (const subscription of context.subscriptions) subscription.dispose();
      Object.assign(console, original);
      if (previousUrl === undefined) delete process.env.CARBON_METER_ELECTRICITY_MAPS_URL;
      else process.env.CARBON_METER_ELECTRICITY_MAPS_URL = previousUrl;
    }
  }

  it('"Set Electricity Maps API Key" stores the trimmed key in SecretStorage, and in no setting, message or file', async () => {
    reply = { status: 401, body: '{}' };
    const texts = await extensionTexts(true);
    assert.equal(fake.secrets.get(ELECTRICITY_MAPS_SECRET), KEY);
    const box = fake.inputBoxes[0] as { password: boolean; validateInput(value: string): string | undefined };
    assert.equal(box.password, true, 'the key is typed like a password, never shown');
    assert.deepEqual([box.validateInput(KEY), box.validateInput(''), typeof box.validateInput(`${KEY} x`), typeof box.validateInput(`${KEY}€`)],
      [undefined, undefined, 'string', 'string']);
    for (const text of texts) assert.ok(!text.includes(KEY), text.slice(0, 300));
  });

  for (const [what, answer] of ECHOES) {
    it(`the Region Advisor's live figure failing with ${what} leaks it into no message, log, panel or cache file`, async () => {
      reply = answer;
      // The advisor ranks the newest stored run: make one with the CLI, in the extension's store.
      const io = { cwd: directory, env: { PATH: process.env.PATH }, stdout: () => undefined, stderr: () => undefined };
      assert.equal(await main(['run', '--country', 'FR', '--interval-ms', '100', '--quiet', '--out', join(directory, 'workspace'),
        '--sysfs-root', join(directory, 'no-sysfs'), '--nvidia-smi', join(directory, 'no-nvidia-smi'), '--', 'sleep', '0.3'], io), 0);
      const texts = await extensionTexts(false);
      assert.ok(server.requests.some((request) => request.authToken === KEY), 'the live figure was asked for');
      const posted = texts.find((text) => text.includes('"liveIntensity"')) ?? '';
      assert.match(posted, /"live":false/);
      for (const text of texts) assert.ok(!text.includes(KEY), text.slice(0, 300));
    });
  }

  for (const [what, answer] of ECHOES) {
    it(`carbon-meter intensity --live failing with ${what} prints and caches nothing of it`, async () => {
      reply = answer;
      const out: string[] = [];
      const err: string[] = [];
      const env = { PATH: process.env.PATH, CARBON_METER_ELECTRICITY_MAPS_KEY: KEY, CARBON_METER_ELECTRICITY_MAPS_URL: server.url, CARBON_METER_CACHE_DIR: join(directory, 'cache') };
      const code = await main(['intensity', '--country', 'FR', '--live'], { cwd: directory, env, stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
      assert.equal(code, 0, err.join(''));
      assert.equal(server.requests[0]?.authToken, KEY);
      assert.ok(!out.join('').includes(KEY) && !err.join('').includes(KEY), out.join(''));
      for (const [path, text] of filesUnder(directory)) assert.ok(!text.includes(KEY), path);
    });
  }
});
