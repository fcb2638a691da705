import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { Disposable, Emitter, Event } from './events';
import { appendEmissionsCsv } from './reports/csvReport';
import { formatJsonReport } from './reports/jsonReport';
import type { RunRecord, RunSample } from './reports/runRecord';
import { isAtomicWriteTempFile, writeFileAtomic } from './storage/atomicWrite';
import { rewriteJournal, SampleJournal } from './storage/journalCompaction';
import { toJsonLine } from './storage/jsonLines';
import {
  buildInterruptedRecord, parsePartialRun, PartialHeaderLine, PartialSampleLine, PartialWriter, pickTotals, RunHeader, RunTotalsSoFar,
} from './storage/partialRun';
import { isProcessAlive as defaultIsProcessAlive, ProcessIdentity, readProcessIdentity } from './storage/processAlive';
import { checkRunRecord } from './storage/recordShape';
import { randomHex } from './system/randomIds';
import { sha256Hex } from './system/sha256';
import { errorCode, errorMessage, nodeFileSystem, StoreFileSystem } from './storage/storeFileSystem';

export type { RunHeader, RunTotalsSoFar } from './storage/partialRun';

export interface RunStoreOptions {
  /** The store keeps its files under `<directory>/runs/`. */
  readonly directory: string;
  readonly hostname?: string;
  readonly pid?: number;
  readonly isProcessAlive?: (pid: number) => boolean;
  /** Boot id and start time of a process on this host; tests fake a reused pid or a reboot with it. */
  readonly identifyProcess?: (pid: number) => ProcessIdentity;
  /**
   * A partial file written by another host (a shared home directory) cannot be checked for a live
   * writer; it is recovered only after it has not changed for this long.
   */
  readonly foreignHostStaleMs?: number;
  readonly nowMs?: () => number;
  readonly fileSystem?: StoreFileSystem;
  /** When set, a recovered run also gets its row in this CodeCarbon `emissions.csv`, as a finished one does. */
  readonly emissionsCsvPath?: string;
}

/** A write that did not reach the disk. The data stays in memory and is retried on the next call. */
export interface StoreWriteFailure {
  readonly runId: string;
  readonly operation: 'begin' | 'append' | 'finish';
  /** The system error code (ENOSPC, EROFS, EACCES…) when there is one. */
  readonly code: string | undefined;
  readonly message: string;
  /** The file or folder the failed write was for. */
  readonly path?: string;
}

/** Where a run's data stands after a store call. */
export interface StoreWriteStatus {
  /** True when everything the store holds for this run is on disk. */
  readonly persisted: boolean;
  /** Lines (header and samples) still waiting in memory for this run. */
  readonly pendingLines: number;
  readonly error: StoreWriteFailure | undefined;
}

/** One line of the run list. */
export interface RunSummary {
  readonly id: string;
  readonly projectName: string;
  readonly experimentName: string;
  readonly command: string;
  readonly status: RunRecord['status'];
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly durationSeconds: number;
  readonly trackingMode: RunRecord['trackingMode'];
  readonly energyKWh: number;
  readonly emissionsKg: number;
  readonly countryName: string;
  readonly exitCode: number | undefined;
  readonly pue: number;
  readonly intensityGramsPerKWh: number;
  readonly location: RunRecord['location'];
  /** True when any power source of the run is a model rather than a measurement. */
  readonly estimated: boolean;
}

/** A file the store could not use, and why. */
export interface RunFileProblem {
  readonly file: string;
  readonly message: string;
}

export interface RunListing {
  /** Newest first. */
  readonly runs: readonly RunSummary[];
  readonly problems: readonly RunFileProblem[];
}

export interface RecoveredRun {
  readonly id: string;
  readonly samples: number;
  /** Truncated or unreadable lines left out of the recovered record. */
  readonly skippedLines: number;
  readonly energyKWh: number;
  readonly emissionsKg: number;
  readonly durationSeconds: number;
  /** Why its `emissions.csv` row could not be appended; the JSON record is written all the same. */
  readonly csvError?: string;
}

