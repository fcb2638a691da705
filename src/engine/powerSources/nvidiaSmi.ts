import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { GpuProcessReading, PowerReading, PowerSource } from './powerSource';
import { onLines } from './streamLines';
import {
  COMPUTE_APPS_QUERY_FIELDS,
  GPU_QUERY_FIELDS,
  GpuQueryFields,
  LEGACY_GPU_QUERY_FIELDS,
  NvidiaGpuRow,
  describeUnknownPower,
  gpuDeviceReadingFromRow,
  isUnknownFieldError,
  parseComputeAppsOutput,
  parseGpuQueryLine,
  parseGpuQueryOutput,
} from './nvidiaSmiParsing';

export interface NvidiaSmiSourceOptions {
  /** Absolute path of the nvidia-smi executable; never looked up on PATH here. */
  readonly nvidiaSmiPath: string;
  /**
   * Loop period handed to `nvidia-smi -lms`; also the least time between two restarts of a dead stream, doubled
   * for each stream in a row that died without printing a GPU row.
   */
  readonly intervalMs: number;
  /** Longest wait for a one-shot query or for the stream's first lines. Default 5 s. */
  readonly spawnTimeoutMs?: number;
}

const DEFAULT_SPAWN_TIMEOUT_MS = 5_000;
/** A killed stream gets this long to leave after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 1_000;
const MAX_REASON_CHARS = 300;
/** The longest wait between two restarts of a stream that keeps dying: a broken driver costs one spawn a minute. */
export const MAX_STREAM_RESTART_DELAY_MS = 60_000;

interface RunResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface LatestRow {
  readonly row: NvidiaGpuRow;
  readonly atMs: number;
}

/** The long-lived `nvidia-smi --query-gpu … -lms` child and what it has printed so far. */
interface GpuStream {
  readonly child: ChildProcess;
  readonly startedAtMs: number;
  readonly rows: Map<string, LatestRow>;
  lastLineAtMs: number;
  /** The last line that was not a GPU row (a driver message, garbage), kept as the reason if the stream stops. */
  lastOtherLine: string | undefined;
  /** Whether that line came after the last GPU row. */
  otherLineIsLatest: boolean;
  /** Set once the stream has stopped. */
  exitReason: string | undefined;
  /** Called on every GPU row and on exit, so a read waiting for the first rows can resume. */
  onChange: (() => void) | undefined;
}

/**
 * GPU power from `nvidia-smi`. One long-lived `-lms` stream keeps the latest row per GPU, so a reading costs no
 * spawn; compute processes come from a one-shot `--query-compute-apps` per reading, because a looping process
 * query has no frame delimiter (an empty frame prints nothing) and exited processes could not be told apart.
 */
export function createNvidiaSmiSource(options: NvidiaSmiSourceOptions): PowerSource {
  return new NvidiaSmiSource(options);
}

class NvidiaSmiSource implements PowerSource {
  readonly id = 'nvidia-smi' as const;
  readonly component = 'gpu' as const;
  readonly estimated = false;

  private readonly spawnTimeoutMs: number;
  private readonly oneShotChildren = new Set<ChildProcess>();
  private fields: GpuQueryFields | undefined;
  private knownGpus: readonly NvidiaGpuRow[] = [];
  private stream: GpuStream | undefined;
  private processQuery: Promise<void> | undefined;
  private latestProcesses: readonly GpuProcessReading[] | undefined;
  private processesQueried = false;
  private disposed = false;
  /** Streams in a row that died before printing a GPU row; each restart waits twice as long as the one before. */
  private fruitlessStreams = 0;

  constructor(private readonly options: NvidiaSmiSourceOptions) {
    this.spawnTimeoutMs = options.spawnTimeoutMs ?? DEFAULT_SPAWN_TIMEOUT_MS;
  }

  get description(): string {
    const names = this.knownGpus.map((gpu) => gpu.name);
    return names.length > 0
      ? `nvidia-smi board power (${names.length} GPU${names.length > 1 ? 's' : ''}: ${names.join(', ')})`
      : 'nvidia-smi board power';
  }

