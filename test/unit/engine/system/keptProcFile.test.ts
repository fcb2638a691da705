import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeptProcFile } from '../../../../src/engine/system/keptProcFile';

describe('KeptProcFile', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'kept-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('reads a file again through its kept descriptor and sees it rewritten in place', () => {
    const path = join(dir, 'stat');
    writeFileSync(path, 'cpu  1 0 0 1\n');
    const file = new KeptProcFile(path);
    assert.equal(file.read(), 'cpu  1 0 0 1\n');
    writeFileSync(path, 'cpu  2 0 0 2\n');
    assert.equal(file.read(), 'cpu  2 0 0 2\n');
    file.close();
  });

  it('reads a file larger than its first buffer whole', () => {
    const path = join(dir, 'stat');
    const text = `cpu  1 0 0 1\nintr ${'0 '.repeat(20_000)}\n`;
    writeFileSync(path, text);
    const file = new KeptProcFile(path);
    assert.equal(file.read(), text);
    assert.equal(file.read(), text);
    file.close();
  });

  it('throws the error of a missing file, and reads it once it exists', () => {
    const path = join(dir, 'meminfo');
    const file = new KeptProcFile(path);
    assert.throws(() => file.read(), /ENOENT/);
    writeFileSync(path, 'MemTotal: 1 kB\n');
    assert.equal(file.read(), 'MemTotal: 1 kB\n');
    file.close();
  });
});
