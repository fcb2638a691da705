// `npm run package`: a production build (minified, no source maps) packaged as carbon-meter-<version>.vsix in
// the repository root, with @vscode/vsce from .e2e/tools (setup.sh installs it; it is not a project
// dependency). What goes in is decided by .vscodeignore. `--dev`: a development build
// (its source maps are left out of the package all the same).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureInstalled, repoRoot, toolsDir } from './e2e/codeServer.mjs';

/**
 * The top-level files and folders that .vscodeignore lets through (its `!` lines), so the staged copy holds
 * everything that may ship; a list kept here by hand once left schemas/ out of the package.
 */
function shippedTopLevelEntries() {
  return [...new Set(readFileSync(join(repoRoot, '.vscodeignore'), 'utf8').split('\n')
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).split('/')[0]))];
}

/** Builds (unless `build` is false) and packages; returns the .vsix path. `quiet`: vsce's output only on failure. */
export function packageExtension({ production = true, build = true, out, quiet = false } = {}) {
  const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  out ??= join(repoRoot, `${name}-${version}.vsix`);
  if (build) {
    // esbuild does not delete: drop stale maps so a production dist/ holds only what it built.
    if (production) {
      for (const map of ['cli.bundle.js.map', 'extension.bundle.js.map', 'webview.js.map', 'regionAdvisor.js.map']) rmSync(join(repoRoot, 'dist', map), { force: true });
    }
    execFileSync(process.execPath, ['esbuild.mjs', ...(production ? ['--production'] : [])], { cwd: repoRoot, stdio: 'inherit' });
  }
  const vsce = join(toolsDir, 'node_modules/.bin/vsce');
  if (!existsSync(vsce)) ensureInstalled();
  // README links stay relative (no repository URL to prefix them with); the packaged README keeps them as written.
  const args = ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out];
  if (!existsSync(join(repoRoot, 'LICENSE')) && !existsSync(join(repoRoot, 'LICENSE.md'))) args.push('--skip-license');
  // vsce lists every file under its folder before applying .vscodeignore (9 s with .e2e/ and node_modules/
  // there), so it packages a copy of the candidates; .vscodeignore still decides what ships.
  const stage = mkdtempSync(join(tmpdir(), 'carbon-meter-package-'));
  try {
    for (const entry of ['.vscodeignore', ...shippedTopLevelEntries()]) {
      if (existsSync(join(repoRoot, entry))) cpSync(join(repoRoot, entry), join(stage, entry), { recursive: true });
    }
    // vsce ≥ 3 wants Node 22 and says so (EBADENGINE); it packages fine under Node 20.
    try {
      execFileSync(vsce, args, { cwd: stage, stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'] });
    } catch (error) {
      if (quiet) process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
      throw error;
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = packageExtension({ production: !process.argv.includes('--dev') });
  console.log(`packaged ${out}`);
}
