#!/usr/bin/env node
// Renders the Region Advisor panel in headless Chromium without VS Code: a fake `acquireVsCodeApi` answers
// `ready` with a snapshot the real host code computes (rankRegions over data/cloudRegions.json for a 2.4 kWh
// run in Germany, here being Berlin, the principal city of time zone Europe/Berlin, as the host finds it; mapped
// by src/extension/regionAdvisor/regionAdvisorViews.ts) into the real page from regionAdvisorHtml.ts, CSP
// included, under the Dark Modern and Light Modern theme variables.
//
//   node scripts/renderRegionAdvisor.mjs   build, write docs/region-advisor-dark.png and -light.png, and print
//                                          a check of each page: CSP violations, console errors, rows and their
//                                          order, bars drawn, a re-sort, continent, country and distance filter
//                                          round trips, the left-out regions, the distance field off without
//                                          coordinates, the copy button
//   --no-build                             use dist/ as it is
//
// Chromium: /usr/bin/chromium, or $CHROMIUM. Exits 1 when a check fails.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { THEMES, themeCss } from './webviewThemes.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const WINDOW = '1200,1400';

/** The host side, bundled in memory: the page builder and snapshots from the real ranking. */
async function loadHost() {
  const entry = `
    import { loadIntensityData } from './src/engine/intensity/intensityTable';
    import { resolveLocation } from './src/engine/intensity/location';
    import { originFromPlace } from './src/engine/intensity/rankingOrigin';
    import { DEFAULT_ZONE_TAB_PATH } from './src/engine/intensity/timeZoneCountry';
    import { rankRegions } from './src/engine/intensity/regionRanking';
    import { renderRegionAdvisorHtml } from './src/extension/regionAdvisor/regionAdvisorHtml';
    import { advisorSnapshot, engineFilters, NO_FILTERS } from './src/extension/regionAdvisor/regionAdvisorViews';
    export { renderRegionAdvisorHtml };
    export function snapshots(dataDir) {
      const data = loadIntensityData(dataDir);
      const place = resolveLocation({ flags: { country: 'DEU' }, env: {}, timeZone: undefined, zoneTabPath: '/nonexistent' }, data);
      const origin = originFromPlace(place, data, { timeZone: 'Europe/Berlin', zoneTabPath: DEFAULT_ZONE_TAB_PATH });
      if (!origin.coordinates) throw new Error('no coordinates for Europe/Berlin: is ' + DEFAULT_ZONE_TAB_PATH + ' installed (tzdata)?');
      const run = { id: '5c0f2a9e-7d41-4b8e-9a63-1e2f3a4b5c6d', command: 'python train.py --epochs 3 --amp', startedAtMs: new Date(2026, 10, 23, 14, 5).getTime(), energyKWh: 2.4 };
      const of = (filters, highlighted, here = origin) => advisorSnapshot({
        run, filters, regions: data.cloudRegions, countries: data.countries, highlighted,
        ranking: rankRegions(data.cloudRegions, { energyKWh: run.energyKWh, origin: here }, engineFilters(filters)),
        liveIntensityNote: 'Live intensity is off: turn on carbonMeter.liveIntensity and set a key with "Carbon Meter: Set Electricity Maps API Key".',
      });
      return {
        all: of(NO_FILTERS),
        europe: of({ ...NO_FILTERS, continent: 'Europe' }),
        germany: of({ ...NO_FILTERS, continent: 'Europe', country: 'DEU' }),
        near: of({ ...NO_FILTERS, continent: 'Europe', country: 'DEU', maxDistanceKm: 1000 }),
        unplaced: of(NO_FILTERS, undefined, originFromPlace(place, data)),
      };
    }`;
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'error',
  });
  return import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
}

