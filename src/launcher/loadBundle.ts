/**
 * Loads a bundle the way `require` would, but through a V8 code cache kept on disk, so that later starts
 * skip most of the parsing and compiling of the bundle (about 15 ms of the CLI's start-up on the
 * project's 2-core VM, and a third of the extension's load). Node ≥ 22 has `module.enableCompileCache`;
 * the extension hosts and the CLI users we support still run Node 20, so this does the same with
 * `vm.Script`'s `cachedData`, which every Node since 5 has.
 *
 * Why the cache cannot run stale code: V8 checks a cache against the source's length and its own
 * version and flags only, so the file's name carries the build's content hash of the bundle (put in by
 * esbuild.mjs), and Node's version and the architecture. A bundle built without a hash (watch mode) is
 * loaded without a cache.
 *
 * Why nobody else's cache is ever run: the folder is the user's own cache folder, created 0700, and a file
 * not owned by the current user is ignored. A cache that cannot be read or written is no error: the bundle
 * then loads as `require` would. `NODE_DISABLE_COMPILE_CACHE` (Node's own switch) turns it off, and so does
 * `--enable-source-maps`: Node maps the stack traces of code `require` compiled only.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { userCacheDir } from '../engine/storage/userCacheDir';

/** When the cache of a bundle that had none (or a rejected one) is written. */
export type CacheSaveMoment =
  /** At process exit: the CLI, whose runs are short and whose every function has run by then. */
  | { readonly kind: 'exit' }
  /** After a delay: the extension host, which is not always given an exit; its activation has run by then. */
  | { readonly kind: 'delay'; readonly delayMs: number };

export interface LoadBundleOptions {
  /** The bundle's content hash from the build; empty or undefined: no cache. */
  readonly contentHash: string | undefined;
  readonly saveWhen: CacheSaveMoment;
  /** Normally process.env. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Whether Node maps stack traces through source maps (`--enable-source-maps`); default: whether this
   * process does. Node maps only what `require` compiled, so the bundle is then loaded by `require`, uncached.
   */
  readonly sourceMapsEnabled?: boolean;
}

/** What happened to the cache on one load; for tests and the bench. */
export type CacheOutcome = 'disabled' | 'used' | 'rejected' | 'missing';

/** The cache file of one build of a bundle for this Node. */
export function compileCachePath(dir: string, bundlePath: string, contentHash: string): string {
  return join(dir, `${basename(bundlePath, '.js')}-${contentHash}-${process.version}-${process.arch}.v8cache`);
}

/** The cached data, or undefined when there is none or it is not the current user's own file. */
function readOwnFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const uid = process.getuid?.();
    if (uid !== undefined && fstatSync(fd).uid !== uid) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function writeCache(dir: string, path: string, script: Script): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Written whole under a private name, then renamed: a concurrent start reads the old file or the new one.
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, path);
  } catch {
    // A read-only home or a full disk: the next start compiles again, as plain `require` always does.
  }
}

/**
 * Runs the CommonJS bundle at `bundlePath` as a module (its own `module`, `exports`, `require`,
 * `__filename` and `__dirname`) and returns its exports.
 */
export function loadBundle(bundlePath: string, options: LoadBundleOptions): { exports: unknown; cache: CacheOutcome } {
  const sourceMaps = options.sourceMapsEnabled ?? (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true;
  if (sourceMaps) return { exports: Module.createRequire(bundlePath)(bundlePath) as unknown, cache: 'disabled' };
  const source = readFileSync(bundlePath, 'utf8');
  const dir = options.contentHash && options.env.NODE_DISABLE_COMPILE_CACHE === undefined ? userCacheDir(options.env, 'compile') : undefined;
  const cachePath = dir && options.contentHash ? compileCachePath(dir, bundlePath, options.contentHash) : undefined;
  const cachedData = cachePath ? readOwnFile(cachePath) : undefined;
  const script = new Script(Module.wrap(source), { filename: bundlePath, cachedData });
  const cache: CacheOutcome = !cachePath ? 'disabled' : !cachedData ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used';
  if (dir && cachePath && cache !== 'used') {
    const save = () => writeCache(dir, cachePath, script);
    if (options.saveWhen.kind === 'exit') process.once('exit', save);
    else setTimeout(save, options.saveWhen.delayMs).unref();
  }
  // A module of its own, so the bundle's `require('vscode')` reaches VS Code's loader with the bundle's
  // path as its parent, which is how VS Code tells which extension asks.
  const bundleModule = new Module(bundlePath);
  bundleModule.filename = bundlePath;
  const requireFromBundle = Module.createRequire(bundlePath);
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(bundleModule.exports, bundleModule.exports, requireFromBundle, bundleModule, bundlePath, dirname(bundlePath));
  bundleModule.loaded = true;
  return { exports: bundleModule.exports, cache };
}
