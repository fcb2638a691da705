import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { pseudonym } from '../../../../src/engine/runContext/identity';
import { sha256Hex } from '../../../../src/engine/system/sha256';

const nodeSha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('sha256Hex', () => {
  it('gives the FIPS 180-4 example digests', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('agrees with node:crypto at every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const text = 'x'.repeat(length);
      assert.equal(sha256Hex(text), nodeSha256(text), `length ${length}`);
    }
  });

  it('agrees with node:crypto on any text, hashing its UTF-8 bytes', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => sha256Hex(text) === nodeSha256(text)), { numRuns: 500 });
  });

  it('keeps the pseudonyms of earlier versions, which hashed with node:crypto', () => {
    // A team report groups runs by these ids across versions, so they must not change.
    assert.equal(pseudonym('user', 'ada'), 'user-e0271b30e58d');
  });
});
