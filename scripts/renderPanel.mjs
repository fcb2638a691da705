#!/usr/bin/env node
// Renders the live panel in headless Chromium without VS Code: a fake `acquireVsCodeApi` replays a
// realistic run (60 s, CPU-bound, with a GPU; history of two projects) into the real page from
// src/extension/panel/panelHtml.ts, CSP included, under the Dark Modern and Light Modern theme variables.
//
//   node scripts/renderPanel.mjs            build, write docs/panel-dark.png and docs/panel-light.png, and
//                                           print a check of each page: CSP violations, console errors,
//                                           points drawn, messages the panel sent; and the page before any run
//   node scripts/renderPanel.mjs --bench    time 300 sample updates (parse, state, DOM with its style and
//                                           layout, both charts) and print the median and p95 in ms
//   --no-build                              use dist/ as it is
//
// Chromium: /usr/bin/chromium, or $CHROMIUM; $CHROMIUM_FLAGS adds flags (e.g. --js-flags=--prof for a V8
// profile). Exits 1 when a check fails.
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
const bench = args.includes('--bench');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const WINDOW = '1200,1100';
const BENCH_UPDATES = 300;

/** Loads a TypeScript module by bundling it in memory (panelHtml.ts imports nothing). */
async function importTypeScript(file) {
  const result = await esbuild.build({ entryPoints: [file], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'error' });
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
      const body = readFileSync(file);
      response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

function runChromium({ work }, extraArgs) {
  const profile = mkdtempSync(join(work, 'profile-'));
  const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--hide-scrollbars',
    '--no-first-run', `--user-data-dir=${profile}`, `--window-size=${WINDOW}`, ...(process.env.CHROMIUM_FLAGS ?? '').split(' ').filter(Boolean), ...extraArgs];
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

/** The harness writes its findings as JSON into document.title; --dump-dom brings the page back. */
async function readReport(harness, url, virtualTimeMs) {
  const dom = await runChromium(harness, [...(virtualTimeMs ? [`--virtual-time-budget=${virtualTimeMs}`] : []), '--dump-dom', url]);
  const title = /<title>([^<]*)<\/title>/.exec(dom)?.[1];
  if (!title?.startsWith('{')) throw new Error(`the harness wrote no report; page title: ${title}`);
  return JSON.parse(title.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}

function harnessPage({ renderPanelHtml, origin }, theme, mode) {
  const nonce = 'harnessNonce0123456789AB';
  const html = renderPanelHtml({
    cspSource: origin,
    nonce,
    scriptUri: `${origin}/repo/dist/webview.js`,
    styleUri: `${origin}/repo/media/panel.css`,
    codiconsUri: `${origin}/repo/dist/codicons/codicon.css`,
  });
  const panelScript = `<script nonce="${nonce}" src="${origin}/repo/dist/webview.js"></script>`;
  if (!html.includes(panelScript) || !html.includes('<body>')) throw new Error('renderPanelHtml no longer has the shape this harness edits');
  return html
    // VS Code puts the theme's variables on <html> and its kind as a body class.
    .replace('</head>', `<link rel="stylesheet" href="${origin}/harness/theme-${theme.name}.css">\n</head>`)
    .replace('<body>', `<body class="${theme.bodyClass}" data-vscode-theme-kind="${theme.bodyClass}" data-vscode-theme-name="${theme.label}">`)
    .replace(panelScript, [
      `<script nonce="${nonce}" src="${origin}/harness/fake-host.js" data-mode="${mode}"></script>`,
      panelScript,
      mode === 'bench' ? `<script nonce="${nonce}" src="${origin}/harness/bench.js"></script>` : '',
    ].join('\n'));
}

/** A deterministic run: 60 one-second samples of a CPU-bound job on a machine with an NVIDIA GPU. */
function buildScenario() {
  let seed = 42;
  const random = () => {
    // mulberry32: the same "noise" on every render.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const startedAtMs = new Date(2026, 10, 23, 14, 5, 0).getTime();
  const runId = '5c0f2a9e-7d41-4b8e-9a63-1e2f3a4b5c6d';
  const intensityGramsPerKWh = 381;
  const pue = 1;
  /** `gpuBusy`: the share of each minute the GPU computes (a training job), else short bursts. */
  const makeSamples = (count, id, start, gpuBusy = 0.2) => {
    const samples = [];
    let energyKWh = 0;
    for (let index = 1; index <= count; index++) {
      const ramp = Math.min(1, index / 4);
      const cpu = ramp * (41 + 7 * Math.sin(index / 6) + 4 * (random() - 0.5)) + 2;
      const gpu = (index % 60) / 60 >= 0.37 && (index % 60) / 60 < 0.37 + gpuBusy
        ? (gpuBusy > 0.5 ? 290 : 58) + 10 * random() : 9 + 2 * random();
      const ram = 3.1 + 0.2 * random();
      energyKWh += ((cpu + gpu + ram) * 1000) / 3_600_000_000;
      samples.push({
        runId: id, timestampMs: start + index * 1000, intervalMs: 1000,
        powerWatts: { cpu, gpu, ram }, energyKWh, emissionsKg: (energyKWh * pue * intensityGramsPerKWh) / 1000,
        cpuUtilizationPercent: Math.min(100, 80 * ramp + 10 * random()), gpuUtilizationPercent: gpu > 30 ? 85 : 3,
      });
    }
    return samples;
  };
  const equivalentsFor = (emissionsKg) => [
    { id: 'car-km', label: 'km driven by a new petrol car', amount: emissionsKg / 0.133, source: 'CodeCarbon dashboard: European Environment Agency CO2 cars database, new gasoline car in Europe, 2023' },
    { id: 'tv-hours', label: 'hours of TV (32-inch LCD)', amount: emissionsKg / 0.097, source: 'CodeCarbon carbonboard: 32-inch LCD flat screen TV' },
    { id: 'household-days', label: "days of a US household's energy use", amount: emissionsKg / 22.94, source: 'CodeCarbon carbonboard, US EPA household figures' },
  ];
  const sources = [
    { component: 'cpu', sourceId: 'rapl', estimated: false, description: 'RAPL package-0 energy counter (AMD Ryzen 9 7950X)' },
    { component: 'gpu', sourceId: 'nvidia-smi', estimated: false, description: 'NVIDIA GeForce RTX 4090: power.draw, 1 s average' },
    { component: 'ram', sourceId: 'ram-model', estimated: true, description: '0.375 W/GiB × 62.5 GiB installed (CodeCarbon ≤ 2.x: 3 W per 8 GB)' },
  ];
  const summaryOf = (id, samples, fields) => {
    const last = samples[samples.length - 1];
    return {
      id, projectName: 'carbon-meter', experimentName: 'cpu burn', command: 'node samples/workspace/cpuBurn.mjs --seconds 60',
      status: 'running', exitCode: undefined, startedAtMs, endedAtMs: last.timestampMs,
      durationSeconds: (last.timestampMs - startedAtMs) / 1000, trackingMode: 'process', energyKWh: last.energyKWh,
      emissionsKg: last.emissionsKg, pue, intensityGramsPerKWh, locationLabel: 'Germany (DEU)', estimated: true, ...fields,
    };
  };
  const runViewOf = (summary, samples) => {
    const componentEnergyKWh = { cpu: 0, gpu: 0, ram: 0 };
    for (const sample of samples) for (const key of ['cpu', 'gpu', 'ram']) componentEnergyKWh[key] += (sample.powerWatts[key] * sample.intervalMs) / 3_600_000_000;
    const seconds = Math.max(summary.durationSeconds, 1e-9);
    return {
      summary, componentEnergyKWh,
      averagePowerWatts: Object.fromEntries(Object.entries(componentEnergyKWh).map(([key, kWh]) => [key, (kWh * 3_600_000) / seconds])),
      intensitySource: 'Ember and Energy Institute via Our World in Data, 2024 (CC BY 4.0)',
      sources, equivalents: equivalentsFor(summary.emissionsKg), samples,
      // A finished run's share of making the machine (SCI), as runViews.embodiedView sends it.
      ...(summary.status === 'running' ? {} : {
        // 296 kg × (the run's hours ÷ 4 years of 8,760 h) × 98 % of the CPU time.
        embodied: {
          embodiedKg: (296 * summary.durationSeconds * 0.98) / 3600 / 35_040, operationalKg: summary.emissionsKg,
          items: [{
            label: 'a typical desktop (desktop CPU "AMD Ryzen 7 5800X")', embodiedKg: (296 * summary.durationSeconds * 0.98) / 3600 / 35_040,
            method: `TE 296 kg CO₂e (Boavizta environmental-footprint-data, median of 237 desktops) × TR ${(summary.durationSeconds / 3600).toPrecision(3)} h (the run's duration) ÷ EL 4 years (Boavizta) × RR 98 % (the task's share of the machine's CPU time)`,
          }],
        },
      }),
    };
  };

  const allSamples = makeSamples(60, runId, startedAtMs);
  const initial = allSamples.slice(0, 40);
  const liveRun = runViewOf(summaryOf(runId, initial, {}), initial);

  const hour = 3_600_000;
  const details = {};
  /** A finished run of `seconds` at 1 Hz: its summary for the history, its whole record for runDetails. */
  const past = (index, projectName, experimentName, command, hoursAgo, seconds, gpuBusy, fields = {}) => {
    const id = `past-${index}-0000-4000-8000-000000000000`;
    const start = startedAtMs - hoursAgo * hour;
    const samples = makeSamples(seconds, id, start, gpuBusy);
    const last = samples[samples.length - 1];
    const summary = {
      id, projectName, experimentName, command, status: 'finished', exitCode: 0,
      startedAtMs: start, endedAtMs: last.timestampMs, durationSeconds: seconds, trackingMode: 'process', energyKWh: last.energyKWh,
      emissionsKg: last.emissionsKg, pue, intensityGramsPerKWh, locationLabel: 'Germany (DEU)', estimated: true, ...fields,
    };
    details[id] = runViewOf(summary, samples);
    return summary;
  };
  const recentRuns = [
    summaryOf(runId, initial, {}),
    past(1, 'carbon-meter', 'cpu burn', 'node samples/workspace/cpuBurn.mjs --seconds 30', 2, 30, 0.2),
    past(2, 'carbon-meter', 'unit tests', 'npm test', 5, 48, 0),
    past(3, 'carbon-meter', 'unit tests', 'npm test', 26, 52, 0, { status: 'failed', exitCode: 1 }),
    past(4, 'resnet-training', 'resnet50 fp16', 'python train.py --epochs 3 --amp', 20, 2710, 0.6),
    past(5, 'resnet-training', 'resnet50 fp16', 'python train.py --epochs 1 --amp', 28, 955, 0.6, { status: 'interrupted', exitCode: undefined }),
    past(6, 'resnet-training', 'baseline fp32', 'python train.py --epochs 1', 30, 1642, 0.6),
  ];

  // The host sums the stored runs with the engine's groupTeamRuns (runViews.projectsView); the same sums here.
  const projects = (() => {
    const week = 7 * 86_400_000;
    const mondayOf = (ms) => 4 * 86_400_000 + Math.floor((ms - 4 * 86_400_000) / week) * week;
    const finished = recentRuns.filter((run) => run.status !== 'running');
    const last = mondayOf(Math.max(...finished.map((run) => run.endedAtMs)));
    const weeks = Array.from({ length: 8 }, (_, index) => last - (7 - index) * week).map((weekStartMs) => {
      const inWeek = finished.filter((run) => mondayOf(run.endedAtMs) === weekStartMs);
      return {
        weekStartMs, runs: inWeek.length,
        energyKWh: inWeek.reduce((sum, run) => sum + run.energyKWh, 0), emissionsKg: inWeek.reduce((sum, run) => sum + run.emissionsKg, 0),
      };
    }).filter((entry, index, all) => all.slice(0, index + 1).some((earlier) => earlier.runs > 0));
    const tasks = new Map();
    for (const run of finished) {
      const key = JSON.stringify([run.projectName, run.command]);
      const entry = tasks.get(key) ?? { project: run.projectName, task: run.command, runs: 0, energyKWh: 0, emissionsKg: 0 };
      tasks.set(key, { ...entry, runs: entry.runs + 1, energyKWh: entry.energyKWh + run.energyKWh, emissionsKg: entry.emissionsKg + run.emissionsKg });
    }
    return { weeks, topTasks: [...tasks.values()].sort((a, b) => b.emissionsKg - a.emissionsKg).slice(0, 5) };
  })();

  const diagnostics = {
    components: [
      { component: 'cpu', inUse: 'rapl', estimated: false, description: 'RAPL package-0 energy counter (AMD Ryzen 9 7950X)', attempts: [
        { sourceId: 'rapl', accepted: true, detail: 'package-0 readable at /sys/class/powercap/intel-rapl:0', fix: undefined },
      ] },
      { component: 'gpu', inUse: 'nvidia-smi', estimated: false, description: 'NVIDIA GeForce RTX 4090: power.draw, 1 s average', attempts: [
        { sourceId: 'nvidia-smi', accepted: true, detail: '1 GPU with a power reading', fix: undefined },
        { sourceId: 'amd-hwmon', accepted: false, detail: 'no amdgpu hwmon under /sys/class/drm/card*/device/hwmon', fix: undefined },
      ] },
      { component: 'ram', inUse: 'ram-model', estimated: true, description: '0.375 W/GiB × 62.5 GiB installed (CodeCarbon ≤ 2.x: 3 W per 8 GB)', attempts: [
        { sourceId: 'rapl', accepted: false, detail: 'intel-rapl:0:2 (dram) energy_uj is readable by root only (Linux ≥ 5.10, CVE-2020-8694)', fix: 'sudo chmod a+r /sys/class/powercap/intel-rapl:0:2/energy_uj' },
        { sourceId: 'ram-model', accepted: true, detail: 'estimated from installed memory', fix: undefined },
      ] },
    ],
  };

  // For the benchmark: a 10-minute run, so the charts start full (600 points) and thin as they go.
  const benchSamples = makeSamples(600 + BENCH_UPDATES, runId, startedAtMs);
  const benchInitial = benchSamples.slice(0, 600);
  const benchRun = runViewOf(summaryOf(runId, benchInitial, {}), benchInitial);

  return {
    snapshot: { type: 'snapshot', run: liveRun, recentRuns, diagnostics, projects },
    stream: allSamples.slice(40),
    details,
    bench: { snapshot: { type: 'snapshot', run: benchRun, recentRuns, diagnostics }, samples: benchSamples.slice(600) },
  };
}

/** The fake VS Code host, loaded before dist/webview.js. */
function fakeHostScript(scenario) {
  return `'use strict';
(() => {
  const scenario = ${JSON.stringify(scenario)};
  const mode = document.currentScript.dataset.mode;
  const report = { sent: [], cspViolations: [], consoleErrors: [], problems: [] };
  window.__harness = { scenario, report };
  document.addEventListener('securitypolicyviolation', (event) => {
    report.cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
    writeReport();
  });
  window.addEventListener('error', (event) => { report.consoleErrors.push('error: ' + event.message); writeReport(); });
  for (const level of ['error', 'warn']) {
    const original = console[level].bind(console);
    console[level] = (...args) => { report.consoleErrors.push(level + ': ' + args.map(String).join(' ')); original(...args); };
  }
  const send = (message) => window.postMessage(message, '*');
  let persisted;
  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      report.sent.push(message.type + (message.format ? ':' + message.format : ''));
      if (mode === 'bench') return;
      if (mode === 'empty' && message.type === 'ready') {
        send({ type: 'snapshot', run: undefined, recentRuns: [], diagnostics: undefined });
        setTimeout(checkEmpty, 100);
        return;
      }
      if (message.type === 'ready') {
        send(scenario.snapshot);
        scenario.stream.forEach((sample, index) => setTimeout(() => send({ type: 'sample', sample }), 200 + index * 1000));
        setTimeout(finish, 200 + scenario.stream.length * 1000 + 200);
      } else if (message.type === 'selectRun' && scenario.details[message.runId]) {
        setTimeout(() => send({ type: 'runDetails', run: scenario.details[message.runId] }), 10);
      }
    },
    getState: () => persisted,
    setState: (state) => { persisted = state; },
  });

  // After the stream, a malformed message must be dropped (and logged) without breaking the panel.
  function finish() {
    send({ type: 'sample', sample: { runId: 'x', timestampMs: -1 } });
    setTimeout(() => {
      const expectedWarnings = report.consoleErrors.filter((line) => line.includes('dropped a malformed message'));
      if (expectedWarnings.length !== 1) report.problems.push('the malformed message was not logged once');
      report.consoleErrors = report.consoleErrors.filter((line) => !expectedWarnings.includes(line));
      check();
      writeReport();
      if (new URLSearchParams(location.search).has('interact')) interact();
    }, 50);
  }

  // The report run (not the screenshot) also clicks through: a past run, its export, diagnostics, back.
  function interact() {
    const past = scenario.snapshot.recentRuns[4];
    const click = (selector) => {
      const target = document.querySelector(selector);
      if (target) target.click();
      else report.problems.push('nothing to click at ' + selector);
    };
    click('#history [data-run-id="' + past.id + '"]');
    setTimeout(() => {
      const title = document.getElementById('run-title').textContent;
      if (title !== past.command) report.problems.push('after picking a past run the title is ' + JSON.stringify(title));
      report.pastRunPoints = Number(document.getElementById('power-chart').getAttribute('data-points'));
      report.pastRunEmbodiedItems = document.querySelectorAll('#embodied .embodied-item').length;
      if (report.pastRunEmbodiedItems !== 1) report.problems.push('the past run shows ' + report.pastRunEmbodiedItems + ' embodied items, not 1');
      click('[data-export="md"]');
      click('#open-diagnostics');
      click('#show-live');
      const back = document.getElementById('run-title').textContent;
      if (back !== scenario.snapshot.run.summary.command) report.problems.push('the live run did not come back: ' + JSON.stringify(back));
      for (const expected of ['selectRun', 'exportReport:md', 'openDiagnostics']) {
        if (!report.sent.includes(expected)) report.problems.push('the panel did not send ' + expected);
      }
      switchTheme();
    }, 100);
  }

  // VS Code swaps the variables and the body class together; the charts must repaint in the new colours.
  function switchTheme() {
    const before = canvasHash();
    const link = document.querySelector('link[href*="/harness/theme-"]');
    const toLight = document.body.classList.contains('vscode-dark');
    link.addEventListener('load', () => {
      document.body.classList.replace(toLight ? 'vscode-dark' : 'vscode-light', toLight ? 'vscode-light' : 'vscode-dark');
      setTimeout(() => {
        if (canvasHash() === before) report.problems.push('the charts did not follow a theme change');
        report.themeSwitched = true;
        writeReport();
      }, 100);
    }, { once: true });
    link.href = link.href.replace(toLight ? 'theme-dark' : 'theme-light', toLight ? 'theme-light' : 'theme-dark');
  }

  function canvasHash() {
    const canvas = document.getElementById('power-chart');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 0;
    for (let index = 0; index < pixels.length; index += 4) hash = (hash * 31 + pixels[index] + 7 * pixels[index + 1] + 13 * pixels[index + 2]) | 0;
    return hash;
  }

  function check() {
    const points = (id) => Number(document.getElementById(id)?.getAttribute('data-points'));
    report.powerPoints = points('power-chart');
    report.emissionsPoints = points('emissions-chart');
    report.emissions = document.getElementById('figure-emissions')?.textContent;
    report.historyRows = document.querySelectorAll('#history [data-run-id]').length;
    const expectedPoints = scenario.snapshot.run.samples.length + scenario.stream.length;
    if (report.powerPoints !== expectedPoints || report.emissionsPoints !== expectedPoints) {
      report.problems.push('charts draw ' + report.powerPoints + '/' + report.emissionsPoints + ' points, expected ' + expectedPoints);
    }
    if (!report.sent.includes('ready')) report.problems.push('the panel never sent ready');
    if (!document.getElementById('empty-state').hidden) report.problems.push('the empty state shows beside a run');
    if (report.cspViolations.length > 0) report.problems.push('CSP violations: ' + report.cspViolations.join('; '));
    if (report.consoleErrors.length > 0) report.problems.push('console: ' + report.consoleErrors.join('; '));
    const codicons = [...document.fonts].some((font) => font.family.includes('codicon') && font.status === 'loaded');
    if (!codicons) report.problems.push('the codicon font did not load');
  }

  // Before any run: the hint shows, the run's parts do not, and nothing is drawn.
  function checkEmpty() {
    const empty = document.getElementById('empty-state');
    if (empty.hidden) report.problems.push('no empty state before the first run');
    if (!empty.textContent.includes('Track Task')) report.problems.push('the empty state has no hint');
    if (!document.getElementById('run-details').hidden) report.problems.push('run details show without a run');
    if (document.getElementById('power-chart').getAttribute('data-points') !== '0') report.problems.push('points drawn without a run');
    if (report.cspViolations.length > 0) report.problems.push('CSP violations: ' + report.cspViolations.join('; '));
    if (report.consoleErrors.length > 0) report.problems.push('console: ' + report.consoleErrors.join('; '));
    report.emptyChecked = true;
    writeReport();
  }

  function writeReport() {
    document.title = JSON.stringify(report);
  }
})();
`;
}

/** Runs after dist/webview.js in --bench: N sample updates, each timed synchronously. */
function benchScript() {
  return `'use strict';
(() => {
  const { scenario, report } = window.__harness;
  const deliver = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
  deliver(scenario.bench.snapshot);
  const canvas = document.getElementById('power-chart');
  const times = [];
  let minPoints = Infinity;
  let maxPoints = 0;
  for (const sample of scenario.bench.samples) {
    const start = performance.now();
    deliver({ type: 'sample', sample });
    // Style and layout of the changed text are part of the update's cost too; force them in the timing.
    void document.body.getBoundingClientRect();
    times.push(performance.now() - start);
    const points = Number(canvas.getAttribute('data-points'));
    minPoints = Math.min(minPoints, points);
    maxPoints = Math.max(maxPoints, points);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  Object.assign(report, {
    updates: times.length, p10Ms: at(0.1), medianMs: at(0.5), p95Ms: at(0.95), maxMs: sorted[sorted.length - 1], minPoints, maxPoints,
    device: navigator.userAgent.includes('Headless') ? 'headless Chromium, software canvas' : navigator.userAgent,
  });
  if (report.cspViolations.length > 0) report.problems.push('CSP violations: ' + report.cspViolations.join('; '));
  if (report.consoleErrors.length > 0) report.problems.push('console: ' + report.consoleErrors.join('; '));
  document.title = JSON.stringify(report);
})();
`;
}

async function main() {
  if (!args.includes('--no-build')) {
    const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) return true;
  }

  const { renderPanelHtml } = await importTypeScript(join(root, 'src/extension/panel/panelHtml.ts'));
  const work = mkdtempSync(join(tmpdir(), 'carbon-meter-panel-'));
  const server = await serve(work);
  const origin = `http://127.0.0.1:${server.address().port}`;
  /** Everything one harness page needs: the page builder, the server's origin, a scratch folder. */
  const harness = { renderPanelHtml, origin, work };

  let failed = false;
  try {
    const scenario = buildScenario();
    writeFileSync(join(work, 'fake-host.js'), fakeHostScript(scenario));
    writeFileSync(join(work, 'bench.js'), benchScript());
    for (const theme of THEMES) writeFileSync(join(work, `theme-${theme.name}.css`), themeCss(theme));

    if (bench) {
      writeFileSync(join(work, 'bench.html'), harnessPage(harness, THEMES[0], 'bench'));
      const report = await readReport(harness, `${origin}/harness/bench.html`, undefined);
      console.log(`panel update (${report.updates} samples, charts holding ${report.minPoints}–${report.maxPoints} points, ${report.device}):`);
      console.log(`  p10 ${report.p10Ms.toFixed(2)} ms, median ${report.medianMs.toFixed(2)} ms, p95 ${report.p95Ms.toFixed(2)} ms, max ${report.maxMs.toFixed(2)} ms (target ≤ 4 ms)`);
      failed = report.problems.length > 0;
      for (const problem of report.problems) console.error(`  problem: ${problem}`);
    } else {
      mkdirSync(join(root, 'docs'), { recursive: true });
      for (const theme of THEMES) {
        writeFileSync(join(work, `${theme.name}.html`), harnessPage(harness, theme, 'render'));
        const url = `${origin}/harness/${theme.name}.html`;
        const report = await readReport(harness, `${url}?interact`, 30_000);
        const png = join(root, 'docs', `panel-${theme.name}.png`);
        await runChromium(harness, ['--virtual-time-budget=30000', `--screenshot=${png}`, url]);
        console.log(`${theme.label}: docs/panel-${theme.name}.png`);
        console.log(`  points drawn: power ${report.powerPoints}, emissions ${report.emissionsPoints}; emissions ${report.emissions}; history rows ${report.historyRows}; a picked past run: ${report.pastRunPoints} points`);
        console.log(`  panel sent: ${report.sent.join(", ")}`);
        console.log(`  CSP violations: ${report.cspViolations.length}; console errors and warnings: ${report.consoleErrors.length}; charts repainted after a theme switch: ${report.themeSwitched === true && !report.problems.some((problem) => problem.includes('theme'))}`);
        for (const problem of report.problems) console.error(`  problem: ${problem}`);
        if (report.problems.length > 0) failed = true;
      }
      writeFileSync(join(work, 'empty.html'), harnessPage(harness, THEMES[0], 'empty'));
      const empty = await readReport(harness, `${origin}/harness/empty.html`, 2_000);
      console.log(`Before any run: empty state ${empty.emptyChecked && empty.problems.length === 0 ? 'ok' : 'wrong'}`);
      for (const problem of empty.problems) console.error(`  problem: ${problem}`);
      if (!empty.emptyChecked || empty.problems.length > 0) failed = true;
    }
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
  return failed;
}

process.exit((await main()) ? 1 : 0);
