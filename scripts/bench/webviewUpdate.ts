import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { atMost, context, Figure } from './figures';

const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * The panel's time per sample update in headless Chromium (scripts/renderPanel.mjs --bench: 300 samples
 * into charts holding 450–600 points, each timed from the message to the end of both chart updates).
 */
export function measureWebviewUpdate(): Promise<Figure[]> {
  return new Promise((done, fail) => {
    execFile(process.execPath, ['scripts/renderPanel.mjs', '--bench'], { cwd: REPO_ROOT, timeout: 180_000 }, (error, stdout, stderr) => {
      if (error) return fail(new Error(`renderPanel --bench failed: ${error.message}\n${stderr}`));
      const figure = (name: string) => Number(new RegExp(`${name} ([\\d.]+) ms`).exec(stdout)?.[1] ?? NaN);
      done([
        atMost('Webview time per chart update (median)', figure('median'), 'ms', 4, '300 samples, charts of 450–600 points, headless Chromium with a software canvas'),
        context('Webview time per chart update (p95)', figure('p95'), 'ms'),
      ]);
    });
  });
}
