import { strict as assert } from 'node:assert';
import { escapeLabelValue, formatRunMetrics, RunMetricLabels } from '../../../../src/engine/export/prometheusExposition';
import { buildRunRecord } from '../../../fixtures/buildRun';

const labels: RunMetricLabels = {
  project: 'shop', experiment: 'default', task: 'npm test', host: 'host-abc', status: 'finished', trackingMode: 'process',
};

/** The sample lines of an exposition text, as name{labels} → value. */
function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    map.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return map;
}

describe('prometheusExposition', () => {
  it('gives the tracked energy per component in joules, emissions in grams, duration and end time', () => {
    const record = buildRunRecord();
    const text = formatRunMetrics(record, labels);
    const common = 'project="shop",experiment="default",task="npm test",host="host-abc",status="finished",tracking_mode="process"';
    const values = samples(text);
    assert.equal(values.get(`carbon_meter_run_energy_joules_total{${common},component="cpu"}`), record.taskEnergyKWh.cpu * 3_600_000);
    assert.equal(values.get(`carbon_meter_run_energy_joules_total{${common},component="ram"}`), record.taskEnergyKWh.ram * 3_600_000);
    assert.equal(values.get(`carbon_meter_run_emissions_grams{${common}}`), record.emissionsKg * 1000);
    assert.equal(values.get(`carbon_meter_run_duration_seconds{${common}}`), record.durationSeconds);
    assert.equal(values.get(`carbon_meter_run_end_timestamp_seconds{${common}}`), record.endedAtMs / 1000);
    assert.match(text, /^# TYPE carbon_meter_run_energy_joules_total counter$/m);
    assert.match(text, /^# TYPE carbon_meter_run_emissions_grams gauge$/m);
  });

  it('counts the whole machine in machine mode', () => {
    const record = buildRunRecord({ trackingMode: 'machine', machineEnergyKWh: { cpu: 0.002, gpu: 0.001, ram: 0.0005 } });
    const values = samples(formatRunMetrics(record, { ...labels, trackingMode: 'machine' }));
    const gpu = [...values].find(([name]) => name.startsWith('carbon_meter_run_energy_joules_total') && name.includes('component="gpu"'));
    assert.equal(gpu?.[1], 0.001 * 3_600_000);
  });

  it('escapes label values so a task name cannot break the format', () => {
    assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
    const text = formatRunMetrics(buildRunRecord(), { ...labels, task: 'echo "hi"\nrm -rf \\' });
    assert.ok(text.includes('task="echo \\"hi\\"\\nrm -rf \\\\"'));
    // Every sample line stays one line: name, labels, one value.
    for (const line of text.split('\n').filter((candidate) => candidate && !candidate.startsWith('#'))) {
      assert.match(line, /^carbon_meter_[a-z_]+\{.*\} [-0-9.e+]+$/);
    }
  });

  it('never writes NaN or Infinity, which the Pushgateway would reject', () => {
    const text = formatRunMetrics(buildRunRecord({ durationSeconds: Number.NaN, emissionsKg: Number.POSITIVE_INFINITY }), labels);
    assert.doesNotMatch(text, /NaN|Inf/);
  });
});
