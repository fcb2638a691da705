// Part of `npm run test:e2e`: VS Code's extension host killed with SIGKILL while Carbon Meter tracks a task, in a
// real VS Code (code-server in headless Chromium, driven by playwright-core, as carbonMeter.e2e.mjs). The run's
// journal names its writer, the extension host's pid; after the kill the workbench restarts the extension host,
// whose activation recovers the run as `interrupted` up to its last sample, and the panel's history shows it so.
//   E2E_KEEP=1      keep the run folder after a pass
//   E2E_VSIX=path   test that package instead of building and packaging this checkout
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createRunDir, ensureInstalled, removeRunDir, repoRoot, tail,
} from '../../scripts/e2e/codeServer.mjs';
import { installExtension, openWorkbench } from './session.mjs';
import { poll } from './steps.mjs';

const TASK = 'Burn CPU (20 s)';
const INTERVAL_MS = 500;
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

ensureInstalled();
const run = createRunDir({ 'carbonMeter.country': 'IND', 'carbonMeter.samplingIntervalMs': INTERVAL_MS });
// A known store folder, so the test reads the journal and the recovered record where the extension writes them.
const store = join(run.dir, 'store');
const runs = join(store, 'runs');
// storageLocation is machine-scoped: in code-server's remote window VS Code reads it from the Machine settings only.
mkdirSync(join(run.ud, 'Machine'), { recursive: true });
writeFileSync(join(run.ud, 'Machine', 'settings.json'), `${JSON.stringify({ 'carbonMeter.storageLocation': store }, null, 2)}\n`);
cpSync(join(repoRoot, 'samples/workspace'), run.ws, { recursive: true });
installExtension(run);
console.log(`e2e (crash recovery): packaged and installed the extension (${elapsed()})`);

const { server, context, page, workbench, steps } = await openWorkbench(run);
const state = {};

/** The journal of the run being tracked: its header and its whole sample lines. */
function readJournal() {
  let names;
  try {
    names = readdirSync(runs);
  } catch {
    return undefined;
  }
  const name = names.find((candidate) => candidate.endsWith('.partial.jsonl'));
  if (!name) return undefined;
  const lines = readFileSync(join(runs, name), 'utf8').split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
  const header = lines.find((line) => line.kind === 'header');
  return header ? { header, samples: lines.filter((line) => line.kind === 'sample') } : undefined;
}

function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

try {
  await steps.run('the workbench loads and the extension activates', async () => {
    await page.goto(server.folderUrl(run.ws));
    await workbench.waitUntilLoaded(60_000);
    await workbench.statusItem('gCO₂e/kWh').first().waitFor({ timeout: 60_000 });
  }, { timeoutMs: 130_000 });

  await steps.run(`"Carbon Meter: Track Task…" runs "${TASK}" and its journal grows`, async () => {
    await workbench.runCommand('Carbon Meter: Track Task…');
    await workbench.pick('Carbon Meter: Track Task', 'Burn CPU (20', TASK);
    const journal = await poll('3 samples in the run journal', 20_000, () => {
      const read = readJournal();
      return read && read.samples.length >= 3 ? read : undefined;
    });
    state.runId = journal.header.run.id;
    state.hostPid = journal.header.writer.pid;
    assert.match(commandLine(state.hostPid), /extensionHost/, `the journal's writer ${state.hostPid} is the extension host`);
  });

  await steps.run('kill -9 of the extension host mid-run', async () => {
    await page.waitForTimeout(INTERVAL_MS * 0.75);
    state.killedAtMs = Date.now();
    process.kill(state.hostPid, 'SIGKILL');
    state.journalAtKill = await poll('the extension host to be gone', 5_000, () => (commandLine(state.hostPid) === '' ? readJournal() : undefined));
  });

  await steps.run('the restarted extension host recovers the run as interrupted, up to its last sample', async () => {
    // The workbench restarts a crashed extension host by itself; if it asks instead, answer as a user would.
    const recordPath = join(runs, `${state.runId}.json`);
    const record = await poll('the recovered record', 60_000, async () => {
      const restart = page.getByRole('button', { name: /Restart Extension Host/i });
      if (await restart.first().isVisible().catch(() => false)) await restart.first().click().catch(() => {});
      try {
        return JSON.parse(readFileSync(recordPath, 'utf8'));
      } catch {
        return undefined;
      }
    }, 500);
    const last = state.journalAtKill.samples.at(-1);
    assert.equal(record.status, 'interrupted');
    assert.equal(record.samples.length, state.journalAtKill.samples.length);
    assert.equal(record.endedAtMs, last.sample.timestampMs);
    assert.equal(record.emissionsKg, last.totals.emissionsKg);
    assert.ok(record.emissionsKg > 0 && record.energyKWh > 0);
    state.lostMs = state.killedAtMs - record.endedAtMs;
    assert.ok(state.lostMs >= 0 && state.lostMs <= INTERVAL_MS + 500, `${state.lostMs} ms between the last sample and the kill`);
    // Recovery writes the record first, then appends the CSV row: wait for the row too.
    const rows = await poll('the recovered run\'s emissions.csv row', 10_000, () => {
      try {
        const matching = readFileSync(join(store, 'emissions.csv'), 'utf8').split('\n').filter((line) => line.includes(state.runId));
        return matching.length > 0 ? matching : undefined;
      } catch {
        return undefined;
      }
    }, 200);
    assert.equal(rows.length, 1, 'one emissions.csv row');
    // The claimed journal is deleted last, once the record and the row are written.
    await poll('the recovered journal to be removed', 10_000, () => {
      const left = readdirSync(runs).filter((name) => name.includes(state.runId));
      return left.length === 1 && left[0] === `${state.runId}.json` ? left : undefined;
    }, 200);
    state.record = record;
  }, { timeoutMs: 70_000 });

  await steps.run('the panel\'s history shows the run as interrupted', async () => {
    await workbench.runCommand('Carbon Meter: Open Panel');
    const row = workbench.webview().locator(`#history [data-run-id="${state.runId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.locator('.status-interrupted').waitFor({ timeout: 5_000 });
    assert.match(await row.getAttribute('title'), /interrupted/i);
    await page.screenshot({ path: join(run.dir, 'history-interrupted.png') });
  }, { timeoutMs: 45_000 });
} finally {
  await context.close().catch(() => {});
  await server.stop();
}

const passed = !steps.failed;
console.log(`e2e (crash recovery): ${passed ? 'passed' : 'FAILED'} in ${elapsed()}; ${steps.results.filter((r) => r.status === 'passed').length}/${steps.results.length} steps`);
if (state.record) {
  console.log(`e2e (crash recovery): run ${state.runId} recovered with ${state.record.samples.length} samples, ${state.record.energyKWh} kWh, `
    + `${state.record.emissionsKg} kg CO₂e; ${state.lostMs} ms between its last sample and the kill (interval ${INTERVAL_MS} ms)`);
}
if (passed && !process.env.E2E_KEEP) {
  removeRunDir(run);
} else {
  if (!passed) console.log(`code-server log:\n${tail(server.logPath, 30)}`);
  console.log(`e2e (crash recovery): run folder kept: ${run.dir}`);
}
process.exit(passed ? 0 : 1);
