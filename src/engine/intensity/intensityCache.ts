import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomHex } from '../system/randomIds';
import { sha256Hex } from '../system/sha256';

/**
 * Live-intensity answers kept on disk for a while, so repeated commands neither wait for the network
 * nor spend the API's rate limit. Best effort: a cache that cannot be read or written is a miss.
 */
export interface IntensityCache {
  /** The value stored under `key` if it is younger than `ttlMs` and `isValid` accepts it (a cache file is not trusted). */
  get<T>(key: readonly unknown[], ttlMs: number, isValid: (value: unknown) => value is T): T | undefined;
  set(key: readonly unknown[], value: unknown): void;
}

export interface IntensityCacheOptions {
  readonly directory: string;
  readonly nowMs?: () => number;
}

interface CacheEntry {
  readonly storedAtMs: number;
  readonly key: readonly unknown[];
  readonly value: unknown;
}

/** One JSON file per request, named by the SHA-256 of the request; the file holds the request too. */
export function createIntensityCache(options: IntensityCacheOptions): IntensityCache {
  const now = options.nowMs ?? Date.now;
  const pathOf = (key: readonly unknown[]): string =>
    join(options.directory, `${sha256Hex(JSON.stringify(key)).slice(0, 32)}.json`);
  return {
    get<T>(key: readonly unknown[], ttlMs: number, isValid: (value: unknown) => value is T): T | undefined {
      let entry: Partial<CacheEntry> | null;
      try {
        entry = JSON.parse(readFileSync(pathOf(key), 'utf8')) as Partial<CacheEntry> | null;
      } catch {
        return undefined;
      }
      if (typeof entry !== 'object' || entry === null || typeof entry.storedAtMs !== 'number') return undefined;
      // A hash collision or a hand-edited file must not answer for another request.
      if (JSON.stringify(entry.key) !== JSON.stringify(key)) return undefined;
      const ageMs = now() - entry.storedAtMs;
      // A file from the future (clock moved back) is not trusted either.
      if (!(ageMs >= 0 && ageMs < ttlMs)) return undefined;
      return isValid(entry.value) ? entry.value : undefined;
    },
    set(key: readonly unknown[], value: unknown): void {
      const path = pathOf(key);
      const temporary = `${path}.${randomHex(6)}.tmp`;
      try {
        mkdirSync(options.directory, { recursive: true });
        writeFileSync(temporary, JSON.stringify({ storedAtMs: now(), key, value } satisfies CacheEntry));
        renameSync(temporary, path);
      } catch {
        try {
          rmSync(temporary, { force: true });
        } catch {
          // An unwritable cache directory only costs the cache.
        }
      }
    },
  };
}
