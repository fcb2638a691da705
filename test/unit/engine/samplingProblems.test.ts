import * as assert from 'node:assert/strict';
import { CORRECTION_REPORT_SPAN_MS, RECENT_PROBLEM_COUNT, SamplingProblemLog } from '../../../src/engine/samplingProblems';
import type { PowerSource } from '../../../src/engine/powerSources/powerSource';

const source = (id: PowerSource['id'], component: PowerSource['component']): PowerSource => ({
  id, component, estimated: false, description: id, probe: async () => undefined, read: async () => ({ powerWatts: 0 }), dispose: () => undefined,
});

describe('SamplingProblemLog', () => {
  it('reports a failure episode once: its start, its held power given up, its end', () => {
    const log = new SamplingProblemLog();
    const gpu = source('nvidia-smi', 'gpu');
    const message = "nvidia-smi stopped: exited with code 9: NVIDIA-SMI has failed. Make sure that the latest NVIDIA driver is installed and running.";
    assert.deepEqual(log.failed(gpu, message, 'held', 1_000, 69.62), [
      "GPU source nvidia-smi failed: nvidia-smi stopped: exited with code 9: NVIDIA-SMI has failed. Make sure that the latest NVIDIA driver is installed and running; counting its last good power (69.6 W) meanwhile",
    ]);
    assert.deepEqual(log.failed(gpu, message, 'held', 2_000, 69.85), []);
    assert.match(log.failed(gpu, message, 'dropped', 31_500, 69.85)[0] ?? '', /^GPU source nvidia-smi has failed for 30\.5 s: .*running; its power is no longer counted until it recovers$/);
    assert.deepEqual(log.failed(gpu, message, 'dropped', 32_500, 69.85), []);
    assert.deepEqual(log.recovered(gpu, 40_000), ['GPU source nvidia-smi reads again after 39 s']);
    assert.deepEqual(log.recovered(gpu, 41_000), []);
  });

  it('keeps the episodes of two sources apart', () => {
    const log = new SamplingProblemLog();
    const cpu = source('rapl', 'cpu');
    const ram = source('rapl', 'ram');
    assert.equal(log.failed(cpu, 'EIO', 'held', 0, 10).length, 1);
    assert.equal(log.failed(ram, 'EIO', 'held', 0, 2).length, 1);
    assert.deepEqual(log.recovered(ram, 1_000), ['RAM source rapl reads again after 1 s']);
    assert.deepEqual(log.failed(cpu, 'EIO', 'held', 2_000, 10), []);
  });

  it('reports a source\'s corrected readings at most once per span', () => {
    const log = new SamplingProblemLog();
    const cpu = source('rapl', 'cpu');
    assert.deepEqual(log.failed(cpu, 'counter went back: a reset', 'corrected', 0, 0), ['CPU source rapl: counter went back: a reset']);
    assert.deepEqual(log.failed(cpu, 'counter went back: a reset', 'corrected', CORRECTION_REPORT_SPAN_MS - 1, 0), []);
    assert.equal(log.failed(cpu, 'counter went back: a reset', 'corrected', CORRECTION_REPORT_SPAN_MS, 0).length, 1);
  });

  it('keeps the last lines reported for a diagnostics page, oldest first', () => {
    const log = new SamplingProblemLog();
    for (let index = 0; index < RECENT_PROBLEM_COUNT + 5; index++) log.remember(index, `problem ${index}`);
    assert.equal(log.recent.length, RECENT_PROBLEM_COUNT);
    assert.deepEqual(log.recent[0], { atMs: 5, message: 'problem 5' });
    assert.deepEqual(log.recent.at(-1), { atMs: RECENT_PROBLEM_COUNT + 4, message: `problem ${RECENT_PROBLEM_COUNT + 4}` });
  });
});