export interface RecoveryReport {
  readonly recovered: readonly RecoveredRun[];
  /** Partial runs whose writer still runs; left untouched. */
  readonly stillRunning: readonly string[];
  /** Runs another live process (or another host) has claimed and is recovering now; left to it. */
  readonly recoveringElsewhere: readonly string[];
  /** Partial files deleted because their final record already existed (a crash between rename and delete). */
  readonly removedLeftovers: readonly string[];
  /** Temporary files of atomic writes whose writer died mid-write, deleted. */
  readonly removedTempFiles: readonly string[];
  readonly problems: readonly RunFileProblem[];
}

/** `readRun` found no run, or more than one, for the id or prefix it was given. */
export class RunLookupError extends Error {
  constructor(readonly reason: 'unknown' | 'ambiguous', readonly query: string, readonly matches: readonly string[]) {
    super(reason === 'unknown'
      ? `No run with id or id prefix "${query}".`
      : `Run id prefix "${query}" is ambiguous: it matches ${matches.join(', ')}.`);
    this.name = 'RunLookupError';
  }
}

/** Crash-safe persistence of runs: a JSON Lines journal while a run goes on, an atomic JSON file when it ends. */
export interface RunStore extends Disposable {
  readonly runsDirectory: string;
  /** Fires when writing starts to fail for a run, or fails with a different error than before. */
  readonly onDidFail: Event<StoreWriteFailure>;
  /** Starts `<id>.partial.jsonl` with the header. Rejects only for an id that is not a safe file name. */
  beginRun(header: RunHeader): Promise<StoreWriteStatus>;
  /** Appends one sample line with the totals so far. Never rejects: failures are in the status. */
  appendSample(runId: string, sample: RunSample, totalsSoFar: RunTotalsSoFar): Promise<StoreWriteStatus>;
  /** Writes `<id>.json` atomically and removes the partial file. Never rejects; retried by later calls. */
  finishRun(record: RunRecord): Promise<StoreWriteStatus>;
  /** Retries every write still held in memory; true when nothing is left pending. */
  flush(): Promise<boolean>;
  /** Turns partial files of dead writers into final records with status `interrupted`. */
  recoverInterrupted(): Promise<RecoveryReport>;
  /** Summaries of the final records, newest first; unreadable files are reported, never thrown. */
  listRuns(): Promise<RunListing>;
  /** The run with this id, or the only run whose id starts with it; rejects with RunLookupError otherwise. */
  readRun(idOrPrefix: string): Promise<RunRecord>;
}

const PARTIAL_SUFFIX = '.partial.jsonl';
const FINAL_SUFFIX = '.json';
/**
 * A journal being recovered is first renamed to `<id>.claim-<host>-<pid>-<token>.jsonl`: rename is
 * atomic, so when several processes recover at once (two windows and a CLI starting), exactly one gets
 * each journal, and a run is never recovered, nor its CSV row appended, twice.
 */
const CLAIM_NAME = /^([A-Za-z0-9][A-Za-z0-9_-]*)\.claim-([0-9a-f]{8})-(\d+)-[0-9a-f]+\.jsonl$/;
/** Ids become file names: no separators, dots or leading dash. UUIDs and ULIDs pass. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const DEFAULT_FOREIGN_HOST_STALE_MS = 15 * 60 * 1000;
/** An atomic write takes milliseconds; a temporary file this old belongs to no live write. */
const TEMP_FILE_STALE_MS = 10 * 60 * 1000;

/** A run being written: the lines not yet confirmed on disk and what is. */
interface ActiveRun {
  readonly headerLine: string;
  pendingLines: string[];
  /** Bytes of the partial file known to be complete lines; a failed append may have left more. */
  writtenBytes: number;
  headerWritten: boolean;
  /** A write failed since the last success, so the file's tail must be checked before appending. */
  suspect: boolean;
  lastFailure: StoreWriteFailure | undefined;
  /** The run's samples downsampled, to rewrite the partial file small from time to time. */
  readonly journal: SampleJournal;
}

