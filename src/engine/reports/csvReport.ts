import { link, mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomHex } from '../system/randomIds';
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
  /** Rows whose field count is not the header's: torn or garbage lines. */
  readonly skippedRows: number;
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

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
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
  /** Which file was read, so a move aside can check it moved that one and not a newer one. */
  readonly inode: number;
}

// The header is about 500 bytes; the rows after it are never read, so an append costs the same after 10,000 runs.
const HEAD_BYTES = 65_536;

/** The start and the last byte of a file, or undefined when it does not exist. */
async function readEnds(filePath: string): Promise<CsvFileEnds | undefined> {
  let handle;
  try {
    handle = await open(filePath, 'r');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { size, ino } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(size, HEAD_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.toString('utf8', 0, bytesRead);
    let lastByte = bytesRead > 0 ? buffer[bytesRead - 1] : undefined;
    if (size > bytesRead) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      lastByte = last[0];
    }
    return { head, blank: size <= bytesRead && head.trim() === '', endsWithNewline: lastByte === 0x0a, inode: ino };
  } finally {
    await handle.close();
  }
}

/**
 * Creates `filePath` holding `text`, all at once: the text goes into a private temporary file that is
 * then hard-linked into place. link() fails with EEXIST if the file appeared meanwhile, so two writers
 * that both found no file cannot both write a header, and no reader ever sees the file empty.
 * Resolves to false when another writer created it first.
 */
async function createWhole(filePath: string, text: string): Promise<boolean> {
  const tempPath = join(dirname(filePath), `.${basename(filePath)}.${process.pid}.${randomHex(4)}.tmp`);
  await writeFile(tempPath, text, { encoding: 'utf8', flag: 'wx' });
  try {
    await link(tempPath, filePath);
    return true;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(tempPath).catch(() => undefined);
  }
}

/** Appends `text` with a single write() on an O_APPEND descriptor: concurrent appenders' rows never interleave. */
async function appendWhole(filePath: string, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  const handle = await open(filePath, 'a');
  try {
    const { bytesWritten } = await handle.write(bytes, 0, bytes.length);
    // A short write (a full disk) leaves a torn row; the next append starts on a fresh line after it.
    if (bytesWritten !== bytes.length) throw Object.assign(new Error(`short write to ${filePath} (${bytesWritten} of ${bytes.length} bytes)`), { code: 'ENOSPC' });
  } finally {
    await handle.close();
  }
}

/**
 * Moves the file that was read aside, by renaming it to a name only this call uses. If another writer
 * replaced the file in the meantime, the file moved is theirs: it is put back and false is returned so
 * the caller starts over.
 */
async function moveAside(filePath: string, inode: number, asidePath: string): Promise<boolean> {
  try {
    await rename(filePath, asidePath);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return false;
    throw error;
  }
  if ((await stat(asidePath)).ino === inode) return true;
  try {
    await link(asidePath, filePath);
    await unlink(asidePath);
  } catch (error) {
    // A third writer has started a new file already: theirs stays; the one we moved keeps its rows under asidePath.
    if (codeOf(error) !== 'EEXIST') throw error;
  }
  return false;
}

// Each retry follows a change made by another writer in the last few milliseconds; more than this means a loop.
const MAX_ATTEMPTS = 20;

/**
 * Appends one run as a row of a CodeCarbon-compatible emissions.csv, like CodeCarbon's FileOutput in
 * "append" mode. Earlier rows are never rewritten, and several processes may append at once (two VS Code
 * windows and a CLI): a new file appears whole with its header and first row (see `createWhole`), every
 * other row goes in with one write() in append mode, and a file whose columns differ is moved aside to
 * a `.bak` file (CodeCarbon renames to `emissions.csv.bak`, `emissions.csv_0.bak`…; we add a timestamp),
 * never overwritten. A missing folder is created (it may have been deleted while a run went on).
 */
