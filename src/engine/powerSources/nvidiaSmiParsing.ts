import type { GpuDeviceReading, GpuProcessReading } from './powerSource';

/**
 * Pure parsers for `nvidia-smi --format=csv,noheader,nounits` output. Cells are separated by ", "; values the
 * driver cannot give are printed as `[N/A]`, `[Not Supported]`, `[Insufficient Permissions]` or a bare `N/A`
 * (captured output: utkuozdemir/nvidia_gpu_exporter internal/captures, drivers 590.48.01 and 595.71.05).
 */

/** Power fields in order of preference; see {@link GPU_QUERY_FIELDS}. */
export const POWER_FIELDS = ['power.draw', 'power.draw.average', 'power.draw.instant'] as const;

/**
 * Fields asked of `--query-gpu`. `power.draw` is the 1 s average on Ampere and newer (instantaneous before), which
 * suits 1 Hz integration best. `power.draw.average` (Ampere except GA100 and newer) and `power.draw.instant` (all
 * power-managed boards) exist from the R530/R535 drivers on; they are fallbacks for boards whose `power.draw` is
 * `[N/A]` (`nvidia-smi --help-query-gpu`, driver 590.48.01).
 */
export const GPU_QUERY_FIELDS = [
  'index', 'uuid', 'name', ...POWER_FIELDS, 'utilization.gpu', 'memory.used', 'memory.total',
] as const;

/** The same query for drivers older than the power.draw.average/instant fields. */
export const LEGACY_GPU_QUERY_FIELDS = [
  'index', 'uuid', 'name', 'power.draw', 'utilization.gpu', 'memory.used', 'memory.total',
] as const;

/** `used_memory` is an alias of `used_gpu_memory` (`nvidia-smi --help-query-compute-apps`). */
export const COMPUTE_APPS_QUERY_FIELDS = ['pid', 'gpu_uuid', 'used_memory'] as const;

export type GpuQueryFields = typeof GPU_QUERY_FIELDS | typeof LEGACY_GPU_QUERY_FIELDS;

/** One `--query-gpu` line. */
export interface NvidiaGpuRow {
  readonly index: number;
  readonly uuid: string;
  readonly name: string;
  /** The first of {@link POWER_FIELDS} that held a number, or undefined when none did. */
  readonly powerWatts: number | undefined;
  /** Which field `powerWatts` came from, e.g. "power.draw.instant". */
  readonly powerField: string | undefined;
  /** What the driver printed for each power field when none held a number, e.g. "power.draw [N/A]". */
  readonly powerUnavailable: string | undefined;
  readonly utilizationPercent: number | undefined;
  readonly memoryUsedMiB: number | undefined;
  readonly memoryTotalMiB: number | undefined;
}

/**
 * A number from one CSV cell, or undefined for the driver's "no value" markers (`[N/A]`, `N/A`, `[Not Supported]`,
 * any other bracketed text, an empty cell). Throws on anything else, so garbage never becomes a number. Every
 * field queried (index, watts, percent, MiB, pid) is a count or a magnitude: a negative value is garbage too.
 */
export function parseNvidiaSmiNumber(cell: string, field: string): number | undefined {
  const text = cell.trim();
  if (text === '' || text === 'N/A' || /^\[.*\]$/.test(text)) return undefined;
  const value = Number(text);
  if (!/^\+?\d+(\.\d+)?$/.test(text) || !Number.isFinite(value)) {
    throw new Error(`nvidia-smi printed "${text}" for ${field}, which is not a number`);
  }
  return value;
}

/**
 * Parses one `--query-gpu` line printed for `fields`. Returns undefined for lines that are not GPU rows (driver
 * messages such as "NVIDIA-SMI has failed because…", "No devices were found"), so a caller can keep them as the
 * reason. Throws when a GPU row holds a value that is neither a number nor a "no value" marker.
 */
