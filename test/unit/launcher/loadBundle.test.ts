import * as assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userCacheDir } from '../../../src/engine/storage/userCacheDir';
import { compileCachePath, loadBundle, type LoadBundleOptions } from '../../../src/launcher/loadBundle';

// A bundle as esbuild writes one: CommonJS that requires a built-in and uses its module's own variables.
const BUNDLE = `"use strict";
const { basename } = require("node:path");
function greet(name) { return "hello " + name; }
module.exports = { greet, file: basename(__filename), dir: basename(__dirname), sameExports: exports === module.exports };
`;

const waitForSave = () => new Promise<void>((done) => setTimeout(done, 20));

describe('loadBundle', () => {
  let root: string;
  let bundlePath: string;
  let cacheRoot: string;
  let options: LoadBundleOptions;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'carbon-meter-launcher-'));
    mkdirSync(join(root, 'dist'));
    bundlePath = join(root, 'dist', 'cli.bundle.js');
    writeFileSync(bundlePath, BUNDLE);
    cacheRoot = join(root, 'cache');
    // The test runner turns source maps on (test/registerTypeScript.cjs); a CLI or extension host normally has them off.
    options = { contentHash: 'abc123', saveWhen: { kind: 'delay', delayMs: 0 }, env: { CARBON_METER_CACHE_DIR: cacheRoot }, sourceMapsEnabled: false };
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const cachePath = () => compileCachePath(join(cacheRoot, 'compile'), bundlePath, 'abc123');

  it('runs the bundle as a module of its own file and returns its exports', () => {
    const { exports } = loadBundle(bundlePath, options) as { exports: { greet(name: string): string; file: string; dir: string; sameExports: boolean } };
    assert.equal(exports.greet('ada'), 'hello ada');
    assert.equal(exports.file, 'cli.bundle.js');
    assert.equal(exports.dir, 'dist');
    assert.equal(exports.sameExports, true);
  });

  it('writes a private cache on the first load and uses it on the next', async () => {
    assert.equal(loadBundle(bundlePath, options).cache, 'missing');
    await waitForSave();
    assert.ok(existsSync(cachePath()), 'the cache file was written');
    assert.equal(statSync(cachePath()).mode & 0o777, 0o600);
    assert.equal(statSync(join(cacheRoot, 'compile')).mode & 0o777, 0o700);
    const second = loadBundle(bundlePath, options);
    assert.equal(second.cache, 'used');
    assert.equal((second.exports as { greet(name: string): string }).greet('bo'), 'hello bo');
    await waitForSave();
    assert.deepEqual(readdirSync(join(cacheRoot, 'compile')), [cachePath().split('/').pop()], 'no temporary file is left behind');
  });

  it('names the cache by the build content hash, so another build never reads it', async () => {
    loadBundle(bundlePath, options);
    await waitForSave();
    // Same length, other content: V8 alone would accept the old cache; the name keeps them apart.
    writeFileSync(bundlePath, BUNDLE.replace('hello ', 'howdy '));
    const rebuilt = loadBundle(bundlePath, { ...options, contentHash: 'def456' });
    assert.equal(rebuilt.cache, 'missing');
    assert.equal((rebuilt.exports as { greet(name: string): string }).greet('cy'), 'howdy cy');
  });

  it('runs the bundle from source when the cache is damaged, and writes a good one', async () => {
    mkdirSync(join(cacheRoot, 'compile'), { recursive: true });
    writeFileSync(cachePath(), Buffer.from('not a V8 code cache at all'));
    const damaged = loadBundle(bundlePath, options);
    assert.equal(damaged.cache, 'rejected');
    assert.equal((damaged.exports as { greet(name: string): string }).greet('di'), 'hello di');
    await waitForSave();
    assert.equal(loadBundle(bundlePath, options).cache, 'used');
  });

  it("ignores a cache file that is not the user's own", function () {
    if (process.getuid?.() !== 0) this.skip();
    loadBundle(bundlePath, options);
    return waitForSave().then(() => {
      chownSync(cachePath(), 12345, 12345);
      assert.equal(loadBundle(bundlePath, options).cache, 'missing');
    });
  });

  it('loads without a cache when the build gave no hash or NODE_DISABLE_COMPILE_CACHE is set', async () => {
    assert.equal(loadBundle(bundlePath, { ...options, contentHash: undefined }).cache, 'disabled');
    assert.equal(loadBundle(bundlePath, { ...options, env: { ...options.env, NODE_DISABLE_COMPILE_CACHE: '1' } }).cache, 'disabled');
    await waitForSave();
    assert.equal(existsSync(join(cacheRoot, 'compile')), false);
  });

  it('loads all the same when the cache folder cannot be written', async () => {
    writeFileSync(cacheRoot, 'a file where the folder should be');
    const { exports, cache } = loadBundle(bundlePath, options);
    assert.equal(cache, 'missing');
    assert.equal((exports as { greet(name: string): string }).greet('ed'), 'hello ed');
    await waitForSave();
    assert.equal(statSync(cacheRoot).isFile(), true);
  });

  it('loads with require, uncached, when Node maps stack traces through source maps', async () => {
    const { exports, cache } = loadBundle(bundlePath, { ...options, sourceMapsEnabled: true });
    assert.equal(cache, 'disabled');
    assert.equal((exports as { greet(name: string): string }).greet('fi'), 'hello fi');
    // `require` compiled it: Node's module cache has it, and so its source map would be used.
    assert.ok(require.cache[bundlePath], 'the bundle was not loaded by require');
    await waitForSave();
    assert.equal(existsSync(join(cacheRoot, 'compile')), false);
  });

  it('keeps its cache in CARBON_METER_CACHE_DIR, else the XDG cache folder, else ~/.cache', () => {
    assert.equal(userCacheDir({ CARBON_METER_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' }, 'compile'), '/c/compile');
    assert.equal(userCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' }, 'compile'), '/x/carbon-meter/compile');
    assert.equal(userCacheDir({ HOME: '/h' }, 'compile'), '/h/.cache/carbon-meter/compile');
    assert.equal(userCacheDir({}, 'compile'), undefined);
  });
});
