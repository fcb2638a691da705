// Four bundles: the extension host (Node, vscode external), the two webviews (browser: the panel and the
// Region Advisor) and the CLI (Node).
// The CLI bundle has no externals on purpose: an engine import of `vscode` breaks its build.
// The two Node bundles are loaded by small launchers (dist/cli.js, dist/extension.js; src/launcher/) that
// keep a V8 code cache of them; each launcher is built after its bundle and carries the bundle's content
// hash, which names the cache, so a cache never outlives the bundle it was made from.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {esbuild.BuildOptions} */
const common = { bundle: true, minify: production, sourcemap: !production, logLevel: 'warning', target: 'es2022' };

const bundles = [
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.bundle.js', platform: 'node', format: 'cjs',
    define: { CARBON_METER_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) } },
];
if (existsSync('src/extension/extension.ts')) {
  bundles.push({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.bundle.js',
    platform: 'node', format: 'cjs', external: ['vscode'] });
}
if (existsSync('src/webview/main.ts')) {
  bundles.push({ ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js',
    platform: 'browser', format: 'iife' });
  // The Region Advisor panel: its own small bundle, with only the Chart.js parts of a bar chart.
  bundles.push({ ...common, entryPoints: ['src/webview/regionAdvisor/main.ts'], outfile: 'dist/regionAdvisor.js',
    platform: 'browser', format: 'iife' });
  // The panel's icon font: only dist/, media/ and data/ ship, so it travels in dist/codicons/
  // (codicon.css loads codicon.ttf from beside itself).
  mkdirSync('dist/codicons', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/codicons/${file}`);
  }
}

/** The launcher of a Node bundle; `hash` undefined (watch mode, where the bundle keeps changing) means no cache. */
function launcher(entry, outfile, hashName, hash, banner) {
  return { ...common, sourcemap: false, entryPoints: [entry], outfile, platform: 'node', format: 'cjs',
    ...(banner ? { banner: { js: banner } } : {}), define: { [hashName]: hash === undefined ? 'undefined' : JSON.stringify(hash) } };
}
const launchers = [
  ['src/launcher/cliEntry.ts', 'dist/cli.js', 'CARBON_METER_CLI_BUNDLE_HASH', 'dist/cli.bundle.js', '#!/usr/bin/env node'],
  ['src/launcher/extensionEntry.ts', 'dist/extension.js', 'CARBON_METER_EXTENSION_BUNDLE_HASH', 'dist/extension.bundle.js'],
].filter(([, , , bundle]) => bundles.some((options) => options.outfile === bundle));
const contentHash = (path) => createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);

if (watch) {
  for (const options of bundles) await (await esbuild.context(options)).watch();
  await Promise.all(launchers.map(([entry, outfile, hashName, , banner]) => esbuild.build(launcher(entry, outfile, hashName, undefined, banner))));
} else {
  await Promise.all(bundles.map((options) => esbuild.build(options)));
  await Promise.all(launchers.map(([entry, outfile, hashName, bundle, banner]) =>
    esbuild.build(launcher(entry, outfile, hashName, contentHash(bundle), banner))));
}
