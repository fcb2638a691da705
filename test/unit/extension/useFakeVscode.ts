/**
 * Import first in a test that loads src/extension/: every `require('vscode')` from then on gets
 * fakeVscode.ts. Only the name `vscode` is redirected, which would not resolve in plain Node anyway.
 */
import Module from 'node:module';
import { resolve } from 'node:path';

const FAKE_VSCODE = resolve(__dirname, 'fakeVscode.ts');
const internals = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolveFilename = internals._resolveFilename;
if (!(resolveFilename as { fakesVscode?: boolean }).fakesVscode) {
  const redirect = (request: string, ...rest: unknown[]) => (request === 'vscode' ? FAKE_VSCODE : resolveFilename(request, ...rest));
  internals._resolveFilename = Object.assign(redirect, { fakesVscode: true });
}
