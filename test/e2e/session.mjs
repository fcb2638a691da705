// What every end-to-end test starts with: the extension packaged and installed into the run's code-server,
// then code-server and a browser on its workbench.
import { join } from 'node:path';
import { launchBrowser } from '../../scripts/e2e/browser.mjs';
import { installVsix, startCodeServer } from '../../scripts/e2e/codeServer.mjs';
import { packageExtension } from '../../scripts/package.mjs';
import { Steps } from './steps.mjs';
import { Workbench } from './workbench.mjs';

/** Packages the extension (or takes E2E_VSIX, built once for several tests) and installs it for this run. */
export function installExtension(run) {
  const vsix = process.env.E2E_VSIX ?? packageExtension({ production: false, quiet: true, out: join(run.dir, 'carbon-meter.vsix') });
  installVsix(run, vsix);
}

/** Starts code-server and a browser on its workbench; stops the server again if the browser cannot start. */
export async function openWorkbench(run) {
  const server = await startCodeServer(run);
  const { context, page } = await launchBrowser(run).catch(async (error) => {
    await server.stop();
    throw error;
  });
  page.setDefaultTimeout(20_000);
  const workbench = new Workbench(page);
  const steps = new Steps(page, run.dir, () => workbench.visibleMessages());
  return { server, context, page, workbench, steps };
}
