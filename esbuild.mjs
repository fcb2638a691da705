// Four bundles: the extension host (Node, vscode external), the two webviews (browser: the panel and the
// Region Advisor) and the CLI (Node).
// The CLI bundle has no externals on purpose: an engine import of `vscode` breaks its build.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {esbuild.BuildOptions} */
const common = { bundle: true, minify: production, sourcemap: !production, logLevel: 'warning', target: 'es2022' };

const bundles = [
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    define: { CARBON_METER_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) } },
];
if (existsSync('src/extension/extension.ts')) {
  bundles.push({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js',
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

if (watch) {
  for (const options of bundles) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(bundles.map((options) => esbuild.build(options)));
}
