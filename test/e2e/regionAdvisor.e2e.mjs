// Part of `npm run test:e2e`: the region advisor in a real VS Code (code-server in headless Chromium, driven by
// playwright-core, as carbonMeter.e2e.mjs). A short task is tracked, then "Carbon Meter: Recommend Cloud Region"
// opens the Region Advisor panel, whose table must list the regions lowest emissions first, in the order the
// CLI's `regions --run` gives for the same stored run; Measured data only and the country filter re-rank it. No network: live intensity stays off.
//   --update-docs   also copy the panel's screenshot to docs/region-advisor.png
//   E2E_KEEP=1      keep the run folder after a pass
//   E2E_VSIX=path   test that package instead of building and packaging this checkout
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createRunDir, ensureInstalled, removeRunDir, repoRoot, tail,
} from '../../scripts/e2e/codeServer.mjs';
import { installExtension, openWorkbench } from './session.mjs';
import { poll } from './steps.mjs';

const TASK = 'Burn CPU (4 s)';
const updateDocs = process.argv.includes('--update-docs');
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

ensureInstalled();
const run = createRunDir({ 'carbonMeter.country': 'IND' });
cpSync(join(repoRoot, 'samples/workspace'), run.ws, { recursive: true });
const shots = join(run.dir, 'screenshots');
mkdirSync(shots);
installExtension(run);
console.log(`e2e (region advisor): packaged and installed the extension (${elapsed()})`);

const { server, context, page, workbench, steps } = await openWorkbench(run);
const state = {};

/** The extension's store for the workspace (its workspaceStorage folder) and the run in it, once written. */
function storedRun() {
  const workspaces = join(run.ud, 'User', 'workspaceStorage');
  try {
    for (const folder of readdirSync(workspaces)) {
      const store = join(workspaces, folder, 'carbon-meter.carbon-meter');
      const file = readdirSync(join(store, 'runs')).find((name) => /^[\w-]+\.json$/.test(name));
      if (file) return { store, runId: file.replace(/\.json$/, '') };
    }
  } catch {
    // Not written yet.
  }
  return undefined;
}

