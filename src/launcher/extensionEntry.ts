/**
 * dist/extension.js, the extension's `main`: loads the extension bundle (dist/extension.bundle.js)
 * through the compile cache and hands VS Code its `activate` and `deactivate`.
 */
import { join } from 'node:path';
import { loadBundle } from './loadBundle';

declare const CARBON_METER_EXTENSION_BUNDLE_HASH: string | undefined;

// An extension host is often killed rather than exited, so the cache is written once activation and the
// first samples have compiled what a session needs.
const SAVE_AFTER_MS = 10_000;

const { exports } = loadBundle(join(__dirname, 'extension.bundle.js'), {
  contentHash: typeof CARBON_METER_EXTENSION_BUNDLE_HASH === 'string' ? CARBON_METER_EXTENSION_BUNDLE_HASH : undefined,
  saveWhen: { kind: 'delay', delayMs: SAVE_AFTER_MS },
  env: process.env,
});
module.exports = exports;
