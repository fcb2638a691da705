/**
 * dist/cli.js, the `carbon-meter` command: loads the CLI bundle (dist/cli.bundle.js) through the compile
 * cache and runs it. Kept to the few built-ins the loader needs, so nothing here slows the start it saves.
 */
import { join } from 'node:path';
import { loadBundle } from './loadBundle';

declare const CARBON_METER_CLI_BUNDLE_HASH: string | undefined;

const { exports } = loadBundle(join(__dirname, 'cli.bundle.js'), {
  contentHash: typeof CARBON_METER_CLI_BUNDLE_HASH === 'string' ? CARBON_METER_CLI_BUNDLE_HASH : undefined,
  saveWhen: { kind: 'exit' },
  env: process.env,
});
(exports as { runAsProgram(): void }).runAsProgram();