  async probe(): Promise<string | undefined> {
    // Most machines have no NVIDIA driver: a look along PATH is far cheaper than a spawn that fails.
    if (!this.options.nvidiaSmiPath.includes('/') && !isOnPath(this.options.nvidiaSmiPath, process.env.PATH)) {
      return `${this.options.nvidiaSmiPath} not found on PATH (no NVIDIA driver installed?)`;
    }
    try {
      const rows = await this.queryGpusOnce();
      if (rows.every((row) => row.powerWatts === undefined)) {
        return `nvidia-smi reports no power draw for any GPU: ${rows.map(describeUnknownPower).join('; ')}`;
      }
      return undefined;
    } catch (error) {
      return messageOf(error);
    }
  }

  async read(): Promise<PowerReading> {
    if (this.disposed) throw new Error('nvidia-smi source was disposed');
    if (!this.fields) await this.queryGpusOnce();
    const processes = this.readProcesses();
    const rows = await this.readLatestRows();
    const devices = rows.map(gpuDeviceReadingFromRow);
    const measured = rows.filter((row) => row.powerWatts !== undefined);
    if (measured.length === 0) {
      // Every GPU is [N/A]: throwing lets the sampler hold the last good power and say why, instead of 0 W.
      throw new Error(`nvidia-smi reports no power draw for any GPU: ${rows.map(describeUnknownPower).join('; ')}`);
    }
    const utilizations = rows.flatMap((row) => (row.utilizationPercent === undefined ? [] : [row.utilizationPercent]));
    return {
      powerWatts: measured.reduce((sum, row) => sum + (row.powerWatts ?? 0), 0),
      utilizationPercent: utilizations.length > 0
        ? utilizations.reduce((sum, value) => sum + value, 0) / utilizations.length
        : undefined,
      devices,
      processes: await processes,
    };
  }

