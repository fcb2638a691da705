import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNvidiaSmiSource } from '../../../../src/engine/powerSources/nvidiaSmi';
import { GPU_QUERY_FIELDS, parseGpuQueryLine } from '../../../../src/engine/powerSources/nvidiaSmiParsing';
import type { PowerSource } from '../../../../src/engine/powerSources/powerSource';
import { FAKE_NVIDIA_SMI_DIR, H100_UUID, isAlive, sleep } from '../../../fixtures/nvidia-smi/fakesForTests';

const FAKES = FAKE_NVIDIA_SMI_DIR;

describe('nvidia-smi that hangs, fails or prints garbage', () => {
  let scratch: string;
  let sources: PowerSource[];

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'carbon-meter-nvidia-faults-'));
    sources = [];
  });

  afterEach(() => {
    for (const source of sources) source.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  function source(path: string, intervalMs: number, spawnTimeoutMs: number): PowerSource {
    const created = createNvidiaSmiSource({ nvidiaSmiPath: path, intervalMs, spawnTimeoutMs });
    sources.push(created);
    return created;
  }

  /** A wrapper that logs "<pid> <args>" for every start, then runs `dispatch` (by default the fake itself). */
  function logged(fake: string, dispatch = `exec '${join(FAKES, fake)}' "$@"`): { path: string; starts: () => string[] } {
    const log = join(scratch, 'starts.log');
    const path = join(scratch, `logged-${fake}`);
    writeFileSync(path, `#!/bin/sh\necho "$$ $*" >> '${log}'\n${dispatch}\n`);
    chmodSync(path, 0o755);
    return { path, starts: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((line) => line !== '') : []) };
  }

  it('rejects a negative power as garbage rather than a number', () => {
    assert.throws(() => parseGpuQueryLine(`0, ${H100_UUID}, NVIDIA H100 80GB HBM3, -69.85, 69.85, 69.62, 0, 0, 81559`, GPU_QUERY_FIELDS), /"-69\.85" for power\.draw, which is not a number/);
  });

  it('gives a probe reason, never an exception, for output that is not CSV at all', async () => {
    const gpu = source(join(FAKES, 'garbage'), 50, 1_000);
    assert.match(await gpu.probe() ?? '', /^nvidia-smi lists no GPU: .*segfault in libnvidia-ml/);
    await assert.rejects(gpu.read(), /nvidia-smi lists no GPU/);
  });

  it('gives a probe reason for a GPU row with a corrupted or negative power cell', async () => {
    assert.match(await source(join(FAKES, 'garbage-row'), 50, 1_000).probe() ?? '', /printed "6#\.85" for power\.draw, which is not a number/);
    assert.match(await source(join(FAKES, 'negative-power'), 50, 1_000).probe() ?? '', /printed "-69\.85" for power\.draw/);
  });

  it('notices a stream that went silent, kills it, and restarts it at the next interval', async () => {
    const fake = logged('stream-silent');
    const gpu = source(fake.path, 50, 300);
    assert.equal((await gpu.read()).powerWatts, 69.85);
    const firstStream = Number(fake.starts().find((line) => line.includes('-lms'))?.split(' ')[0]);
    await sleep(400);
    await assert.rejects(gpu.read(), /nvidia-smi stopped: printed no GPU row for \d+ ms; killed it/);
    await sleep(100);
    assert.equal(isAlive(firstStream), false, 'the silent stream was killed');
    // The dead stream had printed rows: it is restarted after one interval, and reads again.
    await assert.rejects(gpu.read(), /nvidia-smi stopped/);
    assert.equal((await gpu.read()).powerWatts, 69.85);
    assert.equal(fake.starts().filter((line) => line.includes('-lms')).length, 2);
  });

  it('says what a stream printed when it printed only garbage, and kills it', async () => {
    const fake = logged('stream-garbage');
    const gpu = source(fake.path, 50, 300);
    await assert.rejects(gpu.read(), /printed no GPU row within 300 ms, only "Unable to determine the device handle for GPU0000:1B:00\.0: Unknown Error"; killed it/);
    const stream = Number(fake.starts().find((line) => line.includes('-lms'))?.split(' ')[0]);
    await sleep(200);
    assert.equal(isAlive(stream), false);
  });

  it('backs off restarting a stream that keeps dying before its first row', async () => {
    // One-shot queries work; every -lms loop fails at once with the driver message, printing no row.
    const fake = logged('dies-at-once', [
      `case "$*" in *-lms*) exec '${join(FAKES, 'driver-failure')}' "$@" ;; esac`,
      `exec '${join(FAKES, 'h100-idle')}' "$@"`,
    ].join('\n'));
    const gpu = source(fake.path, 50, 1_000);
    const reasons: string[] = [];
    const started = Date.now();
    while (Date.now() - started < 1_600) {
      await gpu.read().then(() => reasons.push('read'), (error: Error) => reasons.push(error.message));
      await sleep(10);
    }
    const streams = fake.starts().filter((line) => line.includes('-lms')).length;
    // Restarts wait 50, 100, 200, 400, 800 ms: about 5 in 1.6 s, where one per interval would be about 30.
    assert.ok(streams >= 3 && streams <= 7, `${streams} streams started`);
    assert.ok(!reasons.includes('read'));
    assert.match(reasons.at(-1) ?? '', /nvidia-smi stopped: exited with code 9: NVIDIA-SMI has failed .*\(restarts every \d s\)/);
  });
});
