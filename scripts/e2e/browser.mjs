// Headless Debian Chromium driven by playwright-core from .e2e/tools (e2e.md §4), and a sampler of the
// memory the whole thing uses.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from './codeServer.mjs';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A persistent context in <run>/chrome with the run's TMPDIR/XDG (else crashpad writes ~/.config/chromium). */
export async function launchBrowser(run, { viewport = { width: 1400, height: 900 }, deviceScaleFactor = 1 } = {}) {
  const { chromium } = requireTool('playwright-core');
  const context = await chromium.launchPersistentContext(run.chrome, {
    executablePath: chromiumPath, headless: true, env: run.env, viewport, deviceScaleFactor,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { context, page: context.pages()[0] ?? await context.newPage() };
}

/**
 * Samples, every `intervalMs`, the resident memory of the process trees under `rootPids()` (summed RSS,
 * which overcounts shared pages) and keeps the peak per label. `stop()` returns { label: peakMiB }.
 */
export function startMemorySampler(roots, intervalMs = 1000) {
  const peaks = {};
  const sample = () => {
    const children = childrenByParent();
    let total = 0;
    for (const [label, pid] of Object.entries(roots())) {
      if (!pid) continue;
      const rss = treeRssBytes(pid, children);
      total += rss;
      peaks[label] = Math.max(peaks[label] ?? 0, rss);
    }
    peaks.total = Math.max(peaks.total ?? 0, total);
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return Object.fromEntries(Object.entries(peaks).map(([label, bytes]) => [label, Math.round(bytes / 2 ** 20)]));
    },
  };
}

function childrenByParent() {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(Number(name));
    } catch { /* gone */ }
  }
  return children;
}

function treeRssBytes(pid, children) {
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop();
    try {
      const pages = Number(readFileSync(join('/proc', String(current), 'statm'), 'utf8').split(' ')[1]);
      total += pages * 4096;
    } catch { /* gone */ }
    stack.push(...(children.get(current) ?? []));
  }
  return total;
}
