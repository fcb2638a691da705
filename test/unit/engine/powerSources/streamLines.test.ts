import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { onLines } from '../../../../src/engine/powerSources/streamLines';

function linesOf(chunks: readonly (string | Buffer)[]): Promise<string[]> {
  const stream = new PassThrough();
  const lines: string[] = [];
  onLines(stream, (line) => lines.push(line));
  return new Promise((done) => {
    stream.on('end', () => setImmediate(() => done(lines)));
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
}

describe('onLines', () => {
  it('gives each line once, whatever the chunks, without \\n or \\r\\n', async () => {
    assert.deepEqual(await linesOf(['0, 61.2', '3, 4\n1, 70', '.1\r\n', '\n', 'last']), ['0, 61.23, 4', '1, 70.1', '', 'last']);
  });

  it('joins a UTF-8 character split across chunks', async () => {
    const bytes = Buffer.from('[N/A] µs\n');
    const cut = bytes.indexOf(0xb5);
    assert.deepEqual(await linesOf([bytes.subarray(0, cut), bytes.subarray(cut)]), ['[N/A] µs']);
  });

  it('keeps only the tail of a stream that never prints a newline', async () => {
    const lines = await linesOf(['x'.repeat(50_000), 'y'.repeat(50_000), '\n']);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.length, 65_536);
    assert.ok(lines[0]?.endsWith('y'.repeat(50_000)));
  });
});