/** Creates a store rooted at `options.directory`. */
export function createRunStore(options: RunStoreOptions): RunStore {
  return new FileRunStore(options);
}

class FileRunStore implements RunStore {
  readonly runsDirectory: string;
  private readonly failureEmitter = new Emitter<StoreWriteFailure>();
  readonly onDidFail: Event<StoreWriteFailure> = this.failureEmitter.event;

  private readonly fs: StoreFileSystem;
  private readonly writer: PartialWriter;
  /** `<host hash>-<pid>` of this process, in the names of the journals it claims for recovery. */
  private readonly claimTag: string;
  private readonly active = new Map<string, ActiveRun>();
  /** Final records whose file could not be written yet. */
  private readonly pendingFinals = new Map<string, RunRecord>();
  private readonly finalFailures = new Map<string, StoreWriteFailure>();
  /** Serialises writes so lines keep their order and two flushes never interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RunStoreOptions) {
    this.runsDirectory = join(options.directory, 'runs');
    this.fs = options.fileSystem ?? nodeFileSystem;
    const pid = options.pid ?? process.pid;
    this.writer = { pid, hostname: options.hostname ?? osHostname(), ...this.identify(pid) };
    this.claimTag = `${hostTagOf(this.writer.hostname)}-${this.writer.pid}`;
  }

  beginRun(header: RunHeader): Promise<StoreWriteStatus> {
    if (!SAFE_ID.test(header.id)) return Promise.reject(new Error(`Run id "${header.id}" is not a safe file name.`));
    if (this.active.has(header.id)) return Promise.reject(new Error(`Run ${header.id} has already begun.`));
    const headerLine: PartialHeaderLine = { kind: 'header', writer: this.writer, run: { ...header, status: 'running' } };
    const run: ActiveRun = {
      headerLine: toJsonLine(headerLine), pendingLines: [], writtenBytes: 0, headerWritten: false, suspect: false, lastFailure: undefined,
      journal: new SampleJournal(),
    };
    this.active.set(header.id, run);
    return this.enqueue(async () => {
      await this.flushRun(header.id, run, 'begin');
      return this.statusOf(header.id);
    });
  }

  appendSample(runId: string, sample: RunSample, totalsSoFar: RunTotalsSoFar): Promise<StoreWriteStatus> {
    const run = this.active.get(runId);
    if (!run) {
      const error: StoreWriteFailure = { runId, operation: 'append', code: undefined, message: `Run ${runId} was not begun in this store.` };
      return Promise.resolve({ persisted: false, pendingLines: 0, error });
    }
    const line: PartialSampleLine = { kind: 'sample', sample, totals: pickTotals(totalsSoFar) };
    const text = toJsonLine(line);
    run.pendingLines.push(text);
    run.journal.add(line, text);
    return this.enqueue(async () => {
      await this.flushEverything();
      return this.statusOf(runId);
    });
  }

  finishRun(record: RunRecord): Promise<StoreWriteStatus> {
    if (!SAFE_ID.test(record.id)) return Promise.reject(new Error(`Run id "${record.id}" is not a safe file name.`));
    this.pendingFinals.set(record.id, record);
    return this.enqueue(async () => {
      await this.flushEverything();
      return this.statusOf(record.id);
    });
  }

  flush(): Promise<boolean> {
    return this.enqueue(async () => {
      await this.flushEverything();
      return this.pendingFinals.size === 0 && [...this.active.values()].every((run) => run.headerWritten && run.pendingLines.length === 0);
    });
  }

  recoverInterrupted(): Promise<RecoveryReport> {
    return this.enqueue(() => this.recover());
  }

  async listRuns(): Promise<RunListing> {
    const { records, problems } = await this.readFinalRecords();
    const runs = records.map(summarizeRun).sort((a, b) => b.startedAtMs - a.startedAtMs || a.id.localeCompare(b.id));
    return { runs, problems };
  }

  async readRun(idOrPrefix: string): Promise<RunRecord> {
    // A record storage refused is still readable from memory while the folder cannot be listed.
    const onDisk = await this.finalIdsOnDisk().catch((error: unknown) => {
      if (this.pendingFinals.has(idOrPrefix)) return [];
      throw error;
    });
    const ids = new Set([...onDisk, ...this.pendingFinals.keys()]);
    const matches = ids.has(idOrPrefix) ? [idOrPrefix] : [...ids].filter((id) => id.startsWith(idOrPrefix)).sort();
    const [id] = matches;
    if (idOrPrefix === '' || id === undefined) throw new RunLookupError('unknown', idOrPrefix, []);
    if (matches.length > 1) throw new RunLookupError('ambiguous', idOrPrefix, matches);
    const pending = this.pendingFinals.get(id);
    if (pending) return pending;
    const file = this.finalPath(id);
    const checked = checkRunRecord(JSON.parse(await this.fs.readFile(file, 'utf8')));
    if ('problem' in checked) throw new Error(`Run file ${file} is unreadable: ${checked.problem}.`);
    return checked.record;
  }

  dispose(): void {
    this.failureEmitter.dispose();
  }

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private partialPath(id: string): string {
    return join(this.runsDirectory, `${id}${PARTIAL_SUFFIX}`);
  }

  private finalPath(id: string): string {
    return join(this.runsDirectory, `${id}${FINAL_SUFFIX}`);
  }

  private statusOf(runId: string): StoreWriteStatus {
    const run = this.active.get(runId);
    const pendingLines = run ? run.pendingLines.length + (run.headerWritten ? 0 : 1) : 0;
    const persisted = pendingLines === 0 && !this.pendingFinals.has(runId);
    return { persisted, pendingLines, error: persisted ? undefined : run?.lastFailure ?? this.finalFailures.get(runId) };
  }

  /** Retries finals first: once a final is on disk its partial journal no longer matters. */
  private async flushEverything(): Promise<void> {
    for (const record of [...this.pendingFinals.values()]) await this.writeFinal(record);
    for (const [id, run] of [...this.active]) await this.flushRun(id, run, 'append');
  }

