import * as assert from 'node:assert/strict';
import { CORRECTION_REPORT_SPAN_MS, FAILURE_REPORT_DELAY_MS, RECENT_PROBLEM_COUNT, SamplingProblemLog } from '../../../src/engine/samplingProblems';
import type { PowerSource } from '../../../src/engine/powerSources/powerSource';

const source = (id: PowerSource['id'], component: PowerSource['component']): PowerSource => ({
  id, component, estimated: false, description: id, probe: async () => undefined, read: async () => ({ powerWatts: 0 }), dispose: () => undefined,
});

describe('SamplingProblemLog', () => {
  it('reports a failure episode once it has lasted 3 s: its start, its held power given up, its end', () => {
    const log = new SamplingProblemLog();
    const gpu = source('nvidia-smi', 'gpu');
    const message = "nvidia-smi stopped: exited with code 9: NVIDIA-SMI has failed. Make sure that the latest NVIDIA driver is installed and running.";
    assert.deepEqual(log.failed(gpu, message, 'held', 1_000, 69.62), []);
    assert.deepEqual(log.failed(gpu, message, 'held', 1_000 + FAILURE_REPORT_DELAY_MS, 69.62), [
      "GPU source nvidia-smi failed: nvidia-smi stopped: exited with code 9: NVIDIA-SMI has failed. Make sure that the latest NVIDIA driver is installed and running; counting its last good power (69.6 W) meanwhile",
    ]);
    assert.deepEqual(log.failed(gpu, message, 'held', 5_000, 69.62), []);
    assert.match(log.failed(gpu, message, 'dropped', 31_500, 69.62)[0] ?? '', /^GPU source nvidia-smi has failed for 30\.5 s: .*running; its power is no longer counted until it recovers$/);
    assert.deepEqual(log.failed(gpu, message, 'dropped', 32_500, 69.62), []);
    assert.deepEqual(log.recovered(gpu, 40_000), ['GPU source nvidia-smi reads again after 39 s']);
    assert.deepEqual(log.recovered(gpu, 41_000), []);
  });

  it('says nothing of a failure that ended within 3 s, and reports a source with nothing to hold', () => {
    const log = new SamplingProblemLog();
    const cpu = source('rapl', 'cpu');
    const ram = source('rapl', 'ram');
    assert.deepEqual(log.failed(cpu, 'EAGAIN', 'held', 0, 10), []);
    assert.deepEqual(log.recovered(cpu, 1_000), []);
    assert.deepEqual(log.failed(ram, 'EACCES', 'dropped', 0, 0), []);
    assert.deepEqual(log.failed(ram, 'EACCES', 'dropped', 3_000, 0), ['RAM source rapl failed: EACCES; no good reading to hold, its power is not counted until it recovers']);
    // A new episode of the first source starts its own 3 s.
    assert.deepEqual(log.failed(cpu, 'EAGAIN', 'held', 5_000, 10), []);
    assert.equal(log.failed(cpu, 'EAGAIN', 'held', 8_000, 10).length, 1);
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