export function parseGpuQueryLine(line: string, fields: GpuQueryFields): NvidiaGpuRow | undefined {
  const cells = line.split(',').map((cell) => cell.trim());
  // A product name could contain ", ": the name is whatever lies between uuid and the trailing numeric columns.
  const trailing = fields.length - 3;
  if (cells.length < fields.length) return undefined;
  const [indexText = '', uuid = ''] = cells;
  if (!/^\d+$/.test(indexText) || !/^(GPU|MIG)-/.test(uuid)) return undefined;
  const name = cells.slice(2, cells.length - trailing).join(', ');
  const values = new Map<string, string>();
  fields.slice(3).forEach((field, offset) => values.set(field, cells[cells.length - trailing + offset] ?? ''));
  const numberOf = (field: string): number | undefined => parseNvidiaSmiNumber(values.get(field) ?? '', field);

  let powerWatts: number | undefined;
  let powerField: string | undefined;
  for (const field of POWER_FIELDS) {
    if (!values.has(field)) continue;
    powerWatts = numberOf(field);
    if (powerWatts !== undefined) {
      powerField = field;
      break;
    }
  }
  const powerUnavailable = powerWatts === undefined
    ? POWER_FIELDS.filter((field) => values.has(field)).map((field) => `${field} ${values.get(field) || '(empty)'}`).join(', ')
    : undefined;
  return {
    index: Number(indexText),
    uuid,
    name,
    powerWatts,
    powerField,
    powerUnavailable,
    utilizationPercent: numberOf('utilization.gpu'),
    memoryUsedMiB: numberOf('memory.used'),
    memoryTotalMiB: numberOf('memory.total'),
  };
}

/** Parses all GPU rows of a one-shot `--query-gpu` run; non-GPU lines are returned apart as `otherLines`. */
export function parseGpuQueryOutput(
  text: string,
  fields: GpuQueryFields,
): { rows: NvidiaGpuRow[]; otherLines: string[] } {
  const rows: NvidiaGpuRow[] = [];
  const otherLines: string[] = [];
  for (const line of text.split('\n').map((raw) => raw.trim()).filter((raw) => raw !== '')) {
    const row = parseGpuQueryLine(line, fields);
    if (row) rows.push(row);
    else otherLines.push(line);
  }
  return { rows, otherLines };
}

/** Why a GPU's power is unknown, in words a user can act on. */
export function describeUnknownPower(row: NvidiaGpuRow): string {
  return `nvidia-smi gives no power for GPU ${row.index} (${row.name}): ${row.powerUnavailable ?? 'no power field'}`;
}

/** Maps a row onto the engine's device reading; a GPU without power gets 0 W and `powerUnknownReason`. */
export function gpuDeviceReadingFromRow(row: NvidiaGpuRow): GpuDeviceReading {
  const base = {
    deviceId: row.uuid,
    index: row.index,
    name: row.name,
    utilizationPercent: row.utilizationPercent,
    memoryUsedMiB: row.memoryUsedMiB,
    memoryTotalMiB: row.memoryTotalMiB,
  };
  return row.powerWatts === undefined
    ? { ...base, powerWatts: 0, powerUnknownReason: describeUnknownPower(row) }
    : { ...base, powerWatts: row.powerWatts };
}

/**
 * Parses `--query-compute-apps=pid,gpu_uuid,used_memory --format=csv,noheader,nounits`. Recent drivers print
 * nothing when no process runs; older ones print "No running processes found". Lines that are not process rows are
 * skipped. `used_memory` is `[N/A]` under Windows WDDM, which gives `usedMemoryMiB: undefined`.
 */
export function parseComputeAppsOutput(text: string): GpuProcessReading[] {
  const processes: GpuProcessReading[] = [];
  for (const line of text.split('\n')) {
    const [pidText = '', deviceId = '', memoryText = ''] = line.split(',').map((cell) => cell.trim());
    if (!/^\d+$/.test(pidText) || !/^(GPU|MIG)-/.test(deviceId)) continue;
    let usedMemoryMiB: number | undefined;
    try {
      usedMemoryMiB = parseNvidiaSmiNumber(memoryText, 'used_memory');
    } catch {
      usedMemoryMiB = undefined;
    }
    processes.push({ pid: Number(pidText), deviceId, usedMemoryMiB });
  }
  return processes;
}

/** True when nvidia-smi rejected a field name, which older drivers do for power.draw.average/instant. */
export function isUnknownFieldError(output: string): boolean {
  return /is not a valid field to query/i.test(output);
}