/** Serves dist/ and media/ under /repo/, the harness files under /harness/. Nothing else. */
function serve(harnessDir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const match = /^\/(repo\/(?:dist|media)|harness)\/([\w./-]+)$/.exec(path);
    if (!match || match[2].includes('..')) {
      response.writeHead(404).end();
      return;
    }
    const file = match[1] === 'harness' ? join(harnessDir, match[2]) : join(root, match[1].slice('repo/'.length), match[2]);
    try {
      response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

function runChromium(work, extraArgs) {
  const profile = mkdtempSync(join(work, 'profile-'));
  const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--hide-scrollbars',
    '--no-first-run', `--user-data-dir=${profile}`, `--window-size=${WINDOW}`, ...extraArgs];
  return new Promise((done, fail) => {
    const child = spawn(chromium, chromiumArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) done(stdout);
      else fail(new Error(`chromium exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

/** The fake VS Code host, loaded before dist/regionAdvisor.js. The findings go into document.title as JSON. */
function fakeHostScript(snapshots) {
  return `'use strict';
(() => {
  const snapshots = ${JSON.stringify(snapshots)};
  const interact = new URLSearchParams(location.search).has('interact');
  const report = { sent: [], cspViolations: [], consoleErrors: [], problems: [] };
  const write = () => { document.title = JSON.stringify(report); };
  document.addEventListener('securitypolicyviolation', (event) => { report.cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline')); write(); });
  window.addEventListener('error', (event) => { report.consoleErrors.push('error: ' + event.message); write(); });
  for (const level of ['error', 'warn']) {
    const original = console[level].bind(console);
    console[level] = (...args) => { report.consoleErrors.push(level + ': ' + args.map(String).join(' ')); original(...args); };
  }
  const send = (message) => window.postMessage(message, '*');
  let state;
  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      report.sent.push(message.type);
      if (message.type === 'ready') {
        send(snapshots.all);
        setTimeout(check, 300);
      } else if (message.type === 'setFilters') {
        report.filtersSent = message.filters;
        const f = message.filters;
        send(f.maxDistanceKm === 1000 ? snapshots.near : f.country === 'DEU' ? snapshots.germany : f.continent === 'Europe' ? snapshots.europe : snapshots.all);
      }
    },
    getState: () => state,
    setState: (value) => { state = value; },
  });

  const keys = () => [...document.querySelectorAll('#region-table tbody tr[data-region]')].map((row) => row.dataset.region);
  function check() {
    const rows = keys();
    report.rows = rows.length;
    report.firstRows = rows.slice(0, 3);
    const expected = snapshots.all.rows.map((row) => row.provider + ':' + row.region);
    if (rows.join() !== expected.join()) report.problems.push('the table is not in rank order');
    const emissions = snapshots.all.rows.map((row) => row.emissionsKg);
    if (emissions.some((value, index) => index > 0 && value < emissions[index - 1])) report.problems.push('the snapshot is not lowest first');
    report.bars = Number(document.getElementById('region-chart').dataset.bars);
    if (report.bars !== 11) report.problems.push('the chart draws ' + report.bars + ' bars, expected 10 regions and here');
    if (document.getElementById('advisor-body').hidden) report.problems.push('the body is hidden');
    const codicons = [...document.fonts].some((font) => font.family.includes('codicon') && font.status === 'loaded');
    if (!codicons) report.problems.push('the codicon font did not load');
    if (!interact) return finish();
    // Sort by provider (ascending), then back by rank; a continent filter goes to the host and back.
    const header = (label) => [...document.querySelectorAll('#region-table th button')].find((button) => button.textContent.trim().startsWith(label));
    header('Provider').click();
    const byProvider = keys().map((key) => key.split(':')[0]);
    if (byProvider.join() !== [...byProvider].sort().join()) report.problems.push('sorting by provider did not');
    header('#').click();
    header('#').click();
    if (keys()[0] !== expected[expected.length - 1]) report.problems.push('rank descending does not start with the last region');
    header('#').click();
    const select = document.getElementById('continent-filter');
    select.value = 'Europe';
    select.dispatchEvent(new Event('change'));
    setTimeout(() => {
      if (report.filtersSent?.continent !== 'Europe') report.problems.push('the continent filter was not sent');
      report.europeRows = keys().length;
      if (report.europeRows !== snapshots.europe.rows.length) report.problems.push('the Europe snapshot shows ' + report.europeRows + ' rows');
      const country = document.getElementById('country-filter');
      country.value = 'DEU';
      country.dispatchEvent(new Event('change'));
      setTimeout(() => {
        if (report.filtersSent?.country !== 'DEU') report.problems.push('the country filter was not sent');
        report.germanyRows = keys().length;
        if (report.germanyRows !== snapshots.germany.rows.length) report.problems.push('the Germany snapshot shows ' + report.germanyRows + ' rows');
        const distance = document.getElementById('max-distance');
        if (distance.disabled) report.problems.push('the distance field is off though here has coordinates');
        distance.value = '1000';
        distance.dispatchEvent(new Event('change'));
        setTimeout(() => {
          if (report.filtersSent?.maxDistanceKm !== 1000) report.problems.push('the distance filter was not sent');
          report.nearRows = keys().length;
          if (report.nearRows !== snapshots.near.rows.length) report.problems.push('the distance snapshot shows ' + report.nearRows + ' rows');
          report.excludedNote = document.getElementById('excluded-note').textContent;
          if (snapshots.near.excludedCount > 0 && (document.getElementById('excluded-details').hidden || !report.excludedNote.includes('without coordinates'))) {
            report.problems.push('the regions without coordinates are not listed: ' + report.excludedNote);
          }
          send(snapshots.unplaced);
          setTimeout(() => {
            if (!distance.disabled) report.problems.push('the distance field is on though here has no coordinates');
            report.distanceOffHint = document.getElementById('distance-hint').textContent;
            if (!report.distanceOffHint.startsWith('Off:')) report.problems.push('no explanation for the distance field being off');
            document.getElementById('copy-summary').click();
            if (!report.sent.includes('copySummary')) report.problems.push('Copy summary sent nothing');
            finish();
          }, 200);
        }, 200);
      }, 200);
    }, 200);
  }
  function finish() {
    if (report.cspViolations.length > 0) report.problems.push('CSP violations: ' + report.cspViolations.join('; '));
    if (report.consoleErrors.length > 0) report.problems.push('console: ' + report.consoleErrors.join('; '));
    report.done = true;
    write();
  }
})();
`;
}

async function main() {
  if (!args.includes('--no-build')) {
    const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) return true;
  }
  const { renderRegionAdvisorHtml, snapshots } = await loadHost();
  const work = mkdtempSync(join(tmpdir(), 'carbon-meter-advisor-'));
  const server = await serve(work);
  const origin = `http://127.0.0.1:${server.address().port}`;
  let failed = false;
  try {
    writeFileSync(join(work, 'fake-host.js'), fakeHostScript(snapshots(join(root, 'data'))));
    mkdirSync(join(root, 'docs'), { recursive: true });
    for (const theme of THEMES) {
      writeFileSync(join(work, `theme-${theme.name}.css`), themeCss(theme));
      const nonce = 'harnessNonce0123456789AB';
      const script = `<script nonce="${nonce}" src="${origin}/repo/dist/regionAdvisor.js"></script>`;
      const html = renderRegionAdvisorHtml({
        cspSource: origin, nonce, scriptUri: `${origin}/repo/dist/regionAdvisor.js`, panelStyleUri: `${origin}/repo/media/panel.css`,
        styleUri: `${origin}/repo/media/regionAdvisor.css`, codiconsUri: `${origin}/repo/dist/codicons/codicon.css`,
      });
      if (!html.includes(script)) throw new Error('renderRegionAdvisorHtml no longer has the shape this harness edits');
      writeFileSync(join(work, `${theme.name}.html`), html
        .replace('</head>', `<link rel="stylesheet" href="${origin}/harness/theme-${theme.name}.css">\n</head>`)
        .replace('<body>', `<body class="${theme.bodyClass}" data-vscode-theme-kind="${theme.bodyClass}">`)
        .replace(script, `<script nonce="${nonce}" src="${origin}/harness/fake-host.js"></script>\n${script}`));
      const url = `${origin}/harness/${theme.name}.html`;
      const dom = await runChromium(work, ['--virtual-time-budget=5000', '--dump-dom', `${url}?interact`]);
      const title = /<title>([^<]*)<\/title>/.exec(dom)?.[1] ?? '';
      if (!title.startsWith('{')) throw new Error(`the harness wrote no report; page title: ${title}`);
      const report = JSON.parse(title.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
      const png = join(root, 'docs', `region-advisor-${theme.name}.png`);
      await runChromium(work, ['--virtual-time-budget=5000', `--screenshot=${png}`, url]);
      console.log(`${theme.label}: docs/region-advisor-${theme.name}.png`);
      console.log(`  rows ${report.rows} (first ${report.firstRows?.join(', ')}), bars ${report.bars}, Europe rows ${report.europeRows}, Germany rows ${report.germanyRows},`
        + ` within 1000 km ${report.nearRows}; sent ${report.sent.join(', ')}`);
      console.log(`  left out: ${report.excludedNote}`);
      console.log(`  without coordinates: ${report.distanceOffHint}`);
      console.log(`  CSP violations: ${report.cspViolations.length}; console errors and warnings: ${report.consoleErrors.length}`);
      for (const problem of report.problems) console.error(`  problem: ${problem}`);
      if (!report.done || report.problems.length > 0) failed = true;
    }
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
  return failed;
}

process.exit((await main()) ? 1 : 0);
