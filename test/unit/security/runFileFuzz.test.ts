import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../../../src/cli/main';
import { buildRunRecord } from '../../fixtures/buildRun';
import { editAt, pathsOf } from '../protocol/protocolArbitraries';

const PAYLOAD = '<img src=x onerror=alert(1)><script>x()</script>';
const wire = JSON.parse(JSON.stringify(buildRunRecord({ machine: { ...buildRunRecord().machine, gpuCount: 1, gpuModel: 'GPU' } }))) as unknown;
const paths = pathsOf(wire);

/** A run file as anyone could hand it over: the record with one field replaced by any JSON value, or by markup. */
const runFile = fc.tuple(fc.nat(), fc.oneof(fc.jsonValue(), fc.constant(PAYLOAD)), fc.boolean()).map(([index, value, remove]) => {
  const path = paths[index % paths.length] ?? ['id'];
  return JSON.stringify(editAt(wire, path, (container, key) => {
    if (remove) delete container[key];
    else container[key] = value;
  }));
});

describe('carbon-meter report on run files of any content', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'carbon-meter-runfile-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const report = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['report', ...args], { cwd: directory, env: {}, stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
    return { code, out: out.join(''), err: err.join('') };
  };

  it('exits 0 with an escaped report or 1/2 with a message, never a crash, whatever one field holds', async () => {
    const file = join(directory, 'run.json');
    await fc.assert(fc.asyncProperty(runFile, fc.constantFrom('md', 'html', 'json', 'csv'), async (text, format) => {
      writeFileSync(file, text);
      const { code, out, err } = await report(file, '--format', format);
      assert.ok([0, 1, 2].includes(code), `exit ${code}: ${err}`);
      assert.doesNotMatch(err, /\n\s+at .*\(/, 'no stack trace');
      if (code !== 0) assert.match(err, /^carbon-meter: /);
      if (code === 0 && format === 'html') assert.doesNotMatch(out, /<img|<script/);
    }), { numRuns: 250 });
  });

  it('names the written file after the run id without ever leaving --out', async () => {
    for (const id of ['../../escaped', '/tmp/absolute', '..', '.hidden', 'a/../../b', 'run\u0000id']) {
      writeFileSync(join(directory, 'run.json'), JSON.stringify({ ...(wire as object), id }));
      const { code, err } = await report(join(directory, 'run.json'), '--format', 'md', '--out', 'reports');
      assert.equal(code, 0, err);
      const written = readdirSync(join(directory, 'reports'));
      assert.equal(written.length, 1, `${id}: ${written.join(', ')}`);
      assert.ok(!written[0]?.startsWith('.'), written[0]);
      rmSync(join(directory, 'reports'), { recursive: true });
    }
    assert.ok(!existsSync(join(directory, '..', 'escaped.md')) && !existsSync('/tmp/absolute.md'));
    assert.deepEqual(readdirSync(directory).sort(), ['run.json']);
  });
});