  private async flushRun(id: string, run: ActiveRun, operation: StoreWriteFailure['operation']): Promise<void> {
    if (run.headerWritten && run.pendingLines.length === 0) return;
    if (run.journal.isDue) return this.compactRun(id, run, operation);
    try {
      // Only before the first line or after a failure (the folder may have been removed): a mkdir per
      // sample would cost a thread-pool round trip every second for nothing.
      if (!run.headerWritten || run.suspect) await this.fs.mkdir(this.runsDirectory, { recursive: true });
      if (run.suspect) await this.repairTail(id, run);
      // Samples keep arriving while the append is in flight: only the lines in this write leave the queue.
      const included = run.pendingLines.length;
      const text = (run.headerWritten ? '' : run.headerLine) + run.pendingLines.join('');
      // One append per flush: after a crash the file holds whole lines plus at most one torn last line.
      await this.fs.appendFile(this.partialPath(id), text, 'utf8');
      this.markWritten(run, run.writtenBytes + Buffer.byteLength(text, 'utf8'), included);
    } catch (error) {
      this.markFailed(id, run, operation, error);
    }
  }

  /**
   * Rewrites the partial file as header + downsampled samples (storage/journalCompaction.ts), pending
   * lines included. The file is replaced whole, so a torn tail needs no repair.
   */
  private async compactRun(id: string, run: ActiveRun, operation: StoreWriteFailure['operation']): Promise<void> {
    try {
      // Lines appended while the file is written are not in it: they stay pending.
      const included = run.pendingLines.length;
      this.markWritten(run, await rewriteJournal(this.fs, this.partialPath(id), run.headerLine, run.journal), included);
    } catch (error) {
      this.markFailed(id, run, operation, error);
    }
  }

