import * as assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNvidiaSmiSource } from '../../../../src/engine/powerSources/nvidiaSmi';
import {
  GPU_QUERY_FIELDS,
  LEGACY_GPU_QUERY_FIELDS,
  parseComputeAppsOutput,
  parseGpuQueryLine,
  parseGpuQueryOutput,
} from '../../../../src/engine/powerSources/nvidiaSmiParsing';
import type { PowerSource } from '../../../../src/engine/powerSources/powerSource';
import { FAKE_NVIDIA_SMI_DIR, H100_UUID, isAlive, sleep } from '../../../fixtures/nvidia-smi/fakesForTests';

const FAKES = FAKE_NVIDIA_SMI_DIR;
const LOADED_H100_UUID = 'GPU-d3a7f210-6c5b-4a8e-b1f9-0e2c4d6a8f13';
const DRIVER_MESSAGE = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver";



describe('nvidia-smi parsing', () => {
  it('parses a captured H100 row with the current field list', () => {
    const row = parseGpuQueryLine(`0, ${H100_UUID}, NVIDIA H100 80GB HBM3, 69.85, 69.85, 69.62, 0, 0, 81559`, GPU_QUERY_FIELDS);
    assert.deepEqual(row, {
      index: 0, uuid: H100_UUID, name: 'NVIDIA H100 80GB HBM3', powerWatts: 69.85, powerField: 'power.draw',
      powerUnavailable: undefined, utilizationPercent: 0, memoryUsedMiB: 0, memoryTotalMiB: 81559,
    });
  });

  it('parses the legacy field list without power.draw.average/instant', () => {
    const row = parseGpuQueryLine('0, GPU-5c2e9a47-1b3d-4f60-8e7a-92d4c1b0f5e3, NVIDIA GeForce RTX 2080 SUPER, 39.32, 0, 214, 8192', LEGACY_GPU_QUERY_FIELDS);
    assert.equal(row?.powerWatts, 39.32);
    assert.equal(row?.memoryUsedMiB, 214);
  });

  it('falls back to power.draw.instant when power.draw and power.draw.average are [N/A]', () => {
    const row = parseGpuQueryLine('0, GPU-5c2e9a47-1b3d-4f60-8e7a-92d4c1b0f5e3, NVIDIA GeForce RTX 2080 SUPER, [N/A], [N/A], 39.32, 0, 214, 8192', GPU_QUERY_FIELDS);
    assert.equal(row?.powerWatts, 39.32);
    assert.equal(row?.powerField, 'power.draw.instant');
  });

  it('leaves power undefined and says why when every power field is a no-value marker', () => {
    const row = parseGpuQueryLine('1, GPU-a0f4e6d2-7c19-4b85-b3e1-6d8f2a9c4e07, NVIDIA GeForce GTX 1050 Ti, [N/A], N/A, [Not Supported], [N/A], [Insufficient Permissions], 4040', GPU_QUERY_FIELDS);
    assert.equal(row?.powerWatts, undefined);
    assert.equal(row?.powerUnavailable, 'power.draw [N/A], power.draw.average N/A, power.draw.instant [Not Supported]');
    assert.equal(row?.utilizationPercent, undefined);
    assert.equal(row?.memoryUsedMiB, undefined);
    assert.equal(row?.memoryTotalMiB, 4040);
  });

  it('keeps a product name that contains a comma', () => {
    const row = parseGpuQueryLine(`0, ${H100_UUID}, NVIDIA A100, Rev 2, 62.87, [N/A], 63.10, 0, 4, 40960`, GPU_QUERY_FIELDS);
    assert.equal(row?.name, 'NVIDIA A100, Rev 2');
    assert.equal(row?.powerWatts, 62.87);
  });

  it('rejects a garbage value in a GPU row instead of turning it into a number', () => {
    assert.throws(() => parseGpuQueryLine(`0, ${H100_UUID}, NVIDIA H100 80GB HBM3, 69.85W?, 69.85, 69.62, 0, 0, 81559`, GPU_QUERY_FIELDS), /"69\.85W\?" for power\.draw/);
  });

  it('sets driver messages apart from GPU rows', () => {
    const { rows, otherLines } = parseGpuQueryOutput(`${DRIVER_MESSAGE}. Make sure that the latest NVIDIA driver is installed and running.\n\n`, GPU_QUERY_FIELDS);
    assert.equal(rows.length, 0);
    assert.match(otherLines[0] ?? '', /couldn't communicate/);
  });

  it('parses compute processes with PIDs and skips "No running processes found"', () => {
    assert.deepEqual(parseComputeAppsOutput(`11327, ${LOADED_H100_UUID}, 2566\n11345, ${LOADED_H100_UUID}, [N/A]\n`), [
      { pid: 11327, deviceId: LOADED_H100_UUID, usedMemoryMiB: 2566 },
      { pid: 11345, deviceId: LOADED_H100_UUID, usedMemoryMiB: undefined },
    ]);
    assert.deepEqual(parseComputeAppsOutput('No running processes found\n'), []);
    assert.deepEqual(parseComputeAppsOutput(''), []);
  });
});

describe('createNvidiaSmiSource', () => {
  let scratch: string;
  let sources: PowerSource[];

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'carbon-meter-nvidia-'));
    sources = [];
  });

  afterEach(() => {
    for (const source of sources) source.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  function source(fake: string, intervalMs = 50, spawnTimeoutMs = 1_500): PowerSource {
    const created = createNvidiaSmiSource({ nvidiaSmiPath: fake.startsWith('/') ? fake : join(FAKES, fake), intervalMs, spawnTimeoutMs });
    sources.push(created);
    return created;
  }

  /** Wraps a fake so every start is logged as "<pid> <args>", keeping the pid (exec). */
  function logged(fake: string, dispatch = `exec '${join(FAKES, fake)}' "$@"`): { path: string; starts: () => string[] } {
    const log = join(scratch, 'starts.log');
    const path = join(scratch, `logged-${fake}`);
    writeFileSync(path, `#!/bin/sh\necho "$$ $*" >> '${log}'\n${dispatch}\n`);
    chmodSync(path, 0o755);
    return { path, starts: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((line) => line !== '') : []) };
  }

  it('probes a working GPU as usable and describes it', async () => {
    const gpu = source('h100-idle');
    assert.equal(await gpu.probe(), undefined);
    assert.equal(gpu.id, 'nvidia-smi');
    assert.equal(gpu.component, 'gpu');
    assert.equal(gpu.estimated, false);
    assert.match(gpu.description, /NVIDIA H100 80GB HBM3/);
  });

  it('reads several times from one long-lived -lms stream', async () => {
    const fake = logged('h100-idle');
    const gpu = source(fake.path);
    assert.equal(await gpu.probe(), undefined);
    for (let read = 0; read < 4; read += 1) {
      const reading = await gpu.read();
      assert.equal(reading.powerWatts, 69.85);
      await sleep(60);
    }
    const streams = fake.starts().filter((line) => line.includes('--query-gpu') && line.includes('-lms 50'));
    assert.equal(streams.length, 1, fake.starts().join('\n'));
  });

  it('sums power over GPUs, averages utilisation and lists compute processes per GPU', async () => {
    const gpu = source('two-gpus');
    assert.equal(await gpu.probe(), undefined);
    const reading = await gpu.read();
    assert.ok(Math.abs(reading.powerWatts - (69.85 + 631.95)) < 1e-9);
    assert.equal(reading.utilizationPercent, 50);
    assert.deepEqual(reading.devices?.map((device) => [device.deviceId, device.index, device.powerWatts, device.memoryUsedMiB]), [
      [H100_UUID, 0, 69.85, 0],
      [LOADED_H100_UUID, 1, 631.95, 19818],
    ]);
    assert.deepEqual(reading.processes?.map((process) => [process.pid, process.deviceId, process.usedMemoryMiB]), [
      [11327, LOADED_H100_UUID, 2566],
      [11328, LOADED_H100_UUID, 1542],
      [11345, LOADED_H100_UUID, 15690],
    ]);
  });

  it('reports an empty process list when nothing runs on the GPU', async () => {
    const reading = await source('h100-idle').read();
    assert.deepEqual(reading.processes, []);
  });

  it('marks an [N/A] GPU as unknown power and leaves it out of the total rather than counting 0 W silently', async () => {
    const gpu = source('power-na');
    assert.equal(await gpu.probe(), undefined);
    const reading = await gpu.read();
    assert.equal(reading.powerWatts, 69.85);
    const sensorless = reading.devices?.find((device) => device.index === 1);
    assert.equal(sensorless?.powerWatts, 0);
    assert.match(sensorless?.powerUnknownReason ?? '', /GPU 1 \(NVIDIA GeForce GTX 1050 Ti\): power\.draw \[N\/A\]/);
    assert.equal(reading.devices?.find((device) => device.index === 0)?.powerUnknownReason, undefined);
  });

  it('refuses a machine whose only GPU has no power reading, in probe and in read', async () => {
    const gpu = source('power-not-supported');
    assert.match(await gpu.probe() ?? '', /no power draw for any GPU.*\[Not Supported\]/);
    await assert.rejects(gpu.read(), /no power draw for any GPU/);
  });

  it('uses power.draw.instant when power.draw is [N/A]', async () => {
    const reading = await source('power-draw-na-instant-ok').read();
    assert.equal(reading.powerWatts, 39.32);
  });

  it('falls back to the legacy field list on a driver without power.draw.instant', async () => {
    const fake = logged('legacy-driver');
    const gpu = source(fake.path);
    assert.equal(await gpu.probe(), undefined);
    assert.equal((await gpu.read()).powerWatts, 39.32);
    const stream = fake.starts().find((line) => line.includes('-lms'));
    assert.ok(stream && !stream.includes('power.draw.instant'), fake.starts().join('\n'));
  });

  it('gives "not found" as the probe reason when the binary is missing', async () => {
    const missing = join(scratch, 'no-such-nvidia-smi');
    assert.equal(await source(missing).probe(), `nvidia-smi not found at ${missing}`);
    const onPath = createNvidiaSmiSource({ nvidiaSmiPath: 'nvidia-smi-that-is-not-installed', intervalMs: 50 });
    sources.push(onPath);
    assert.equal(await onPath.probe(), 'nvidia-smi-that-is-not-installed not found on PATH (no NVIDIA driver installed?)');
  });

  it('gives the driver message as the probe reason when nvidia-smi fails', async () => {
    const reason = await source('driver-failure').probe();
    assert.match(reason ?? '', /exited with code 9/);
    assert.match(reason ?? '', /couldn't communicate with the NVIDIA driver/);
  });

  it('says no GPU was found when the driver sees none', async () => {
    assert.match(await source('no-devices').probe() ?? '', /exited with code 6: No devices were found/);
  });

  it('returns a timeout reason within the timeout when nvidia-smi hangs, and kills it', async () => {
    const fake = logged('hang');
    const started = Date.now();
    const reason = await source(fake.path, 50, 300).probe();
    const elapsedMs = Date.now() - started;
    assert.match(reason ?? '', /did not answer within 300 ms/);
    assert.ok(elapsedMs < 1_000, `took ${elapsedMs} ms`);
    const pid = Number(fake.starts()[0]?.split(' ')[0]);
    await sleep(100);
    assert.equal(isAlive(pid), false);
  });

  it('reports a stream that died, then restarts it at most once per interval', async () => {
    // The first stream dies after one round, as when the driver glitches; later ones keep going.
    const marker = join(scratch, 'died-once');
    const fake = logged('stream-dies-once', [
      `case "$*" in *-lms*) [ -e '${marker}' ] || { : > '${marker}'; exec '${join(FAKES, 'stream-dies')}' "$@"; } ;; esac`,
      `exec '${join(FAKES, 'h100-idle')}' "$@"`,
    ].join('\n'));
    const gpu = source(fake.path, 100);
    assert.equal((await gpu.read()).powerWatts, 69.85);
    await sleep(250);
    await assert.rejects(gpu.read(), /nvidia-smi stopped: exited with code 9: NVIDIA-SMI has failed/);
    await sleep(20);
    assert.equal((await gpu.read()).powerWatts, 69.85);
    const streams = fake.starts().filter((line) => line.includes('-lms'));
    assert.equal(streams.length, 2, fake.starts().join('\n'));
  });

  it('does not restart a dead stream twice within one interval', async () => {
    const fake = logged('stream-dies');
    const gpu = source(fake.path, 1_000);
    await gpu.read();
    await sleep(100);
    // The loop dies right after its first round but its start was under an interval ago: no restart yet.
    await assert.rejects(gpu.read(), /nvidia-smi stopped/);
    await assert.rejects(gpu.read(), /nvidia-smi stopped/);
    assert.equal(fake.starts().filter((line) => line.includes('-lms')).length, 1);
  });

  it('stops the stream while suspended and starts a new one at the next read', async () => {
    const fake = logged('h100-idle');
    const gpu = source(fake.path);
    await gpu.read();
    const streamPid = Number(fake.starts().find((line) => line.includes('-lms'))?.split(' ')[0]);
    gpu.suspend?.();
    await sleep(150);
    assert.equal(isAlive(streamPid), false);
    assert.equal((await gpu.read()).powerWatts, 69.85);
    assert.equal(fake.starts().filter((line) => line.includes('-lms')).length, 2);
  });

  it('kills the stream child on dispose', async () => {
    const fake = logged('h100-idle');
    const gpu = source(fake.path);
    await gpu.read();
    const streamPid = Number(fake.starts().find((line) => line.includes('-lms'))?.split(' ')[0]);
    assert.equal(isAlive(streamPid), true);
    gpu.dispose();
    await sleep(150);
    assert.equal(isAlive(streamPid), false);
    await assert.rejects(gpu.read(), /disposed/);
  });
});
