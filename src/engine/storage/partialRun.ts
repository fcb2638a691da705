import type { ComponentEnergyKWh, ComponentPowerWatts, RunHeader, RunRecord, RunSample } from '../reports/runRecord';
import { JOULES_PER_KWH, MS_PER_SECOND } from '../units';
import { parseJsonLines } from './jsonLines';
import { isComponentEnergy, isFiniteNumber, isObject, isRunSample } from './recordShape';

export type { RunHeader } from '../reports/runRecord';

/**
 * Running totals written with each sample, so an interrupted run can be rebuilt from its last
 * complete line. The sampler's `SamplerTotals` satisfies this shape.
 */
export interface RunTotalsSoFar {
  readonly machineEnergyKWh: ComponentEnergyKWh;
  readonly machineIdleEnergyKWh: ComponentEnergyKWh;
  readonly taskEnergyKWh: ComponentEnergyKWh;
  /** Emissions of the tracked mode, PUE included. */
  readonly emissionsKg: number;
  readonly durationMs: number;
  readonly taskCpuSeconds?: number;
}

/** Who is writing a partial file, so recovery can tell a crashed writer from a live one. */
export interface PartialWriter {
  readonly pid: number;
  readonly hostname: string;
  /** Absent in journals of older versions and where /proc does not exist. */
  readonly bootId?: string;
  readonly startTicks?: number;
}

/** First line of `<id>.partial.jsonl`. */
export interface PartialHeaderLine {
  readonly kind: 'header';
  readonly writer: PartialWriter;
  readonly run: RunHeader;
}

/** Every later line: one sample and the totals up to and including it. */
export interface PartialSampleLine {
  readonly kind: 'sample';
  readonly sample: RunSample;
  readonly totals: RunTotalsSoFar;
}

/** The lines of a partial file that could be read. */
export interface ParsedPartialRun {
  readonly header: PartialHeaderLine | undefined;
  readonly samples: readonly PartialSampleLine[];
  /** Lines that were truncated, not JSON, or not a header/sample of the expected shape. */
  readonly skippedLines: number;
}

/** Copies only the totals fields, so extra fields of a richer totals object are not persisted. */
export function pickTotals(totals: RunTotalsSoFar): RunTotalsSoFar {
  const picked: RunTotalsSoFar = {
    machineEnergyKWh: totals.machineEnergyKWh,
    machineIdleEnergyKWh: totals.machineIdleEnergyKWh,
    taskEnergyKWh: totals.taskEnergyKWh,
    emissionsKg: totals.emissionsKg,
    durationMs: totals.durationMs,
  };
  return totals.taskCpuSeconds === undefined ? picked : { ...picked, taskCpuSeconds: totals.taskCpuSeconds };
}

function isHeaderLine(value: unknown): value is PartialHeaderLine {
  return isObject(value) && value.kind === 'header'
    && isObject(value.writer) && isFiniteNumber(value.writer.pid) && typeof value.writer.hostname === 'string'
    && isObject(value.run) && typeof value.run.id === 'string' && isFiniteNumber(value.run.startedAtMs);
}

function isSampleLine(value: unknown): value is PartialSampleLine {
  if (!isObject(value) || value.kind !== 'sample' || !isRunSample(value.sample) || !isObject(value.totals)) return false;
  const totals = value.totals;
  return isComponentEnergy(totals.machineEnergyKWh) && isComponentEnergy(totals.machineIdleEnergyKWh)
    && isComponentEnergy(totals.taskEnergyKWh) && isFiniteNumber(totals.emissionsKg) && isFiniteNumber(totals.durationMs);
}

/** Reads a partial file's text; the header must be the first readable line. */
export function parsePartialRun(text: string): ParsedPartialRun {
  const parsed = parseJsonLines(text);
  let skippedLines = parsed.skippedLines;
  let header: PartialHeaderLine | undefined;
  const samples: PartialSampleLine[] = [];
  parsed.values.forEach((value, index) => {
    if (index === 0 && isHeaderLine(value)) header = value;
    else if (isSampleLine(value)) samples.push(value);
    else skippedLines++;
  });
  return { header, samples, skippedLines };
}

function sumComponents(energy: ComponentEnergyKWh): number {
  return energy.cpu + energy.gpu + energy.ram;
}

function averagePower(energy: ComponentEnergyKWh, durationSeconds: number): ComponentPowerWatts {
  const watts = (energyKWh: number): number => (durationSeconds > 0 ? (energyKWh * JOULES_PER_KWH) / durationSeconds : 0);
  return { cpu: watts(energy.cpu), gpu: watts(energy.gpu), ram: watts(energy.ram) };
}

/**
 * Mean over the run's intervals, as the sampler takes it: a sample that merges several (a compacted
 * journal, journalCompaction.ts) counts for all of them.
 */
function mean(samples: readonly RunSample[], read: (sample: RunSample) => number | undefined): number | undefined {
  let sum = 0;
  let count = 0;
  for (const sample of samples) {
    const value = read(sample);
    if (!isFiniteNumber(value)) continue;
    const weight = isFiniteNumber(sample.aggregatedSamples) && sample.aggregatedSamples > 0 ? sample.aggregatedSamples : 1;
    sum += value * weight;
    count += weight;
  }
  return count > 0 ? sum / count : undefined;
}

const ZERO_ENERGY: ComponentEnergyKWh = { cpu: 0, gpu: 0, ram: 0 };

/**
 * Builds the final record of a run that never finished, from its header and the totals of its last
 * complete sample. The exit code is unknown, so it is left undefined.
 */
export function buildInterruptedRecord(header: RunHeader, lines: readonly PartialSampleLine[], status: RunRecord['status'] = 'interrupted'): RunRecord {
  const last = lines[lines.length - 1];
  const lastSample = last?.sample;
  const durationMs = last ? Math.max(last.totals.durationMs, 0) : 0;
  const durationSeconds = durationMs / MS_PER_SECOND;
  const machineEnergyKWh = last?.totals.machineEnergyKWh ?? ZERO_ENERGY;
  const taskEnergyKWh = last?.totals.taskEnergyKWh ?? ZERO_ENERGY;
  const trackedEnergyKWh = header.trackingMode === 'machine' ? machineEnergyKWh : taskEnergyKWh;
  const samples = lines.map((line) => line.sample);
  const ramUsedGiB = mean(samples, (sample) => sample.ramUsedGiB);
  const ramTotalGiB = header.machine.ramTotalGiB;
  return {
    ...header,
    status,
    exitCode: undefined,
    endedAtMs: lastSample ? lastSample.timestampMs : header.startedAtMs,
    durationSeconds,
    machineEnergyKWh,
    machineIdleEnergyKWh: last?.totals.machineIdleEnergyKWh ?? ZERO_ENERGY,
    taskEnergyKWh,
    energyKWh: sumComponents(trackedEnergyKWh),
    emissionsKg: last?.totals.emissionsKg ?? 0,
    averagePowerWatts: averagePower(trackedEnergyKWh, durationSeconds),
    cpuUtilizationPercent: mean(samples, (sample) => sample.cpuUtilizationPercent),
    gpuUtilizationPercent: mean(samples, (sample) => sample.gpuUtilizationPercent),
    ramUtilizationPercent: ramUsedGiB !== undefined && ramTotalGiB > 0 ? (ramUsedGiB / ramTotalGiB) * 100 : undefined,
    ramUsedGiB,
    taskCpuSeconds: last?.totals.taskCpuSeconds,
    samples,
  };
}
