import '../useFakeVscode';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { fake, FakeWebviewPanel, Uri } from '../fakeVscode';
import { CarbonPanel } from '../../../../src/extension/panel/carbonPanel';
import { LiveIntensity } from '../../../../src/extension/regionAdvisor/liveIntensity';
import { RegionAdvisor } from '../../../../src/extension/regionAdvisor/regionAdvisorPanel';
import type { ReportExporter } from '../../../../src/extension/reports/reportExporter';
import { DEFAULT_SETTINGS } from '../../../../src/extension/settings/parseSettings';
import { RunTracker } from '../../../../src/extension/tracking/runTracker';
import { checkPanelToHost } from '../../../../src/protocol/panelMessages';
import { checkAdvisorPanelToHost } from '../../../../src/protocol/regionAdvisorMessages';
import { advisorPanelToHostMessage, panelToHostMessage } from '../../protocol/protocolArbitraries';

const REPO_ROOT = resolve(__dirname, '../../../..');
const EXTENSION_ROOT = '/opt/extensions/carbon-meter';

/** The host's surroundings: a real RunTracker over the shipped data and an empty store, console output captured. */
function setUp() {
  const storageDir = mkdtempSync(join(tmpdir(), 'webview-hosts-'));
  const tracker = new RunTracker({ ...DEFAULT_SETTINGS, nvidiaSmiPath: join(storageDir, 'no-nvidia-smi') }, {
    dataDir: join(REPO_ROOT, 'data'),
    defaultStorageDir: storageDir,
    sysfsRoot: join(storageDir, 'no-sysfs'),
    procRoot: '/proc',
    env: {},
    workspaceDir: () => undefined,
    showWarning: () => undefined,
  });
  const logged: { level: string; text: string }[] = [];
  const original = { warn: console.warn, error: console.error };
  console.warn = (...args: unknown[]) => void logged.push({ level: 'warn', text: args.map(String).join(' ') });
  console.error = (...args: unknown[]) => void logged.push({ level: 'error', text: args.map(String).join(' ') });
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => void rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  return {
    tracker, logged, rejections,
    tearDown: () => {
      Object.assign(console, original);
      process.off('unhandledRejection', onRejection);
      tracker.dispose();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

type Surroundings = ReturnType<typeof setUp>;

/** Lets the host's async handlers run to the end. */
const settle = () => new Promise<void>((done) => setTimeout(done, 30));

const exporterThatFails = { export: async () => { throw new Error('disk on fire'); } } as unknown as ReportExporter;

function openCarbonPanel(tracker: RunTracker): { host: CarbonPanel; panel: FakeWebviewPanel } {
  const host = new CarbonPanel(Uri.file(EXTENSION_ROOT) as never, tracker, exporterThatFails);
  host.show();
  const panel = fake.panels.at(-1);
  assert.ok(panel);
  return { host, panel };
}

function openRegionAdvisor(tracker: RunTracker): { host: RegionAdvisor; panel: FakeWebviewPanel } {
  const live = new LiveIntensity({ secrets: {} as never, enabled: () => false, cacheDir: '/nonexistent', baseUrl: 'http://127.0.0.1:9' });
  const host = new RegionAdvisor(Uri.file(EXTENSION_ROOT) as never, tracker, live);
  host.show();
  const panel = fake.panels.at(-1);
  assert.ok(panel);
  return { host, panel };
}

const HOSTS = [
  { name: 'Carbon Meter panel', open: openCarbonPanel, valid: panelToHostMessage, script: 'webview.js', check: checkPanelToHost,
    invalid: { type: 'exportReport', runId: 'run-1', format: 'pdf' }, reason: /"exportReport": expected one of csv, json, html, md, got "pdf"/ },
  { name: 'Region Advisor', open: openRegionAdvisor, valid: advisorPanelToHostMessage, script: 'regionAdvisor.js', check: checkAdvisorPanelToHost,
    invalid: { type: 'setFilters', filters: { providers: [], measuredOnly: false, maxDistanceKm: -5 } }, reason: /"setFilters": expected a number from 0 to 40000, got -5/ },
] as const;

describe('webview hosts', () => {
  let surroundings: Surroundings;
  beforeEach(() => {
    fake.reset();
    surroundings = setUp();
  });
  afterEach(() => surroundings.tearDown());

  for (const { name, open, valid, script, check, invalid, reason } of HOSTS) {
    describe(name, () => {
      it('lets the webview load only the bundle (dist/) and media/, keeps no hidden context, and runs only its own script', () => {
        const { host, panel } = open(surroundings.tracker);
        assert.deepEqual(panel.options.localResourceRoots?.map((root) => root.fsPath),
          [join(EXTENSION_ROOT, 'dist'), join(EXTENSION_ROOT, 'media')]);
        assert.equal(panel.options.enableScripts, true);
        assert.equal(panel.options.retainContextWhenHidden, undefined);
        const scripts = [...panel.html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((match) => match[1]);
        assert.deepEqual(scripts, [`file://${join(EXTENSION_ROOT, 'dist', script)}`]);
        host.dispose();
      });

      it('makes a fresh 128-bit nonce from crypto for each page, and the CSP allows scripts by that nonce only', () => {
        const nonces = new Set<string>();
        for (let index = 0; index < 20; index++) {
          const { host, panel } = open(surroundings.tracker);
          const nonce = /script-src 'nonce-([^']+)'/.exec(panel.html)?.[1];
          assert.ok(nonce && Buffer.from(nonce, 'base64').length === 16, nonce);
          assert.ok(panel.html.includes(`<script nonce="${nonce}"`));
          assert.doesNotMatch(panel.html, /unsafe-inline|unsafe-eval/);
          nonces.add(nonce);
          host.dispose();
        }
        assert.equal(nonces.size, 20);
      });

      it('drops any malformed message with a logged reason, never throws and never logs the message itself', async () => {
        const { host, panel } = open(surroundings.tracker);
        const secretLooking = 'x'.repeat(5_000);
        await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.anything({ withNullPrototype: true }), fc.constant({ type: 'ready', protocolVersion: secretLooking })), async (raw) => {
          surroundings.logged.length = 0;
          panel.send(raw, true);
          // The message is checked before the handler's first await: a drop is logged at once.
          if (!check(raw).ok) assert.equal(surroundings.logged.filter((entry) => entry.text.includes('dropped a malformed message')).length, 1);
          assert.ok(surroundings.logged.every((entry) => entry.text.length < 500), 'no message is dumped into the log');
          await Promise.resolve();
        }), { numRuns: 200 });
        await settle();
        surroundings.logged.length = 0;
        panel.send(invalid);
        await settle();
        const drops = surroundings.logged.filter((entry) => entry.text.includes('dropped a malformed message'));
        assert.equal(drops.length, 1);
        assert.match(drops[0]?.text ?? '', reason);
        assert.deepEqual(surroundings.rejections, []);
        host.dispose();
      });

      it('handles any well-formed message without an unhandled rejection, a failing handler included', async () => {
        const { host, panel } = open(surroundings.tracker);
        await fc.assert(fc.asyncProperty(valid, async (message) => {
          panel.send(message);
          await settle();
        }), { numRuns: 15 });
        assert.deepEqual(surroundings.rejections, []);
        host.dispose();
      });
    });
  }

  it('logs a failing export instead of throwing from the message handler', async () => {
    const { host, panel } = openCarbonPanel(surroundings.tracker);
    panel.send({ type: 'exportReport', runId: 'run-1', format: 'csv' });
    await settle();
    assert.ok(surroundings.logged.some((entry) => entry.level === 'error' && /"exportReport" request failed/.test(entry.text)), JSON.stringify(surroundings.logged));
    assert.deepEqual(surroundings.rejections, []);
    host.dispose();
  });

  it('reads no file outside the store for a run id a webview names, whatever its path tricks', async () => {
    const { host, panel } = openCarbonPanel(surroundings.tracker);
    for (const runId of ['../../../../etc/passwd', '/etc/passwd', '..', 'runs/../../x', '%2e%2e%2fx', '\u0000']) {
      panel.send({ type: 'selectRun', runId });
    }
    await settle();
    assert.equal(panel.posted.filter((message) => (message as { type: string }).type === 'runDetails').length, 0);
    assert.equal(fake.messages.filter((message) => /could not read run .*no run/i.test(message.text)).length, 6, JSON.stringify(fake.messages));
    assert.deepEqual(surroundings.rejections, []);
    host.dispose();
  });
});