try {
  await steps.run('the workbench loads and the extension activates', async () => {
    await page.goto(server.folderUrl(run.ws));
    await workbench.waitUntilLoaded(60_000);
    await workbench.statusItem('gCO₂e/kWh').first().waitFor({ timeout: 60_000 });
  }, { timeoutMs: 120_000 });

  await steps.run(`a tracked run of "${TASK}" is stored`, async () => {
    await workbench.runCommand('Carbon Meter: Track Task…');
    await workbench.pick('Carbon Meter: Track Task', 'Burn CPU (4', TASK);
    await poll('the status bar to show the run', 20_000, async () => /gCO₂e · [\d.]+ W/.test(await workbench.statusItem('gCO₂e').first().innerText()));
    state.stored = await poll('the run record in the store', 40_000, storedRun, 500);
  }, { timeoutMs: 70_000 });

  await steps.run('"Carbon Meter: Recommend Cloud Region" lists the top regions and opens the panel', async () => {
    await workbench.runCommand('Carbon Meter: Recommend Cloud Region');
    await workbench.quickInput.locator('.quick-input-title', { hasText: 'Carbon Meter: Recommend Cloud Region' }).waitFor({ state: 'visible' });
    const labels = await workbench.quickInput.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
    assert.ok(labels.some((label) => /^[a-z]+:[\w-]+\s+\S/.test(label.trim())), `no region among ${JSON.stringify(labels)}`);
    await page.screenshot({ path: join(shots, 'region-quick-pick.png') });
    await workbench.acceptRow('Open Region Advisor panel');
  });

  await steps.run('the Region Advisor lists the regions lowest emissions first, as the CLI ranks them', async () => {
    const view = workbench.webview();
    const rows = view.locator('#region-table tbody tr[data-region]');
    await poll('the table to fill', 20_000, async () => (await rows.count()) >= 100);
    const table = await rows.evaluateAll((trs) => trs.map((tr) => ({ key: tr.dataset.region, kg: Number(tr.dataset.emissionsKg) })));
    for (let index = 1; index < table.length; index++) {
      assert.ok(table[index].kg >= table[index - 1].kg, `row ${index + 1} (${table[index].key}) emits less than the row above`);
    }
    const { store, runId } = state.stored;
    const cli = JSON.parse(execFileSync(process.execPath, [join(repoRoot, 'dist/cli.js'), 'regions', '--run', runId, '--out', store, '--json'], { encoding: 'utf8' }));
    assert.deepEqual(table.map((row) => row.key), cli.map((row) => `${row.provider}:${row.region}`));
    assert.equal(Number(await view.locator('#region-chart').getAttribute('data-bars')), 11, 'ten regions and here');
    state.rows = table.length;
    state.first = table.slice(0, 3).map((row) => row.key);
    await workbench.runCommand('View: Hide Panel');
    await workbench.runCommand('View: Close Primary Side Bar');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(shots, 'region-advisor.png'), clip: await workbench.editorPart.boundingBox() });
  });

  await steps.run('"Measured data only" goes to the host and comes back re-ranked, with fewer regions', async () => {
    const view = workbench.webview();
    await view.locator('#measured-only').click();
    await poll('fewer rows, still lowest first', 10_000, async () => {
      const kg = await view.locator('#region-table tbody tr[data-region]').evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.emissionsKg)));
      return kg.length > 0 && kg.length < state.rows && kg.every((value, index) => index === 0 || value >= kg[index - 1]);
    });
  });

  await steps.run('the country filter keeps India\'s regions, in the CLI\'s order for --country IND --measured-only', async () => {
    const view = workbench.webview();
    // The select's value set as a pick would set it; its options live in the component's own popup.
    await view.locator('#country-filter').evaluate((select) => {
      select.value = 'IND';
      select.dispatchEvent(new Event('change'));
    });
    const rows = view.locator('#region-table tbody tr[data-region]');
    const table = await poll('only Indian regions', 10_000, async () => {
      const found = await rows.evaluateAll((trs) => trs.map((tr) => ({ key: tr.dataset.region, country: tr.cells[4]?.textContent })));
      return found.length > 0 && found.every((row) => row.country === 'IND') ? found : undefined;
    });
    const { store, runId } = state.stored;
    const cli = JSON.parse(execFileSync(process.execPath, [join(repoRoot, 'dist/cli.js'), 'regions', '--run', runId, '--out', store, '--country', 'IND', '--measured-only', '--json'], { encoding: 'utf8' }));
    assert.deepEqual(table.map((row) => row.key), cli.map((row) => `${row.provider}:${row.region}`));
    assert.notEqual(await view.locator('#distance-hint').innerText(), '', 'the distance field says where it measures from, or why it is off');
    state.india = table.length;
  });
} finally {
  await context.close().catch(() => {});
  await server.stop();
}

const passed = !steps.failed;
console.log(`e2e (region advisor): ${passed ? 'passed' : 'FAILED'} in ${elapsed()}; ${steps.results.filter((r) => r.status === 'passed').length}/${steps.results.length} steps;`
  + ` ${state.rows ?? '?'} regions, first ${state.first?.join(', ') ?? '?'}; ${state.india ?? '?'} measured in India`);
if (passed && updateDocs) {
  copyFileSync(join(shots, 'region-advisor.png'), join(repoRoot, 'docs', 'region-advisor.png'));
  console.log('e2e (region advisor): screenshot copied to docs/region-advisor.png');
}
if (passed && !process.env.E2E_KEEP) {
  removeRunDir(run);
} else {
  if (!passed) console.log(`code-server log:\n${tail(server.logPath, 30)}`);
  console.log(`e2e (region advisor): run folder kept: ${run.dir} (screenshots: ${readdirSync(shots).join(', ')})`);
}
process.exit(passed ? 0 : 1);
