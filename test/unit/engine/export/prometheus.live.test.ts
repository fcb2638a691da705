import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportRunToPushgateway } from '../../../../src/engine/export/runMetricsExporter';
import type { RunRecord } from '../../../../src/engine/reports/runRecord';
import { createRunStore } from '../../../../src/engine/runStore';
import { buildRunRecord } from '../../../fixtures/buildRun';
import { findBinary, PrometheusStack } from '../../../fixtures/pushgateway/prometheusStack';

const DAY_MS = 86_400_000;
const PER_PROJECT_PER_WEEK = 'sum by (project) (carbon_meter_run_emissions_grams and on (run_id) (carbon_meter_run_end_timestamp_seconds > time() - 7 * 86400))';

/** Polls a query until it gives what is expected (Prometheus scrapes every second) or time is up. */
async function queryUntil(stack: PrometheusStack, promql: string, expected: Map<string, number>, timeoutMs = 20_000): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let last = new Map<string, number>();
  while (Date.now() < deadline) {
    last = await stack.query(promql);
    const close = last.size === expected.size && [...expected].every(([labels, value]) => Math.abs((last.get(labels) ?? Number.NaN) - value) <= 1e-9 * Math.max(1, value));
    if (close) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return last;
}

function byProject(records: readonly RunRecord[], value: (record: RunRecord) => number): Map<string, number> {
  const totals = new Map<string, number>();
  for (const record of records) {
    const labels = JSON.stringify({ project: record.projectName });
    totals.set(labels, (totals.get(labels) ?? 0) + value(record));
  }
  return totals;
}

describe('Pushgateway and Prometheus, for real (Debian packages on 127.0.0.1)', function () {
  this.timeout(90_000);
  let stack: PrometheusStack | undefined;
  let workDir: string;

  before(async function () {
    const pushgateway = findBinary('prometheus-pushgateway');
    const prometheus = findBinary('prometheus');
    if (!pushgateway || !prometheus) {
      // CI installs both (scripts/e2e/setup.sh): missing there is a failure, not a skip.
      if (process.env.CI === 'true') throw new Error('prometheus and prometheus-pushgateway must be installed in CI');
      this.skip();
    }
    stack = await PrometheusStack.start({ pushgateway, prometheus });
    workDir = await mkdtemp(join(tmpdir(), 'cm-prom-stores-'));
  });
  after(async () => {
    await stack?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('aggregates runs pushed from two stores: totals and per-project-per-week through PromQL', async () => {
    const live = stack as PrometheusStack;
    const now = Date.now();
    const storeRuns: Record<string, RunRecord[]> = {
      laptop: [
        buildRunRecord({ id: 'run-l1', projectName: 'shop', command: 'npm test', endedAtMs: now - DAY_MS, emissionsKg: 0.0021, taskEnergyKWh: { cpu: 0.004, gpu: 0, ram: 0.001 } }),
        buildRunRecord({ id: 'run-l2', projectName: 'model', command: 'python train.py', endedAtMs: now - 2 * DAY_MS, emissionsKg: 0.35, taskEnergyKWh: { cpu: 0.05, gpu: 0.6, ram: 0.01 } }),
        // Older than a week: in the totals, not in this week's figure.
        buildRunRecord({ id: 'run-l3', projectName: 'shop', command: 'npm run build', endedAtMs: now - 10 * DAY_MS, emissionsKg: 0.0005, taskEnergyKWh: { cpu: 0.001, gpu: 0, ram: 0.0002 } }),
      ],
      'ci-runner': [
        buildRunRecord({ id: 'run-c1', projectName: 'shop', command: 'npm test', endedAtMs: now - 3 * DAY_MS, emissionsKg: 0.0042, taskEnergyKWh: { cpu: 0.008, gpu: 0, ram: 0.002 } }),
        buildRunRecord({ id: 'run-c2', projectName: 'model', command: 'python eval.py', endedAtMs: now - 4 * DAY_MS, emissionsKg: 0.05, taskEnergyKWh: { cpu: 0.01, gpu: 0.08, ram: 0.002 } }),
      ],
    };
    const pushedRecords: RunRecord[] = [];
    for (const [name, records] of Object.entries(storeRuns)) {
      const storageDir = join(workDir, name);
      const store = createRunStore({ directory: storageDir });
      for (const record of records) await store.finishRun(record);
      // Read back from the store, as the CLI and the extension push what they stored.
      for (const summary of (await store.listRuns()).runs) {
        const record = await store.readRun(summary.id);
        const outcome = await exportRunToPushgateway(record, { url: live.pushgatewayUrl }, storageDir);
        assert.equal(outcome.message, undefined);
        pushedRecords.push(record);
      }
      store.dispose();
    }
    assert.equal(pushedRecords.length, 5);

    const grams = (record: RunRecord): number => record.emissionsKg * 1000;
    const totals = await queryUntil(live, 'sum by (project) (carbon_meter_run_emissions_grams)', byProject(pushedRecords, grams));
    assert.deepEqual([...totals.keys()].sort(), [JSON.stringify({ project: 'model' }), JSON.stringify({ project: 'shop' })]);
    assert.ok(Math.abs((totals.get(JSON.stringify({ project: 'shop' })) ?? 0) - 6.8) < 1e-9, `shop total ${totals.get(JSON.stringify({ project: 'shop' }))}`);
    assert.ok(Math.abs((totals.get(JSON.stringify({ project: 'model' })) ?? 0) - 400) < 1e-9);

    const thisWeek = await queryUntil(live, PER_PROJECT_PER_WEEK, byProject(pushedRecords.filter((record) => record.endedAtMs > now - 7 * DAY_MS), grams));
    assert.ok(Math.abs((thisWeek.get(JSON.stringify({ project: 'shop' })) ?? 0) - 6.3) < 1e-9, `shop this week ${thisWeek.get(JSON.stringify({ project: 'shop' }))}`);

    const joules = (record: RunRecord): number => (record.taskEnergyKWh.cpu + record.taskEnergyKWh.gpu + record.taskEnergyKWh.ram) * 3_600_000;
    const energy = await queryUntil(live, 'sum by (project) (carbon_meter_run_energy_joules_total)', byProject(pushedRecords, joules));
    assert.ok(Math.abs((energy.get(JSON.stringify({ project: 'model' })) ?? 0) - 0.752 * 3_600_000) < 1e-6);
  });
});
