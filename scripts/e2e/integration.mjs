// `npm run test:integration`: mocha suites in test/integration run inside the extension host of a real
// VS Code (code-server 4.139.1, Node 24), the extension loaded from this repository as a development
// extension (e2e.md §5). Builds the extension, bundles the tests into out/integration/, opens the workbench
// headless with the test payload and exits with the suites' result. Setting CARBON_METER_TEST_GREP runs only
// matching tests; E2E_KEEP=1 keeps the run folder (logs, workspace, user data).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { build } from 'esbuild';
import { createRunDir, ensureInstalled, removeRunDir, repoRoot, startCodeServer, tail } from './codeServer.mjs';
import { launchBrowser, startMemorySampler } from './browser.mjs';

const TIMEOUT_MS = Number(process.env.CARBON_METER_INTEGRATION_TIMEOUT_MS ?? 180_000);
// The workbench's own start-up chatter, which comes through the same log as mocha's reporter.
const WORKBENCH_NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Ignoring fetching additional builtin extensions|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Updating additional builtin extensions cache|Timed out waiting for authentication provider)/;
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

ensureInstalled();
execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
// out/ is already ignored by git, ESLint, tsc and .vscodeignore.
const outdir = join(repoRoot, 'out/integration');
rmSync(outdir, { recursive: true, force: true });
const testDir = join(repoRoot, 'test/integration');
await build({
  entryPoints: readdirSync(testDir).filter((name) => name.endsWith('.ts')).map((name) => join(testDir, name)),
  outdir, bundle: true, platform: 'node', format: 'cjs', target: 'es2022', sourcemap: 'inline',
  external: ['vscode'], logLevel: 'warning',
  // mocha's parallel mode (not used) resolves a worker file next to itself.
  logOverride: { 'require-resolve-not-external': 'silent' },
});

const run = createRunDir();
cpSync(join(repoRoot, 'samples/workspace'), run.ws, { recursive: true });
let server;
let browser;
let code = 1;
let sampler;
try {
  server = await startCodeServer(run, { extraArgs: ['--vscode-option', 'enable-smoke-test-driver'] });
  browser = await launchBrowser(run);
  sampler = startMemorySampler(() => ({ 'code-server': server.pid, 'driver+chromium': process.pid }));
  const { page } = browser;
  const browserLog = [];
  page.on('console', (message) => browserLog.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => browserLog.push(`[pageerror] ${error.message}`));
  // The workbench forwards the extension host's console (mocha's reporter) here, and the result of run().
  await page.exposeFunction('codeAutomationLog', (_type, args) => {
    const line = format(...args);
    browserLog.push(line);
    if (!WORKBENCH_NOISE.test(line)) console.log(line);
  });
  let resolveExit;
  const exited = new Promise((resolve) => { resolveExit = resolve; });
  await page.exposeFunction('codeAutomationExit', (exitCode) => resolveExit(exitCode));
  const authority = `127.0.0.1:${server.port}`;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${repoRoot}`],
    ['extensionTestsPath', `vscode-remote://${authority}${join(outdir, 'index.js')}`],
    ['skipWelcome', 'true'],
  ];
  console.log(`integration: code-server on ${server.origin} (${elapsed()}), opening the workbench`);
  await page.goto(server.folderUrl(run.ws, payload));
  let timer;
  const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS); });
  const result = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    await page.screenshot({ path: join(run.dir, 'integration-timeout.png') }).catch(() => {});
    console.error(`integration: no result within ${TIMEOUT_MS / 1000} s; screenshot and browser console in ${run.dir}`);
  } else {
    code = result;
  }
  if (code !== 0) writeFileSync(join(run.dir, 'browser-console.log'), browserLog.join('\n'));
} catch (error) {
  console.error(`integration: ${error.stack ?? error}`);
} finally {
  await browser?.context.close().catch(() => {});
  await server?.stop();
  const peaks = sampler?.stop();
  console.log(`integration: ${code === 0 ? 'passed' : 'FAILED'} in ${elapsed()}; peak memory ${JSON.stringify(peaks ?? {})} MiB`);
  if (code === 0 && !process.env.E2E_KEEP) {
    removeRunDir(run);
  } else {
    if (server && code !== 0) console.error(`code-server log (${server.logPath}):\n${tail(server.logPath, 40)}`);
    console.error(`integration: run folder kept: ${run.dir}`);
  }
}
process.exit(code);
