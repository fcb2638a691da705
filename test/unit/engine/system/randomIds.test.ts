import * as assert from 'node:assert/strict';
import { randomBytes, randomHex, randomUuid } from '../../../../src/engine/system/randomIds';

describe('randomIds', () => {
  it('gives version 4 UUIDs in the form crypto.randomUUID gives', () => {
    const ids = new Set<string>();
    for (let index = 0; index < 2000; index++) {
      const id = randomUuid();
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      ids.add(id);
    }
    assert.equal(ids.size, 2000);
  });

  it('never hands out the same bytes twice, across pool refills', () => {
    // 4-byte draws over several 256-byte pools: a repeated pool would repeat whole sequences.
    const seen = new Set<string>();
    for (let index = 0; index < 1000; index++) seen.add(randomHex(4));
    assert.ok(seen.size >= 999, `only ${seen.size} distinct values of 1000`);
  });

  it('gives bytes that look uniform', () => {
    // 64 Ki bytes: each of the 256 values is expected 256 times; a stuck or biased source is far off.
    const counts = new Array<number>(256).fill(0);
    for (let draw = 0; draw < 256; draw++) for (const byte of randomBytes(256)) counts[byte] = (counts[byte] ?? 0) + 1;
    assert.ok(Math.min(...counts) > 150 && Math.max(...counts) < 370, `counts range ${Math.min(...counts)}–${Math.max(...counts)}`);
  });

  it('returns copies the caller may change', () => {
    const first = randomBytes(8);
    first.fill(0);
    assert.notDeepEqual(randomBytes(8), Buffer.alloc(8));
  });

  it('refuses more than one pool at a time', () => {
    assert.throws(() => randomBytes(257), RangeError);
  });
});
