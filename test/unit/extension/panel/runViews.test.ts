import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Equivalent } from '../../../../src/engine/intensity/intensityTable';
import { loadEmbodiedData } from '../../../../src/engine/lifecycle/embodiedData';
import { computeRunEmbodied } from '../../../../src/engine/lifecycle/runEmbodied';
import type { RunSample } from '../../../../src/engine/reports/runRecord';
import {
  chartSamples, diagnosticsView, locationLabel, MAX_VIEW_SAMPLES, projectsView, runViewFromActive, runViewFromRecord, summaryViewFromStore,
} from '../../../../src/extension/panel/runViews';
import { summarizeRun } from '../../../../src/engine/runStore';
import { MAX_SAMPLES, MAX_STRING_LENGTH, parseHostToPanel } from '../../../../src/protocol/panelMessages';
import { buildNthSample, buildRunHeader, buildRunRecord, DEFAULT_STARTED_AT_MS } from '../../../fixtures/buildRun';

const equivalents = (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'runs', 'equivalents.json'), 'utf8')) as {
  equivalents: Equivalent[];
}).equivalents;

describe('runViews', () => {
  it('maps a finished run onto a view the panel accepts', () => {
    const view = runViewFromRecord(buildRunRecord(), equivalents);
    const parsed = parseHostToPanel({ type: 'runDetails', run: view });
    assert.deepEqual(parsed, { type: 'runDetails', run: view });
    assert.equal(view.summary.emissionsKg, 0.0000392);
    assert.equal(view.summary.locationLabel, 'France (FRA)');
    assert.equal(view.summary.estimated, true);
    assert.equal(view.summary.exitCode, 0);
    assert.deepEqual(view.averagePowerWatts, { cpu: 18, gpu: 0, ram: 3 });
    assert.equal(view.intensitySource, 'Ember 2023 via OWID (CC BY 4.0), 2023 (country grid)');
    assert.equal(view.samples.length, 2);
    assert.deepEqual(view.samples[1]?.powerWatts, { cpu: 18, gpu: 0, ram: 3 });
  });

  it('adds a finished run\'s embodied share with each device\'s formula and sources, which the panel accepts', () => {
    const record = buildRunRecord();
    const embodied = computeRunEmbodied(record, loadEmbodiedData(join(__dirname, '..', '..', '..', '..', 'data')));
    const view = runViewFromRecord(record, equivalents, embodied);
    assert.deepEqual(parseHostToPanel({ type: 'runDetails', run: view }), { type: 'runDetails', run: view });
    assert.equal(view.embodied?.embodiedKg, embodied.embodiedKg);
    assert.equal(view.embodied?.operationalKg, record.emissionsKg);
    assert.match(view.embodied?.items[0]?.method ?? '', /^TE 296 kg CO₂e \(Boavizta .*\) × TR 0\.0333 h \(the run's duration\) ÷ EL 4 years \(.*\) × RR 50 % \(.*CPU time.*\)$/);
    assert.equal(runViewFromRecord(record, equivalents).embodied, undefined, 'none without the figures');
    const broken = { type: 'runDetails', run: { ...view, embodied: { ...view.embodied, embodiedKg: -1 } } };
    assert.equal(parseHostToPanel(broken), undefined, 'a negative embodied figure drops the message');
  });

  it('sums the stored runs by week and task as the team report does, for the panel', () => {
    const week = 7 * 86_400_000;
    const monday = Date.UTC(2024, 2, 4);
    const summaries = [
      summarizeRun(buildRunRecord({ id: 'a', command: 'npm test', endedAtMs: monday + 3_600_000, emissionsKg: 0.002, energyKWh: 0.004 })),
      summarizeRun(buildRunRecord({ id: 'b', command: 'npm test', endedAtMs: monday + 2 * week + 60_000, emissionsKg: 0.003, energyKWh: 0.006 })),
      summarizeRun(buildRunRecord({ id: 'c', command: 'python train.py', endedAtMs: monday + 2 * week + 120_000, emissionsKg: 0.5, energyKWh: 1 })),
    ];
    const projects = projectsView(summaries);
    assert.deepEqual(projects.weeks.map((entry) => [entry.weekStartMs, entry.runs, entry.emissionsKg]),
      [[monday, 1, 0.002], [monday + week, 0, 0], [monday + 2 * week, 2, 0.503]]);
    assert.deepEqual(projects.topTasks.map((task) => [task.task, task.runs, task.emissionsKg]), [['python train.py', 1, 0.5], ['npm test', 2, 0.005]]);
    const message = { type: 'snapshot', run: undefined, recentRuns: [], diagnostics: undefined, projects };
    assert.deepEqual(parseHostToPanel(message), message);
    assert.equal(parseHostToPanel({ ...message, projects: { ...projects, weeks: [{ ...projects.weeks[0], runs: -1 }] } }), undefined);
  });

  it('turns emissions into the equivalents with a usable factor', () => {
    const view = runViewFromRecord(buildRunRecord({ emissionsKg: 0.32 }), equivalents);
    assert.deepEqual(view.equivalents.map((equivalent) => [equivalent.id, equivalent.amount]), [['car-km', 2], ['tv-hours', 16]]);
  });

  it('maps a running run from its header, samples and totals', () => {
    const samples = [buildNthSample(1), buildNthSample(2), buildNthSample(3)];
    const view = runViewFromActive(buildRunHeader(), samples, {
      taskEnergyKWh: { cpu: 0.0009, gpu: 0, ram: 0.00015 }, emissionsKg: 0.0000588, durationMs: 180_000,
    }, equivalents);
    assert.ok(parseHostToPanel({ type: 'snapshot', run: view, recentRuns: [], diagnostics: undefined }));
    assert.equal(view.summary.status, 'running');
    assert.equal(view.summary.exitCode, undefined);
    assert.equal(view.summary.endedAtMs, DEFAULT_STARTED_AT_MS + 180_000);
    assert.equal(view.summary.durationSeconds, 180);
    assert.ok(Math.abs(view.summary.energyKWh - 0.00105) < 1e-12);
    // 0.0009 kWh over 180 s is 18 W.
    assert.ok(Math.abs(view.averagePowerWatts.cpu - 18) < 1e-9);
    assert.equal(view.samples.length, 3);
  });

  it('gives a zero average power, not NaN, before the first interval', () => {
    const view = runViewFromActive(buildRunHeader(), [], { taskEnergyKWh: { cpu: 0, gpu: 0, ram: 0 }, emissionsKg: 0, durationMs: 0 }, equivalents);
    assert.deepEqual(view.averagePowerWatts, { cpu: 0, gpu: 0, ram: 0 });
    assert.ok(parseHostToPanel({ type: 'runDetails', run: view }));
  });

  it('cuts a command longer than the protocol allows instead of dropping the run', () => {
    const view = runViewFromRecord(buildRunRecord({ command: 'x'.repeat(MAX_STRING_LENGTH + 50) }), equivalents);
    assert.equal(view.summary.command.length, MAX_STRING_LENGTH);
    assert.ok(parseHostToPanel({ type: 'runDetails', run: view }));
  });

  it('merges a long run down to what the charts draw, keeping its energy and its last cumulative figures', () => {
    const samples = Array.from({ length: 7_807 }, (_, index) => buildNthSample(index + 1, {
      intervalMs: 60_000, taskPowerWatts: { cpu: 10 + (index % 13), gpu: index % 5, ram: 3 },
    }));
    const merged = chartSamples(samples);
    assert.ok(merged.length <= MAX_VIEW_SAMPLES && merged.length > MAX_VIEW_SAMPLES / 2, `${merged.length} points`);
    const joules = (list: readonly RunSample[]): number => list.reduce(
      (sum, sample) => sum + (sample.taskPowerWatts.cpu + sample.taskPowerWatts.gpu + sample.taskPowerWatts.ram) * sample.intervalMs / 1000, 0);
    assert.ok(Math.abs(joules(merged) - joules(samples)) <= 1e-9 * joules(samples));
    assert.equal(merged.at(-1)?.taskEnergyKWh, samples.at(-1)?.taskEnergyKWh);
    assert.equal(merged.at(-1)?.timestampMs, samples.at(-1)?.timestampMs);
    assert.equal(merged.reduce((sum, sample) => sum + (sample.aggregatedSamples ?? 1), 0), samples.length);
    assert.ok(MAX_VIEW_SAMPLES <= MAX_SAMPLES);
    const short = samples.slice(0, 3);
    assert.deepEqual(chartSamples(short), short);
  });

  it('labels countries, regions and cloud regions', () => {
    const location = buildRunRecord().location;
    assert.equal(locationLabel(location), 'France (FRA)');
    assert.equal(locationLabel({ ...location, countryIso3: 'USA', countryName: 'United States', region: 'CA' }), 'CA, United States (USA)');
    assert.equal(locationLabel({ ...location, countryName: 'Belgium', cloudProvider: 'gcp', cloudRegion: 'europe-west1' }), 'gcp:europe-west1 (Belgium)');
    assert.equal(locationLabel({ ...location, basis: 'time-zone-guess' }), 'France (FRA), guessed from the time zone');
  });

  it('maps a store summary with its intensity and PUE', () => {
    const record = buildRunRecord({ pue: 1.1 });
    const view = summaryViewFromStore(summarizeRun(record));
    assert.equal(view.pue, 1.1);
    assert.equal(view.intensityGramsPerKWh, 56);
    assert.ok(parseHostToPanel({ type: 'runFinished', summary: view }));
  });

  it('maps the power diagnostics, fixes included', () => {
    const view = diagnosticsView({ components: [{
      component: 'cpu', inUse: 'tdp-model', estimated: true, description: 'TDP model',
      attempts: [
        { id: 'rapl', accepted: false, detail: 'Permission denied', fix: 'sudo chmod a+r /sys/class/powercap/intel-rapl:*/energy_uj' },
        { id: 'tdp-model', accepted: true, detail: 'estimated' },
      ],
    }] });
    assert.equal(view.components[0]?.attempts[0]?.fix, 'sudo chmod a+r /sys/class/powercap/intel-rapl:*/energy_uj');
    assert.equal(view.components[0]?.attempts[1]?.fix, undefined);
    assert.ok(parseHostToPanel({ type: 'snapshot', run: undefined, recentRuns: [], diagnostics: view }));
  });
});
