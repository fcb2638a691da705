import type { ComponentEnergyKWh, RunRecord } from '../reports/runRecord';
import { JOULES_PER_KWH, GRAMS_PER_KG, MS_PER_SECOND } from '../units';

/** The labels every metric of a run carries; the run id is the Pushgateway grouping key, not a label here. */
export interface RunMetricLabels {
  readonly project: string;
  readonly experiment: string;
  readonly task: string;
  readonly host: string;
  readonly status: string;
  readonly trackingMode: string;
}

/**
 * Metric names follow Prometheus' conventions: a `carbon_meter_` namespace, base units in the name
 * (joules, grams, seconds), `_total` only on counters. Energy is a counter (it only grows while a run
 * goes on); the other figures are gauges.
 */
export const RUN_METRICS = {
  energy: 'carbon_meter_run_energy_joules_total',
  emissions: 'carbon_meter_run_emissions_grams',
  duration: 'carbon_meter_run_duration_seconds',
  ended: 'carbon_meter_run_end_timestamp_seconds',
} as const;

/** Label values are quoted: backslash, double quote and newline must be escaped (exposition format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatLabels(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  return `{${pairs.join(',')}}`;
}

/** A value as Prometheus reads it: finite numbers only, so a broken record cannot emit NaN or Inf. */
function formatValue(value: number): string {
  return Number.isFinite(value) ? String(value) : '0';
}

/** The energy the run's tracking mode counts: its process tree's, or the whole machine's. */
function trackedEnergy(record: RunRecord): ComponentEnergyKWh {
  return record.trackingMode === 'machine' ? record.machineEnergyKWh : record.taskEnergyKWh;
}

/** One run as the Prometheus text exposition format, ready to PUT to a Pushgateway group. */
export function formatRunMetrics(record: RunRecord, labels: RunMetricLabels): string {
  const common = {
    project: labels.project,
    experiment: labels.experiment,
    task: labels.task,
    host: labels.host,
    status: labels.status,
    tracking_mode: labels.trackingMode,
  };
  const energy = trackedEnergy(record);
  const lines = [
    `# HELP ${RUN_METRICS.energy} Energy used by the run, by component, in joules (process tree or whole machine, as tracked).`,
    `# TYPE ${RUN_METRICS.energy} counter`,
    ...(['cpu', 'gpu', 'ram'] as const).map((component) =>
      `${RUN_METRICS.energy}${formatLabels({ ...common, component })} ${formatValue(energy[component] * JOULES_PER_KWH)}`),
    `# HELP ${RUN_METRICS.emissions} Operational emissions of the run in grams CO2e (energy x PUE x grid intensity).`,
    `# TYPE ${RUN_METRICS.emissions} gauge`,
    `${RUN_METRICS.emissions}${formatLabels(common)} ${formatValue(record.emissionsKg * GRAMS_PER_KG)}`,
    `# HELP ${RUN_METRICS.duration} Wall-clock duration of the run in seconds.`,
    `# TYPE ${RUN_METRICS.duration} gauge`,
    `${RUN_METRICS.duration}${formatLabels(common)} ${formatValue(record.durationSeconds)}`,
    `# HELP ${RUN_METRICS.ended} When the run ended, in seconds since the Unix epoch (select runs by week with it).`,
    `# TYPE ${RUN_METRICS.ended} gauge`,
    `${RUN_METRICS.ended}${formatLabels(common)} ${formatValue(record.endedAtMs / MS_PER_SECOND)}`,
  ];
  return `${lines.join('\n')}\n`;
}
