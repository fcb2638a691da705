import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Random run ids and temporary-file names, from the kernel's random source.
 *
 * Not `node:crypto`: loading it costs ~3.5 ms of the CLI's start-up, and what is needed here is a few
 * random bytes. /dev/urandom is the same source `crypto.randomBytes` draws on (getrandom), read once into
 * a small pool. Where it does not exist (Windows), `node:crypto` is loaded after all.
 */

const POOL_BYTES = 256;
let pool: Buffer = Buffer.alloc(0);
let poolOffset = 0;

function refillFromUrandom(): Buffer | undefined {
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      const buffer = Buffer.alloc(POOL_BYTES);
      return readSync(fd, buffer, 0, POOL_BYTES, null) === POOL_BYTES ? buffer : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function refillFromCrypto(): Buffer {
  // Loaded only where /dev/urandom is missing, so elsewhere the CLI never pays for the module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:crypto') as typeof import('node:crypto')).randomBytes(POOL_BYTES);
}

/** `count` (at most 256) cryptographically random bytes. */
export function randomBytes(count: number): Buffer {
  if (count > POOL_BYTES) throw new RangeError(`at most ${POOL_BYTES} random bytes at a time`);
  if (poolOffset + count > pool.length) {
    pool = refillFromUrandom() ?? refillFromCrypto();
    poolOffset = 0;
  }
  // A copy, so a caller that keeps or changes the bytes cannot touch the pool.
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + count));
  poolOffset += count;
  return bytes;
}

/** `count` random bytes as 2 × `count` hex digits, for temporary-file names. */
export function randomHex(count: number): string {
  return randomBytes(count).toString('hex');
}

/** A random (version 4, RFC 9562) UUID in its canonical lower-case form, as `crypto.randomUUID()` gives. */
export function randomUuid(): string {
  const bytes = randomBytes(16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