  /** Stops the `-lms` stream while nothing is measured, so an idle editor runs no nvidia-smi; the next read restarts it. */
  suspend(): void {
    if (this.stream) stopChild(this.stream.child);
    this.stream = undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.stream) stopChild(this.stream.child);
    for (const child of this.oneShotChildren) stopChild(child);
    this.oneShotChildren.clear();
  }

  /** Runs the GPU query once, settles which field set this driver accepts, and returns its rows. */
  private async queryGpusOnce(): Promise<NvidiaGpuRow[]> {
    for (const fields of [GPU_QUERY_FIELDS, LEGACY_GPU_QUERY_FIELDS]) {
      const result = await this.runOnce(gpuQueryArgs(fields));
      const output = `${result.stdout}\n${result.stderr}`;
      // Drivers before R530/R535 reject power.draw.average/instant; ask again without them.
      if (fields === GPU_QUERY_FIELDS && isUnknownFieldError(output)) continue;
      if (result.exitCode !== 0) throw new Error(describeExit(result));
      const { rows, otherLines } = parseGpuQueryOutput(result.stdout, fields);
      if (rows.length === 0) {
        throw new Error(`nvidia-smi lists no GPU${otherLines[0] ? `: ${truncate(otherLines[0])}` : ''}`);
      }
      this.fields = fields;
      this.knownGpus = rows;
      return rows;
    }
    throw new Error('nvidia-smi rejected both the current and the legacy --query-gpu field lists');
  }

  /** The latest row of every GPU from the stream, starting or restarting the stream as needed. */
  private async readLatestRows(): Promise<NvidiaGpuRow[]> {
    const fields = this.fields ?? LEGACY_GPU_QUERY_FIELDS;
    const nowMs = performance.now();
    const current = this.stream;
    if (current?.exitReason !== undefined) {
      // At most one restart per interval, backing off while streams die without a row, so a driver that keeps
      // failing costs one spawn per interval at first and one a minute at most later, never a loop.
      const restartDelayMs = this.restartDelayMs();
      if (nowMs - current.startedAtMs >= restartDelayMs) {
        this.fruitlessStreams = current.rows.size === 0 ? this.fruitlessStreams + 1 : 0;
        this.stream = this.startStream(fields);
      }
      throw new Error(`nvidia-smi stopped: ${current.exitReason}${restartDelayMs > this.options.intervalMs ? ` (restarts every ${Math.round(restartDelayMs / 1000)} s)` : ''}`);
    }
    const stream = current ?? (this.stream = this.startStream(fields));
    if (stream.rows.size < this.knownGpus.length) await this.waitForRows(stream);

    const staleAfterMs = Math.max(3 * this.options.intervalMs, this.spawnTimeoutMs);
    if (performance.now() - stream.lastLineAtMs > staleAfterMs) {
      const said = stream.otherLineIsLatest && stream.lastOtherLine ? `, only "${truncate(stream.lastOtherLine)}"` : '';
      stream.exitReason = `printed no GPU row for ${Math.round(performance.now() - stream.lastLineAtMs)} ms${said}; killed it`;
      stopChild(stream.child);
      throw new Error(`nvidia-smi stopped: ${stream.exitReason}`);
    }
    // A GPU that stopped appearing (fell off the bus) must not keep its last power forever.
    return [...stream.rows.values()]
      .filter((latest) => stream.lastLineAtMs - latest.atMs <= staleAfterMs)
      .map((latest) => latest.row)
      .sort((a, b) => a.index - b.index);
  }

  private restartDelayMs(): number {
    return Math.min(MAX_STREAM_RESTART_DELAY_MS, this.options.intervalMs * 2 ** this.fruitlessStreams);
  }

  /** Waits until the stream has printed a row for every known GPU, has stopped, or the spawn timeout passed. */
  private waitForRows(stream: GpuStream): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.onChange = undefined;
        if (stream.rows.size > 0) return resolve();
        const said = stream.lastOtherLine ? `, only "${truncate(stream.lastOtherLine)}"` : '';
        stream.exitReason = `printed no GPU row within ${this.spawnTimeoutMs} ms${said}; killed it`;
        stopChild(stream.child);
        reject(new Error(`nvidia-smi stopped: ${stream.exitReason}`));
      }, this.spawnTimeoutMs);
      stream.onChange = () => {
        if (stream.exitReason !== undefined) {
          clearTimeout(timer);
          stream.onChange = undefined;
          reject(new Error(`nvidia-smi stopped: ${stream.exitReason}`));
        } else if (stream.rows.size >= this.knownGpus.length) {
          clearTimeout(timer);
          stream.onChange = undefined;
          resolve();
        }
      };
    });
  }

  private startStream(fields: GpuQueryFields): GpuStream {
    const startedAtMs = performance.now();
    const child = spawn(this.options.nvidiaSmiPath, [...gpuQueryArgs(fields), '-lms', String(this.options.intervalMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stream: GpuStream = {
      child, startedAtMs, rows: new Map(), lastLineAtMs: startedAtMs,
      lastOtherLine: undefined, otherLineIsLatest: false, exitReason: undefined, onChange: undefined,
    };
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-MAX_REASON_CHARS); });
    onLines(child.stdout, (line) => {
      if (line.trim() === '') return;
      try {
        const row = parseGpuQueryLine(line, fields);
        if (!row) {
          stream.lastOtherLine = line.trim();
          stream.otherLineIsLatest = true;
          return;
        }
        stream.lastLineAtMs = performance.now();
        stream.otherLineIsLatest = false;
        stream.rows.set(row.uuid, { row, atMs: stream.lastLineAtMs });
      } catch (error) {
        stream.lastOtherLine = messageOf(error);
        stream.otherLineIsLatest = true;
      }
      stream.onChange?.();
    });
    const stop = (reason: string): void => {
      stream.exitReason ??= reason;
      stream.onChange?.();
    };
    child.on('error', (error) => stop(spawnErrorReason(error, this.options.nvidiaSmiPath)));
    child.on('close', (exitCode, signal) => {
      const said = stream.lastOtherLine ?? stderr.trim();
      stop(`${describeStatus(exitCode, signal)}${said ? `: ${truncate(said)}` : ''}`);
    });
    return stream;
  }

  /**
   * The compute processes of the last finished query, starting a new one when none is running. Only the first call
   * waits, so a slow nvidia-smi never delays a power reading; later lists are at most one interval old. Undefined
   * means "not known" (the query failed), never "no process".
   */
  private readProcesses(): Promise<readonly GpuProcessReading[] | undefined> {
    this.processQuery ??= this.runOnce([`--query-compute-apps=${COMPUTE_APPS_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'])
      .then((result) => {
        this.latestProcesses = result.exitCode === 0 ? parseComputeAppsOutput(result.stdout) : undefined;
      })
      .catch(() => {
        this.latestProcesses = undefined;
      })
      .finally(() => {
        this.processQuery = undefined;
        this.processesQueried = true;
      });
    return this.processesQueried ? Promise.resolve(this.latestProcesses) : this.processQuery.then(() => this.latestProcesses);
  }

  /** Runs nvidia-smi once. Rejects with a user-facing reason when it is missing or does not finish in time. */
  private runOnce(args: readonly string[]): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.nvidiaSmiPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.oneShotChildren.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
      const settle = (): void => {
        clearTimeout(timer);
        this.oneShotChildren.delete(child);
      };
      // A hung driver can block nvidia-smi for minutes; answer within the timeout and kill it.
      const timer = setTimeout(() => {
        settle();
        child.kill('SIGKILL');
        child.stdout?.destroy();
        child.stderr?.destroy();
        reject(new Error(`nvidia-smi did not answer within ${this.spawnTimeoutMs} ms (${this.options.nvidiaSmiPath} ${args.join(' ')})`));
      }, this.spawnTimeoutMs);
      child.on('error', (error) => {
        settle();
        reject(new Error(spawnErrorReason(error, this.options.nvidiaSmiPath)));
      });
      child.on('close', (exitCode, signal) => {
        settle();
        resolve({ exitCode, signal, stdout, stderr });
      });
    });
  }
}

function gpuQueryArgs(fields: GpuQueryFields): string[] {
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
}

/** SIGTERM first, as Ctrl+C would; SIGKILL if it is still there after a grace period. */
function stopChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, KILL_GRACE_MS);
  timer.unref();
  child.once('exit', () => clearTimeout(timer));
}

/** Whether an executable of that name is in one of PATH's folders. */
function isOnPath(name: string, searchPath: string | undefined): boolean {
  return (searchPath ?? '').split(delimiter).filter(Boolean).some((folder) => {
    try {
      accessSync(join(folder, name), fsConstants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function spawnErrorReason(error: Error, nvidiaSmiPath: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    // A bare name was looked up on PATH; a path was taken as given.
    return nvidiaSmiPath.includes('/') ? `nvidia-smi not found at ${nvidiaSmiPath}` : `${nvidiaSmiPath} not found on PATH (no NVIDIA driver installed?)`;
  }
  if (code === 'EACCES') return `nvidia-smi at ${nvidiaSmiPath} is not executable`;
  return `nvidia-smi at ${nvidiaSmiPath} could not start: ${error.message}`;
}

function describeStatus(exitCode: number | null, signal: NodeJS.Signals | null): string {
  return exitCode === null ? `exited on ${signal ?? 'an unknown signal'}` : `exited with code ${exitCode}`;
}

/** "nvidia-smi exited with code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver…" */
function describeExit(result: RunResult): string {
  // nvidia-smi prints its own failures on stdout, so both streams are searched for the message.
  const said = `${result.stdout}\n${result.stderr}`.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return `nvidia-smi ${describeStatus(result.exitCode, result.signal)}${said.length > 0 ? `: ${truncate(said.join(' '))}` : ''}`;
}

function truncate(text: string): string {
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
