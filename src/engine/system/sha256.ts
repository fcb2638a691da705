/**
 * SHA-256 (FIPS 180-4) of a string's UTF-8 bytes, as 64 hex digits.
 *
 * Written out rather than taken from `node:crypto` because loading that module costs ~3.5 ms of the
 * CLI's start-up (a twentieth of `carbon-meter run -- true`), and all a run hashes is a few short
 * strings: the user and host pseudonyms and the store's host tag. The test compares it with
 * `node:crypto` on many inputs.
 */

function firstPrimes(count: number): number[] {
  const primes: number[] = [];
  for (let candidate = 2; primes.length < count; candidate++) {
    if (primes.every((prime) => candidate % prime !== 0)) primes.push(candidate);
  }
  return primes;
}

// The standard's constants are the first 32 bits of the fractional parts of the square roots (initial
// hash) and cube roots (round constants) of the first primes; computed rather than copied, and checked
// against node:crypto by the test.
const fractionBits = (value: number): number => Math.floor((value - Math.floor(value)) * 2 ** 32) >>> 0;
const PRIMES = firstPrimes(64);
const INITIAL_HASH = Uint32Array.from(PRIMES.slice(0, 8), (prime) => fractionBits(Math.sqrt(prime)));
const ROUND_CONSTANTS = Uint32Array.from(PRIMES, (prime) => fractionBits(Math.cbrt(prime)));

const rotateRight = (word: number, bits: number): number => (word >>> bits) | (word << (32 - bits));

/** The SHA-256 digest of `text` (UTF-8), in lower-case hex. */
export function sha256Hex(text: string): string {
  const message = Buffer.from(text, 'utf8');
  // The message, a 1 bit, zeros, and the length in bits as a 64-bit big-endian number, in 64-byte blocks.
  const paddedLength = Math.ceil((message.length + 9) / 64) * 64;
  const padded = new Uint8Array(paddedLength);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bitLength = message.length * 8;
  view.setUint32(paddedLength - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(paddedLength - 4, bitLength >>> 0);

  const hash = Uint32Array.from(INITIAL_HASH);
  const schedule = new Uint32Array(64);
  const word = (index: number): number => schedule[index] ?? 0;
  for (let block = 0; block < paddedLength; block += 64) {
    for (let index = 0; index < 16; index++) schedule[index] = view.getUint32(block + index * 4);
    for (let index = 16; index < 64; index++) {
      const early = word(index - 15);
      const late = word(index - 2);
      const sigma0 = rotateRight(early, 7) ^ rotateRight(early, 18) ^ (early >>> 3);
      const sigma1 = rotateRight(late, 17) ^ rotateRight(late, 19) ^ (late >>> 10);
      schedule[index] = word(index - 16) + sigma0 + word(index - 7) + sigma1;
    }
    let [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = hash;
    for (let round = 0; round < 64; round++) {
      const sum1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25);
      const choice = (e & f) ^ (~e & g);
      const temp1 = (h + sum1 + choice + (ROUND_CONSTANTS[round] ?? 0) + word(round)) | 0;
      const sum0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22);
      const majority = (a & b) ^ (a & c) ^ (b & c);
      const temp2 = (sum0 + majority) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + temp1) | 0;
      d = c;
      c = b;
      b = a;
      a = (temp1 + temp2) | 0;
    }
    // A Uint32Array stores each sum modulo 2^32.
    [a, b, c, d, e, f, g, h].forEach((value, index) => { hash[index] = (hash[index] ?? 0) + value; });
  }
  return Array.from(hash, (value) => value.toString(16).padStart(8, '0')).join('');
}
