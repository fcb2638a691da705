// `npm start` on a fresh clone: install, build, package the extension, and open it in a local VS Code in the
// browser (code-server, installed under .e2e/ by scripts/e2e/setup.sh) with a copy of samples/workspace,
// whose tasks burn CPU for Carbon Meter to measure. Runs until Ctrl-C, then stops the server and removes
// its folder (E2E_KEEP=1 keeps it). PORT=n picks the port (default 8080, or a free one).
// `npm run demo` (`--cli`): the CLI instead: doctor, measure samples/cpuBurn.mjs, print its report.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });

if (!existsSync('node_modules/esbuild')) run('npm', ['ci', '--no-audit', '--no-fund']);
run(process.execPath, ['esbuild.mjs']);

if (process.argv.includes('--cli')) {
  run(process.execPath, ['dist/cli.js', 'doctor']);
  run(process.execPath, ['dist/cli.js', 'run', '--project', 'carbon-meter-demo', '--experiment', 'cpu-burn', '--', 'node', 'samples/cpuBurn.mjs']);
  run(process.execPath, ['dist/cli.js', 'report', '.carbon-meter', '--format', 'md']);
} else {
  await startEditor();
}

async function startEditor() {
  // Imported here: they need nothing from node_modules, but the CLI demo needs none of them.
  const { createRunDir, ensureInstalled, freePort, installVsix, removeRunDir, repoRoot, startCodeServer } = await import('./e2e/codeServer.mjs');
  const { packageExtension } = await import('./package.mjs');
  ensureInstalled({ chromium: false });
  const session = createRunDir();
  const vsix = packageExtension({ production: false, build: false, quiet: true, out: join(session.dir, 'carbon-meter.vsix') });
  installVsix(session, vsix);
  cpSync(join(repoRoot, 'samples/workspace'), session.ws, { recursive: true });
  const port = process.env.PORT ? Number(process.env.PORT) : await portOr(8080, freePort);
  const server = await startCodeServer(session, { port });
  console.log(`
Carbon Meter is installed in a local VS Code (code-server, no password, listening on 127.0.0.1 only):

    ${server.folderUrl(session.ws)}

Open it in a browser (over SSH: ssh -L ${server.port}:127.0.0.1:${server.port} <host>), press F1 and run
"Carbon Meter: Track Task…", pick "Burn CPU (20 s)", and watch the status bar; click it for the panel.
The workspace is a copy of samples/workspace in ${session.ws}.
Server log: ${server.logPath}. Ctrl-C stops it.
`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping code-server…');
    await server.stop();
    if (process.env.E2E_KEEP) console.log(`kept ${session.dir}`);
    else removeRunDir(session);
    process.exit(0);
  };
  void server.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.error(`code-server exited on its own (${signal ?? `code ${code}`}); its log: ${server.logPath}`);
    process.exit(1);
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  // Stay alive until a signal comes.
  setInterval(() => {}, 1 << 30);
}

/** `preferred` if nothing listens there, else a free port. */
async function portOr(preferred, freePort) {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(freePort()));
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => resolve(preferred)));
  });
}