  /** The header and the first `includedLines` pending lines are on disk, in a file of `writtenBytes` whole lines. */
  private markWritten(run: ActiveRun, writtenBytes: number, includedLines: number): void {
    run.writtenBytes = writtenBytes;
    run.headerWritten = true;
    run.pendingLines = run.pendingLines.slice(includedLines);
    run.suspect = false;
    run.lastFailure = undefined;
  }

  /** A write failed: the file's tail must be checked before the next append, and the user told once. */
  private markFailed(id: string, run: ActiveRun, operation: StoreWriteFailure['operation'], error: unknown): void {
    run.suspect = true;
    run.lastFailure = this.reportFailure(run.lastFailure, { runId: id, operation, code: errorCode(error), message: errorMessage(error), path: this.partialPath(id) });
  }

  /**
   * A failed append (ENOSPC mid-write) may have left a torn line. Cut the file back to the last line
   * known to be whole, so the next line does not glue onto it; start over if the file is gone.
   */
  private async repairTail(id: string, run: ActiveRun): Promise<void> {
    const path = this.partialPath(id);
    let size: number;
    try {
      size = (await this.fs.stat(path)).size;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      run.headerWritten = false;
      run.writtenBytes = 0;
      return;
    }
    if (size === run.writtenBytes) return;
    if (size < run.writtenBytes || !run.headerWritten) {
      // Someone else changed the file: rewrite it from the header; older samples live on in the totals.
      await this.fs.truncate(path, 0);
      run.headerWritten = false;
      run.writtenBytes = 0;
      return;
    }
    await this.fs.truncate(path, run.writtenBytes);
  }

  private async writeFinal(record: RunRecord): Promise<void> {
    try {
      await this.fs.mkdir(this.runsDirectory, { recursive: true });
      await writeFileAtomic(this.finalPath(record.id), formatJsonReport(record), this.fs);
      this.pendingFinals.delete(record.id);
      this.finalFailures.delete(record.id);
      this.active.delete(record.id);
      await this.fs.unlink(this.partialPath(record.id)).catch(() => undefined);
    } catch (error) {
      const failure: StoreWriteFailure = { runId: record.id, operation: 'finish', code: errorCode(error), message: errorMessage(error), path: this.finalPath(record.id) };
      this.finalFailures.set(record.id, this.reportFailure(this.finalFailures.get(record.id), failure));
    }
  }

  /**
   * Fires `onDidFail` only when a run starts failing or its error changes, not on every retry. With a
   * system code the code decides: Node's message names the file, and an atomic write's temporary name
   * changes every try.
   */
  private reportFailure(previous: StoreWriteFailure | undefined, failure: StoreWriteFailure): StoreWriteFailure {
    const same = previous !== undefined && previous.code === failure.code && (failure.code !== undefined || previous.message === failure.message);
    if (!same) this.failureEmitter.fire(failure);
    return failure;
  }

