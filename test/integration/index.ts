// Entry point the extension host loads through `extensionTestsPath` (as @vscode/test-electron would): runs
// every *.test.js bundled next to it with mocha, and resolves when all pass. scripts/e2e/integration.mjs
// bundles this folder into out/integration/ and opens code-server with it.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.CARBON_METER_TEST_GREP;
  if (grep) mocha.grep(grep);
  // Test bundles are CommonJS: define the tdd globals, then load them ourselves.
  mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
  for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) {
    // require, not import(): the extension host resolves `vscode` for CommonJS requires from the extension's folder.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
