import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOwnChildrenCpuTicks } from '../../../../src/engine/attribution/childCpuTime';
import { CLOCK_TICKS_PER_SECOND } from '../../../../src/engine/attribution/procPidStat';
import { createProcessTreeTracker, type ProcessTreeSample, type ProcessTreeTracker } from '../../../../src/engine/attribution/processTree';

const PROC = '/proc';
const SAMPLE_INTERVAL_MS = 100;
const MICROSECONDS_PER_TICK = 1_000_000 / CLOCK_TICKS_PER_SECOND;

/**
 * A node one-liner that burns `cpuMs` of its own CPU time (not wall time, so a loaded machine only
 * makes it slower), writes its CPU time in µs to `reportPath`, then idles `idleMs` before exiting.
 */
function busyChild(cpuMs: number, reportPath: string, idleMs: number): string {
  const script = `const end=${cpuMs * 1000};let x=0;for(;;){for(let i=0;i<1e5;i++)x+=i;const u=process.cpuUsage();`
    + `if(u.user+u.system>=end)break}const u=process.cpuUsage();`
    + `require('fs').writeFileSync(${JSON.stringify(reportPath)},String(u.user+u.system));setTimeout(()=>{},${idleMs})`;
  return `${JSON.stringify(process.execPath)} -e ${shellQuote(script)}`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spawns `sh -c script`, samples its tree until it exits, and returns the samples and the kernel's figure. */
async function runTracked(script: string, untilTreeEmpty = false) {
  const before = await readOwnChildrenCpuTicks(PROC);
  const child = spawn('sh', ['-c', script], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let done = false;
  void exited.then(() => { done = true; });
  assert.ok(child.pid);
  // auto: the children-file walk where the kernel has it, else the full scan.
  const tracker: ProcessTreeTracker = createProcessTreeTracker({ procRoot: PROC, rootPid: child.pid });
  const samples: ProcessTreeSample[] = [];
  while (!done) {
    samples.push(await tracker.sample());
    await sleep(SAMPLE_INTERVAL_MS);
  }
  await exited;
  // Node has reaped the root by now, so our cutime holds its final total.
  const rootTotalTicks = (await readOwnChildrenCpuTicks(PROC)) - before;
  for (;;) {
    const sample = await tracker.sample();
    samples.push(sample);
    if (!untilTreeEmpty || sample.pids.length === 0) break;
    await sleep(SAMPLE_INTERVAL_MS);
  }
  const sampledTicks = samples[samples.length - 1]?.cpuTicks ?? 0;
  const finished = await tracker.finish(rootTotalTicks);
  return { samples, rootTotalTicks, sampledTicks, finished };
}

function assertMonotonic(samples: readonly ProcessTreeSample[]): void {
  for (let i = 1; i < samples.length; i++) {
    assert.ok((samples[i]?.cpuTicks ?? 0) >= (samples[i - 1]?.cpuTicks ?? 0), `sample ${i} went down`);
  }
}

/** `slackTicks`: whole-tick rounding, and time a process spends exiting after the last sample saw it. */
function assertWithinOnePercent(actual: number, expected: number, what: string, slackTicks = 2): void {
  const tolerance = 0.01 * expected + slackTicks;
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} ticks vs ${expected} expected (±${tolerance})`);
}

describe('createProcessTreeTracker on real processes', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'carbon-meter-tree-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('matches the kernel total of the reaped root within 1 %, with and without the final figure', async () => {
    // Three busy children of 1.5 s CPU each, waited for by the root; they idle at the end so the last
    // sample before they exit already holds their time, all but the few ms Node takes to exit.
    const script = [1, 2, 3].map((n) => `${busyChild(1500, join(dir, `c${n}`), 300)} &`).join(' ') + ' wait';
    const { samples, rootTotalTicks, sampledTicks, finished } = await runTracked(script);

    assert.ok(rootTotalTicks >= 450, `the children burnt ${rootTotalTicks} ticks, expected ≥ 450`);
    assert.ok(samples.some((sample) => sample.pids.length >= 4), 'some sample saw the root and its three children');
    assert.ok(samples.some((sample) => sample.residentBytes > 3 * 10 * 1024 * 1024), 'three node processes hold > 30 MiB');
    assertMonotonic([...samples, finished]);
    assert.ok(sampledTicks <= rootTotalTicks + 2, `${sampledTicks} sampled vs ${rootTotalTicks}: counted twice?`);
    assertWithinOnePercent(sampledTicks, rootTotalTicks, 'sampled total', 1 + 3);
    assertWithinOnePercent(finished.cpuTicks, rootTotalTicks, 'finished total', 0);
    assert.equal(finished.rootAlive, false);
  });

  it('matches the kernel total when members that carry CPU time back off, then are reaped by a parent that was idle too', async () => {
    // Each worker shell burns CPU in a loop, then waits on a sleep for 15 samples or more: it and the sleep
    // back off, and when the root reaps it, it is read only because the root ran. One more worker then
    // runs a busy child, which it forked while backed off. `exit` keeps the sleep from replacing the shell.
    const burn = 'i=0; while [ $i -lt 60000 ]; do i=$((i+1)); done';
    const workers = [0, 1, 2].map((n) => `sh -c ${shellQuote(`${burn}; sleep ${1.5 + 0.2 * n}; exit 0`)} &`).join(' ');
    const late = `(sleep 1.5; ${busyChild(300, join(dir, 'late'), 300)}) &`;
    const { samples, rootTotalTicks, sampledTicks, finished } = await runTracked(`${workers} ${late} wait`);

    assert.ok(rootTotalTicks >= 40, `the workers burnt ${rootTotalTicks} ticks, expected ≥ 40`);
    assertMonotonic([...samples, finished]);
    assert.ok(sampledTicks <= rootTotalTicks + 2, `${sampledTicks} sampled vs ${rootTotalTicks}: counted twice?`);
    // Node's exit after its last sample costs it 3–4 ticks here, with the idle backoff or without.
    assertWithinOnePercent(sampledTicks, rootTotalTicks, 'sampled total', 1 + 4);
    assertWithinOnePercent(finished.cpuTicks, rootTotalTicks, 'finished total', 0);
  });

  it('adds the tail after the last sample from the kernel final figure', async () => {
    // The child exits while still busy, so samples miss up to one interval of its time.
    const { rootTotalTicks, sampledTicks, finished } = await runTracked(busyChild(600, join(dir, 'c'), 0));
    assert.ok(sampledTicks <= rootTotalTicks + 2, `${sampledTicks} sampled vs ${rootTotalTicks}`);
    assertWithinOnePercent(finished.cpuTicks, rootTotalTicks, 'finished total', 0);
  });

  it('keeps counting orphans whose parent exited early, beyond the kernel figure for the root', async () => {
    // The middle shell starts two busy children and exits; they are reparented outside the tree and
    // their time never reaches our cutime. The root waits for their reports, polling with `sleep`,
    // whose many short runs only ever show up in the root's cutime.
    const reports = [join(dir, 'o1'), join(dir, 'o2')];
    const middle = `${busyChild(700, reports[0] ?? '', 400)} & ${busyChild(700, reports[1] ?? '', 400)} & sleep 0.5`;
    const script = `sh -c ${shellQuote(middle)}; while [ ! -f ${reports[0]} ] || [ ! -f ${reports[1]} ]; do sleep 0.05; done`;
    const { samples, rootTotalTicks, finished } = await runTracked(script, true);

    assert.ok(reports.every((path) => existsSync(path)));
    const orphanTicks = reports.reduce((sum, path) => sum + Number(readFileSync(path, 'utf8')) / MICROSECONDS_PER_TICK, 0);
    assert.ok(orphanTicks >= 140);
    assertMonotonic([...samples, finished]);
    assertWithinOnePercent(finished.cpuTicks, rootTotalTicks + orphanTicks, 'root plus orphans', 1 + 2);
  });
});
