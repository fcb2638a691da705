import { join } from 'node:path';
import { writeFileAtomic, isAtomicWriteTempFile } from '../storage/atomicWrite';
import { errorCode, nodeFileSystem, StoreFileSystem } from '../storage/storeFileSystem';
import { GroupingKey, PushFailure, pushGroup, PushResult } from './pushgatewayClient';

/** One push waiting on disk: written before the first attempt, deleted once the gateway took it. */
export interface OutboxEntry {
  readonly formatVersion: 1;
  readonly runId: string;
  readonly key: GroupingKey;
  readonly body: string;
  readonly queuedAtMs: number;
  readonly attempts: number;
  readonly nextAttemptAtMs: number;
  readonly lastError: string | undefined;
}

export interface DrainReport {
  readonly pushed: readonly string[];
  readonly failed: readonly { readonly runId: string; readonly failure: PushFailure }[];
  /** Entries left for later: not yet due, or not tried because the gateway was unreachable. */
  readonly waiting: number;
  /** Files in the outbox that are not entries (garbage, another version); left in place and counted. */
  readonly unreadable: number;
}

export interface PushOutboxOptions {
  readonly directory: string;
  readonly nowMs?: () => number;
  readonly fileSystem?: StoreFileSystem;
  /** Injectable for tests; the real one PUTs over HTTP. */
  readonly push?: (baseUrl: URL, key: GroupingKey, body: string, timeoutMs: number) => Promise<PushResult>;
}

const SUFFIX = '.push.json';
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;

/** Waits 30 s after the first failure, doubling up to an hour, so a gateway that is down is not hammered. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(attempts - 1, 0), MAX_RETRY_MS);
}

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const key = entry.key as Record<string, unknown> | undefined;
  return entry.formatVersion === 1 && typeof entry.runId === 'string' && typeof entry.body === 'string'
    && typeof key === 'object' && key !== null && typeof key.job === 'string' && typeof key.labels === 'object' && key.labels !== null
    && Number.isFinite(entry.attempts) && Number.isFinite(entry.nextAttemptAtMs) && Number.isFinite(entry.queuedAtMs);
}

/**
 * A durable queue of Pushgateway pushes in a folder beside the run store. A gateway that is down or slow
 * never loses a run: the push stays on disk and the next drain (the next run, the next start) retries it.
 * Several processes may drain one folder at once: a push replaces its group, so sending one twice is harmless.
 */
export class PushOutbox {
  private readonly fs: StoreFileSystem;
  private readonly now: () => number;
  private readonly push: NonNullable<PushOutboxOptions['push']>;

  constructor(private readonly options: PushOutboxOptions) {
    this.fs = options.fileSystem ?? nodeFileSystem;
    this.now = options.nowMs ?? Date.now;
    this.push = options.push ?? pushGroup;
  }

  get directory(): string {
    return this.options.directory;
  }

  /** Writes the push to disk before any attempt; a later enqueue for the same run replaces it. */
  async enqueue(runId: string, key: GroupingKey, body: string): Promise<void> {
    if (!SAFE_ID.test(runId)) throw new Error(`Run id "${runId}" is not a safe file name.`);
    const entry: OutboxEntry = {
      formatVersion: 1, runId, key, body, queuedAtMs: this.now(), attempts: 0, nextAttemptAtMs: 0, lastError: undefined,
    };
    await this.fs.mkdir(this.options.directory, { recursive: true });
    await writeFileAtomic(this.pathOf(runId), JSON.stringify(entry), this.fs);
  }

  /** The entries on disk, oldest first, and how many files could not be read as entries. */
  async entries(): Promise<{ entries: OutboxEntry[]; unreadable: number }> {
    let names: string[];
    try {
      names = await this.fs.readdir(this.options.directory);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { entries: [], unreadable: 0 };
      throw error;
    }
    const entries: OutboxEntry[] = [];
    let unreadable = 0;
    for (const name of names) {
      if (!name.endsWith(SUFFIX) || isAtomicWriteTempFile(name)) continue;
      try {
        const value: unknown = JSON.parse(await this.fs.readFile(join(this.options.directory, name), 'utf8'));
        if (isEntry(value)) entries.push(value);
        else unreadable++;
      } catch (error) {
        // Pushed and deleted by another process between readdir and read: not a problem.
        if (errorCode(error) !== 'ENOENT') unreadable++;
      }
    }
    entries.sort((a, b) => a.queuedAtMs - b.queuedAtMs);
    return { entries, unreadable };
  }

  /**
   * Pushes the entries that are due, oldest first. Stops at the first timeout or network failure (the
   * gateway is down or slow: the rest would fail the same way, each after its own timeout). Never rejects.
   */
  async drain(baseUrl: URL, options: { timeoutMs: number; ignoreBackoff?: boolean }): Promise<DrainReport> {
    const pushed: string[] = [];
    const failed: { runId: string; failure: PushFailure }[] = [];
    let listing: { entries: OutboxEntry[]; unreadable: number };
    try {
      listing = await this.entries();
    } catch (error) {
      return { pushed, failed: [{ runId: '', failure: { kind: 'network', message: `could not read the outbox ${this.options.directory}: ${(error as Error).message}` } }], waiting: 0, unreadable: 0 };
    }
    let waiting = 0;
    let unreachable = false;
    for (const entry of listing.entries) {
      if (unreachable || (!options.ignoreBackoff && entry.nextAttemptAtMs > this.now())) {
        waiting++;
        continue;
      }
      const result = await this.push(baseUrl, entry.key, entry.body, options.timeoutMs);
      if (result.ok) {
        pushed.push(entry.runId);
        await this.fs.unlink(this.pathOf(entry.runId)).catch(() => undefined);
        continue;
      }
      failed.push({ runId: entry.runId, failure: result.failure });
      unreachable = result.failure.kind === 'timeout' || result.failure.kind === 'network';
      const attempts = entry.attempts + 1;
      const retried: OutboxEntry = { ...entry, attempts, nextAttemptAtMs: this.now() + retryDelayMs(attempts), lastError: result.failure.message };
      // If even this write fails, the entry keeps its old state and is simply tried again sooner.
      await writeFileAtomic(this.pathOf(entry.runId), JSON.stringify(retried), this.fs).catch(() => undefined);
    }
    return { pushed, failed, waiting, unreadable: listing.unreadable };
  }

  private pathOf(runId: string): string {
    return join(this.options.directory, `${runId}${SUFFIX}`);
  }
}
