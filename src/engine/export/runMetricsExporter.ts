import { join } from 'node:path';
import type { RunRecord } from '../reports/runRecord';
import { pseudonym } from '../runContext/identity';
import { formatRunMetrics, RunMetricLabels } from './prometheusExposition';
import { parsePushgatewayUrl, redactUrl } from './pushgatewayClient';
import { DrainReport, PushOutbox } from './pushOutbox';

/** Where runs are pushed, from a CLI flag, a setting or the environment. */
export interface PushgatewayConfig {
  readonly url: string;
  /** Per push; a gateway slower than this is retried later rather than waited for. */
  readonly timeoutMs?: number;
}

export const PUSHGATEWAY_JOB = 'carbon_meter';
/** A command line can be long; the label keeps its start, enough to tell tasks apart in a dashboard. */
const MAX_TASK_LABEL_LENGTH = 120;
const DEFAULT_TIMEOUT_MS = 3_000;

/** The outbox lives beside the run store, so every tracker writing to a store shares its queue. */
export function outboxDirectory(storageDir: string): string {
  return join(storageDir, 'pushgateway-outbox');
}

export function runMetricLabels(record: RunRecord): RunMetricLabels {
  const task = record.command.length > MAX_TASK_LABEL_LENGTH ? `${record.command.slice(0, MAX_TASK_LABEL_LENGTH - 1)}…` : record.command;
  return {
    project: record.projectName,
    experiment: record.experimentName,
    task,
    // The record's own machine id is a pseudonym or the name, as the user chose when it ran; a record
    // without one (written with no run context) sends only the pseudonym.
    host: record.context?.machineId ?? pseudonym('host', record.machine.hostname),
    status: record.status,
    trackingMode: record.trackingMode,
  };
}

/** What became of a push, as one line for the CLI or the extension (undefined when all went through). */
export interface ExportOutcome {
  readonly report: DrainReport | undefined;
  readonly message: string | undefined;
}

function describe(report: DrainReport, shownUrl: string): string | undefined {
  const parts: string[] = [];
  const firstFailure = report.failed[0];
  if (firstFailure) parts.push(`could not push to the Pushgateway ${shownUrl} (${firstFailure.failure.message})`);
  const left = report.failed.length + report.waiting;
  if (left > 0) parts.push(`${left} run${left === 1 ? '' : 's'} queued, retried on the next run or start`);
  if (report.unreadable > 0) parts.push(`${report.unreadable} unreadable file(s) in the outbox were left alone`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * Queues the run's metrics on disk, then pushes whatever is due (this run and any earlier one still
 * waiting). Never rejects: the run itself is already stored, and a failed push stays queued.
 */
export async function exportRunToPushgateway(record: RunRecord, config: PushgatewayConfig, storageDir: string, outbox?: PushOutbox): Promise<ExportOutcome> {
  const url = parsePushgatewayUrl(config.url);
  if (!(url instanceof URL)) return { report: undefined, message: `Pushgateway not used: ${url.message}` };
  const queue = outbox ?? new PushOutbox({ directory: outboxDirectory(storageDir) });
  try {
    await queue.enqueue(record.id, { job: PUSHGATEWAY_JOB, labels: { run_id: record.id } }, formatRunMetrics(record, runMetricLabels(record)));
  } catch (error) {
    return { report: undefined, message: `could not queue run ${record.id} for the Pushgateway: ${(error as Error).message}` };
  }
  const report = await queue.drain(url, { timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS, ignoreBackoff: true });
  return { report, message: describe(report, redactUrl(url)) };
}

/** Pushes what earlier runs left queued, honouring each entry's backoff. Never rejects. */
export async function retryQueuedPushes(config: PushgatewayConfig, storageDir: string, outbox?: PushOutbox): Promise<ExportOutcome> {
  const url = parsePushgatewayUrl(config.url);
  if (!(url instanceof URL)) return { report: undefined, message: `Pushgateway not used: ${url.message}` };
  const queue = outbox ?? new PushOutbox({ directory: outboxDirectory(storageDir) });
  const report = await queue.drain(url, { timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  return { report, message: describe(report, redactUrl(url)) };
}