  private async namesInRunsDirectory(): Promise<string[]> {
    try {
      return await this.fs.readdir(this.runsDirectory);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
  }

  private async finalIdsOnDisk(): Promise<string[]> {
    return (await this.namesInRunsDirectory())
      .filter((name) => name.endsWith(FINAL_SUFFIX) && !name.startsWith('.'))
      .map((name) => name.slice(0, -FINAL_SUFFIX.length));
  }

  private async readFinalRecords(): Promise<{ records: RunRecord[]; problems: RunFileProblem[] }> {
    const records: RunRecord[] = [];
    const problems: RunFileProblem[] = [];
    let ids: string[];
    try {
      ids = await this.finalIdsOnDisk();
    } catch (error) {
      return { records: [...this.pendingFinals.values()], problems: [{ file: this.runsDirectory, message: errorMessage(error) }] };
    }
    for (const id of ids) {
      if (this.pendingFinals.has(id)) continue;
      const file = this.finalPath(id);
      try {
        const checked = checkRunRecord(JSON.parse(await this.fs.readFile(file, 'utf8')));
        if ('problem' in checked) problems.push({ file, message: checked.problem });
        else records.push(checked.record);
      } catch (error) {
        problems.push({ file, message: errorMessage(error) });
      }
    }
    records.push(...this.pendingFinals.values());
    return { records, problems };
  }

  private async recover(): Promise<RecoveryReport> {
    const report = {
      recovered: [] as RecoveredRun[], stillRunning: [] as string[], recoveringElsewhere: [] as string[],
      removedLeftovers: [] as string[], removedTempFiles: [] as string[], problems: [] as RunFileProblem[],
    };
    let names: string[];
    try {
      names = await this.namesInRunsDirectory();
    } catch (error) {
      return { ...report, problems: [{ file: this.runsDirectory, message: errorMessage(error) }] };
    }
    for (const name of names) {
      if (isAtomicWriteTempFile(name)) {
        await this.removeDeadTempFile(name, report.removedTempFiles);
        continue;
      }
      const claim = CLAIM_NAME.exec(name);
      const id = claim?.[1] ?? (name.endsWith(PARTIAL_SUFFIX) ? name.slice(0, -PARTIAL_SUFFIX.length) : undefined);
      if (id === undefined || this.active.has(id) || this.pendingFinals.has(id)) continue;
      const file = join(this.runsDirectory, name);
      try {
        if (claim && !this.isStaleClaim(claim[2] ?? '', Number(claim[3]))) {
          report.recoveringElsewhere.push(id);
          continue;
        }
        await this.recoverJournal(id, file, !claim, report);
      } catch (error) {
        report.problems.push({ file, message: errorMessage(error) });
      }
    }
    return report;
  }

  /**
   * Claims one journal by renaming it, then writes its final record, its CSV row, and removes the claim.
   * A journal whose writer may still be alive is left alone; one that vanished was claimed by another process.
   */
  private async recoverJournal(id: string, file: string, checkWriter: boolean, report: {
    recovered: RecoveredRun[]; stillRunning: string[]; removedLeftovers: string[]; problems: RunFileProblem[];
  }): Promise<void> {
    if (checkWriter) {
      let text: string;
      try {
        text = await this.fs.readFile(file, 'utf8');
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return;
        throw error;
      }
      const header = parsePartialRun(text).header;
      const finalExists = await this.finalExists(id);
      if (!header && !finalExists) {
        // Possibly a writer between creating the file and its first line: never take it from under one.
        report.problems.push({ file, message: 'no readable header line; left in place' });
        return;
      }
      if (header && !finalExists && await this.writerMayBeAlive(header.writer, file)) {
        report.stillRunning.push(id);
        return;
      }
    }
    const claimPath = join(this.runsDirectory, `${id}.claim-${this.claimTag}-${randomHex(4)}.jsonl`);
    try {
      await this.fs.rename(file, claimPath);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw error;
    }
    if (await this.finalExists(id)) {
      // A crash between writing the final record and removing the journal.
      await this.fs.unlink(claimPath);
      report.removedLeftovers.push(id);
      return;
    }
    const parsed = parsePartialRun(await this.fs.readFile(claimPath, 'utf8'));
    if (!parsed.header) {
      // Only a journal with a header is claimed, so this one was changed by hand: put it back for a person to look at.
      await this.fs.rename(claimPath, this.partialPath(id));
      report.problems.push({ file, message: 'no readable header line; left in place' });
      return;
    }
    const record = buildInterruptedRecord({ ...parsed.header.run, id }, parsed.samples);
    await this.fs.mkdir(this.runsDirectory, { recursive: true });
    await writeFileAtomic(this.finalPath(id), formatJsonReport(record), this.fs);
    let csvError: string | undefined;
    if (this.options.emissionsCsvPath) {
      csvError = await appendEmissionsCsv(this.options.emissionsCsvPath, record).then(() => undefined, errorMessage);
    }
    await this.fs.unlink(claimPath);
    report.recovered.push({
      id, samples: parsed.samples.length, skippedLines: parsed.skippedLines,
      energyKWh: record.energyKWh, emissionsKg: record.emissionsKg, durationSeconds: record.durationSeconds,
      ...(csvError === undefined ? {} : { csvError }),
    });
  }

  /**
   * `writeFileAtomic` names its temporary file `.<name>.<pid>.<hex>.tmp`. One whose writer is gone (a kill
   * mid-write) is never renamed into place: delete it. The age check spares a writer on another host
   * sharing the folder, whose pid means nothing here.
   */
  private async removeDeadTempFile(name: string, removed: string[]): Promise<void> {
    const pid = Number(/\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || (this.options.isProcessAlive ?? defaultIsProcessAlive)(pid)) return;
    const file = join(this.runsDirectory, name);
    try {
      const { mtimeMs } = await this.fs.stat(file);
      if ((this.options.nowMs ?? Date.now)() - mtimeMs < TEMP_FILE_STALE_MS) return;
      await this.fs.unlink(file);
      removed.push(name);
    } catch {
      // Gone already (another process cleaned it), or not ours to remove: leave it.
    }
  }

  private async finalExists(id: string): Promise<boolean> {
    try {
      await this.fs.stat(this.finalPath(id));
      return true;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
  }

  /** A claim whose claimer died mid-recovery may be taken over; only claims made on this host can be checked. */
  private isStaleClaim(hostTag: string, pid: number): boolean {
    if (hostTag !== hostTagOf(this.writer.hostname)) return false;
    return !(this.options.isProcessAlive ?? defaultIsProcessAlive)(pid);
  }

  private identify(pid: number): ProcessIdentity {
    return (this.options.identifyProcess ?? readProcessIdentity)(pid);
  }

  private async writerMayBeAlive(writer: PartialWriter, file: string): Promise<boolean> {
    if (writer.hostname === this.writer.hostname) {
      // Written before the last reboot: whoever has that pid now is someone else.
      if (writer.bootId !== undefined && this.writer.bootId !== undefined && writer.bootId !== this.writer.bootId) return false;
      if (!(this.options.isProcessAlive ?? defaultIsProcessAlive)(writer.pid)) return false;
      // The pid is alive; it is the writer only if it started when the writer did.
      const startTicks = writer.startTicks === undefined ? undefined : this.identify(writer.pid).startTicks;
      return startTicks === undefined || startTicks === writer.startTicks;
    }
    const nowMs = (this.options.nowMs ?? Date.now)();
    const { mtimeMs } = await this.fs.stat(file);
    return nowMs - mtimeMs < (this.options.foreignHostStaleMs ?? DEFAULT_FOREIGN_HOST_STALE_MS);
  }
}

/** A host name in 8 hex digits, so it fits a file name whatever characters it has. */
function hostTagOf(hostname: string): string {
  return sha256Hex(hostname).slice(0, 8);
}

/** A run's line in the run list; also what a UI shows of a run it has just finished. */
export function summarizeRun(record: RunRecord): RunSummary {
  return {
    id: record.id,
    projectName: record.projectName,
    experimentName: record.experimentName,
    command: record.command,
    status: record.status,
    startedAtMs: record.startedAtMs,
    endedAtMs: record.endedAtMs,
    durationSeconds: record.durationSeconds,
    trackingMode: record.trackingMode,
    energyKWh: record.energyKWh,
    emissionsKg: record.emissionsKg,
    countryName: record.location.countryName,
    exitCode: record.exitCode,
    pue: record.pue,
    intensityGramsPerKWh: record.intensity.gramsPerKWh,
    location: record.location,
    estimated: record.sources.some((source) => source.estimated),
  };
}
