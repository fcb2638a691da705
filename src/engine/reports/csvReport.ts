import { appendFile, open, rename, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { formatCsvLine, parseCsvRecords } from './csvText';
import { formatPythonFloat } from './pythonFloat';
import type { ComponentEnergyKWh, RunRecord } from './runRecord';

/** CodeCarbon 3.x `emissions.csv` columns, in the order `EmissionsData` declares them. */
export const EMISSIONS_CSV_COLUMNS = [
  'timestamp', 'project_name', 'run_id', 'experiment_id', 'duration', 'emissions', 'emissions_rate',
  'cpu_power', 'gpu_power', 'ram_power', 'cpu_energy', 'gpu_energy', 'ram_energy', 'energy_consumed',
  'water_consumed', 'country_name', 'country_iso_code', 'region', 'cloud_provider', 'cloud_region', 'os',
  'python_version', 'codecarbon_version', 'cpu_count', 'cpu_model', 'gpu_count', 'gpu_model', 'longitude',
  'latitude', 'ram_total_size', 'tracking_mode', 'cpu_utilization_percent', 'gpu_utilization_percent',
  'ram_utilization_percent', 'ram_used_gb', 'on_cloud', 'pue', 'wue',
] as const;

export type EmissionsCsvColumn = (typeof EMISSIONS_CSV_COLUMNS)[number];

/** What `appendEmissionsCsv` did. */
export interface EmissionsCsvAppendResult {
  readonly filePath: string;
  /** True when the file was new (or empty) and got a header line. */
  readonly wroteHeader: boolean;
  /** Where a file with other columns was moved before a new one was started. */
  readonly backupPath: string | undefined;
  /** A sentence for the user when something other than a plain append happened. */
  readonly message: string | undefined;
}

/** Rows read back from an emissions.csv file; every value is the raw text of its field. */
export interface ParsedEmissionsCsv {
  readonly header: readonly string[];
  readonly rows: readonly Readonly<Record<string, string>>[];
}

/** CodeCarbon writes `datetime.now().strftime("%Y-%m-%dT%H:%M:%S")` at stop: local time, no zone, no fraction. */
export function formatCodeCarbonTimestamp(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`
    + `T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** pandas writes a missing value (None/NaN) as an empty field. */
function float(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '' : formatPythonFloat(value);
}

/** Counts are Python ints in CodeCarbon, so no `.0`. */
function integer(value: number): string {
  return Number.isInteger(value) ? String(value) : float(value);
}

function total(energy: ComponentEnergyKWh): number {
  return energy.cpu + energy.gpu + energy.ram;
}

/**
 * One run as CodeCarbon fields, in CodeCarbon units: s, kg, kg/s, W, kWh, GB (CodeCarbon's "GB" is
 * bytes / 1024³, i.e. GiB), L. Energy and power are those of the tracked mode; energy is before PUE
 * and emissions after it, as RunRecord defines them.
 *
 * - `python_version` and `codecarbon_version` are left empty: no Python or CodeCarbon ran, and a fake
 *   version would mislead readers that filter or group by it; pandas reads the empty field as NaN.
 * - `experiment_id` holds our experiment name. CodeCarbon puts a UUID there for its web API, but
 *   nothing reading the CSV checks its shape, and the name is what a person filters on.
 * - We do not model water: like CodeCarbon without a WUE, `water_consumed` and `wue` are 0.0.
 */
export function emissionsCsvFields(record: RunRecord): Record<EmissionsCsvColumn, string> {
  const energy = record.trackingMode === 'machine' ? record.machineEnergyKWh : record.taskEnergyKWh;
  const { location, machine, averagePowerWatts: power } = record;
  return {
    timestamp: formatCodeCarbonTimestamp(record.endedAtMs),
    project_name: record.projectName,
    run_id: record.id,
    experiment_id: record.experimentName,
    duration: float(record.durationSeconds),
    emissions: float(record.emissionsKg),
    emissions_rate: float(record.durationSeconds > 0 ? record.emissionsKg / record.durationSeconds : 0),
    cpu_power: float(power.cpu),
    gpu_power: float(power.gpu),
    ram_power: float(power.ram),
    cpu_energy: float(energy.cpu),
    gpu_energy: float(energy.gpu),
    ram_energy: float(energy.ram),
    energy_consumed: float(total(energy)),
    water_consumed: float(0),
    country_name: location.countryName,
    country_iso_code: location.countryIso3,
    region: location.region ?? '',
    cloud_provider: location.cloudProvider ?? '',
    cloud_region: location.cloudRegion ?? '',
    os: machine.os,
    python_version: '',
    codecarbon_version: '',
    cpu_count: integer(machine.cpuCount),
    cpu_model: machine.cpuModel,
    gpu_count: integer(machine.gpuCount),
    gpu_model: machine.gpuModel,
    longitude: float(location.longitude),
    latitude: float(location.latitude),
    ram_total_size: float(machine.ramTotalGiB),
    tracking_mode: record.trackingMode,
    cpu_utilization_percent: float(record.cpuUtilizationPercent),
    gpu_utilization_percent: float(record.gpuUtilizationPercent),
    ram_utilization_percent: float(record.ramUtilizationPercent),
    ram_used_gb: float(record.ramUsedGiB),
    on_cloud: machine.onCloud ? 'Y' : 'N',
    pue: float(record.pue),
    wue: float(0),
  };
}

/** The header line of a new emissions.csv. */
export function formatEmissionsCsvHeader(): string {
  return formatCsvLine(EMISSIONS_CSV_COLUMNS);
}

/** CodeCarbon accepts a file whose header has the same columns in any order; so do we. */
function sameColumns(header: readonly string[]): boolean {
  const expected = [...EMISSIONS_CSV_COLUMNS].sort();
  const actual = [...header].sort();
  return actual.length === expected.length && actual.every((column, index) => column === expected[index]);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** `<file>.<local yyyymmddThhmmss>.bak`, with `_1`, `_2`… added rather than overwrite an older backup. */
async function freeBackupPath(filePath: string, nowMs: number): Promise<string> {
  const stamp = formatCodeCarbonTimestamp(nowMs).replace(/[-:]/g, '');
  for (let attempt = 0; ; attempt++) {
    const candidate = `${filePath}.${stamp}${attempt === 0 ? '' : `_${attempt}`}.bak`;
    if (!(await exists(candidate))) return candidate;
  }
}

/** What an append needs of an existing file: its start, whether it is blank, whether its last line is ended. */
interface CsvFileEnds {
  readonly head: string;
  readonly blank: boolean;
  readonly endsWithNewline: boolean;
}

// The header is about 500 bytes; the rows after it are never read, so an append costs the same after 10,000 runs.
const HEAD_BYTES = 65_536;

/** The start and the last byte of a file, or undefined when it does not exist. */
async function readEnds(filePath: string): Promise<CsvFileEnds | undefined> {
  let handle;
  try {
    handle = await open(filePath, 'r');
  } catch (error) {
    if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(size, HEAD_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.toString('utf8', 0, bytesRead);
    let lastByte = bytesRead > 0 ? buffer[bytesRead - 1] : undefined;
    if (size > bytesRead) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      lastByte = last[0];
    }
    return { head, blank: size <= bytesRead && head.trim() === '', endsWithNewline: lastByte === 0x0a };
  } finally {
    await handle.close();
  }
}

/**
 * Appends one run as a row of a CodeCarbon-compatible emissions.csv, like CodeCarbon's FileOutput in
 * "append" mode. Earlier rows are never rewritten: the row goes in with one append (O_APPEND), so
 * concurrent appenders of these short lines do not interleave on local file systems. A new or empty
 * file gets the header first. A file whose columns differ is moved aside to a `.bak` file (CodeCarbon
 * renames to `emissions.csv.bak`, `emissions.csv_0.bak`…; we add a timestamp) and a new file is started.
 */
export async function appendEmissionsCsv(
  filePath: string,
  record: RunRecord,
  options: { readonly nowMs?: () => number } = {},
): Promise<EmissionsCsvAppendResult> {
  const fields = emissionsCsvFields(record);
  const newFileText = formatEmissionsCsvHeader() + formatCsvLine(EMISSIONS_CSV_COLUMNS.map((column) => fields[column]));
  const existing = await readEnds(filePath);

  if (existing === undefined || existing.blank) {
    try {
      // 'wx' on a missing file: if another appender creates it first, retry as an append to theirs.
      await writeFile(filePath, newFileText, { encoding: 'utf8', flag: existing === undefined ? 'wx' : 'w' });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EEXIST') return appendEmissionsCsv(filePath, record, options);
      throw error;
    }
    return { filePath, wroteHeader: true, backupPath: undefined, message: undefined };
  }

  const { head } = existing;
  const header = parseCsvRecords(head.slice(0, head.indexOf('\n') + 1 || head.length))[0] ?? [];
  if (sameColumns(header)) {
    // Follow the file's own column order, so a reordered header still gets aligned values.
    const line = formatCsvLine(header.map((column) => fields[column as EmissionsCsvColumn]));
    // A previous writer that died mid-row left no newline; start ours on a fresh line.
    await appendFile(filePath, existing.endsWithNewline ? line : `\n${line}`, 'utf8');
    return { filePath, wroteHeader: false, backupPath: undefined, message: undefined };
  }

  const backupPath = await freeBackupPath(filePath, (options.nowMs ?? Date.now)());
  await rename(filePath, backupPath);
  await writeFile(filePath, newFileText, { encoding: 'utf8', flag: 'wx' });
  return {
    filePath,
    wroteHeader: true,
    backupPath,
    message: `${basename(filePath)} had different columns; it was kept as ${basename(backupPath)} and a new file was started.`,
  };
}

/** Reads emissions.csv text into rows keyed by column name; quoted fields are unquoted. */
export function parseEmissionsCsv(text: string): ParsedEmissionsCsv {
  const [header = [], ...records] = parseCsvRecords(text);
  const rows = records.map((fields) => Object.fromEntries(header.map((column, index) => [column, fields[index] ?? ''])));
  return { header, rows };
}