export async function appendEmissionsCsv(
  filePath: string,
  record: RunRecord,
  options: { readonly nowMs?: () => number } = {},
): Promise<EmissionsCsvAppendResult> {
  const fields = emissionsCsvFields(record);
  const newFileText = formatEmissionsCsvHeader() + formatCsvLine(EMISSIONS_CSV_COLUMNS.map((column) => fields[column]));
  let backupPath: string | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const existing = await readEnds(filePath);
    if (existing === undefined) {
      await mkdir(dirname(filePath), { recursive: true });
      if (await createWhole(filePath, newFileText)) return appendResult(filePath, true, backupPath);
      continue;
    }
    if (existing.blank) {
      // An empty file (touched by hand, or created by another tool): take it out of the way, then create ours.
      const emptyAside = `${filePath}.${process.pid}.${randomHex(4)}.empty`;
      if (await moveAside(filePath, existing.inode, emptyAside)) {
        const leftover = await readFile(emptyAside, 'utf8');
        // Someone appended between our read and the move: their text is kept, as a backup.
        if (leftover.trim() === '') await unlink(emptyAside);
        else backupPath = await keepAsBackup(emptyAside, filePath, options);
      }
      continue;
    }
    const { head } = existing;
    const header = parseCsvRecords(head.slice(0, head.indexOf('\n') + 1 || head.length))[0] ?? [];
    if (sameColumns(header)) {
      // Follow the file's own column order, so a reordered header still gets aligned values.
      const line = formatCsvLine(header.map((column) => fields[column as EmissionsCsvColumn]));
      // A previous writer that died mid-row left no newline; start ours on a fresh line.
      await appendWhole(filePath, existing.endsWithNewline ? line : `\n${line}`);
      return appendResult(filePath, false, backupPath);
    }
    const candidate = await freeBackupPath(filePath, (options.nowMs ?? Date.now)());
    if (await moveAside(filePath, existing.inode, candidate)) backupPath = candidate;
  }
  throw new Error(`${filePath} kept changing under another writer; gave up after ${MAX_ATTEMPTS} attempts`);
}

function appendResult(filePath: string, wroteHeader: boolean, backupPath: string | undefined): EmissionsCsvAppendResult {
  return {
    filePath,
    wroteHeader,
    backupPath,
    message: backupPath === undefined
      ? undefined
      : `${basename(filePath)} had different columns; it was kept as ${basename(backupPath)} and a new file was started.`,
  };
}

/** Renames a file moved aside to a dated backup name, for the rare text found in a file that looked empty. */
async function keepAsBackup(asidePath: string, filePath: string, options: { readonly nowMs?: () => number }): Promise<string> {
  const backupPath = await freeBackupPath(filePath, (options.nowMs ?? Date.now)());
  await rename(asidePath, backupPath);
  return backupPath;
}

/**
 * Reads emissions.csv text into rows keyed by column name; quoted fields are unquoted. A row with another
 * number of fields than the header (torn by a writer that died mid-row, or garbage) is left out and counted.
 */
export function parseEmissionsCsv(text: string): ParsedEmissionsCsv {
  const [header = [], ...records] = parseCsvRecords(text);
  const whole = records.filter((fields) => fields.length === header.length);
  const rows = whole.map((fields) => Object.fromEntries(header.map((column, index) => [column, fields[index] ?? ''])));
  return { header, rows, skippedRows: records.length - whole.length };
}

/**
 * What to tell the user when a row could not be appended (a full or read-only disk): the JSON record is
 * written apart from the CSV, so the run is not lost, and its row can be produced again from it.
 */
export function describeCsvAppendFailure(filePath: string, runId: string, error: unknown): string {
  const code = codeOf(error);
  const reason = code === 'ENOSPC' ? 'the disk is full' : code === 'EROFS' ? 'the file system is read-only' : error instanceof Error ? error.message : String(error);
  return `could not append run ${runId} to ${filePath}: ${reason}${typeof code === 'string' && !reason.includes(code) ? ` (${code})` : ''}. `
    + `The run is kept in its JSON record; once storage is back, \`carbon-meter report ${runId} --format csv\` prints its row.`;
}
