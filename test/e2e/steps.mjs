// A tiny sequential step runner for the end-to-end scenario: every step has a time limit, a failing step
// leaves a screenshot of the page, and the steps after it are skipped (they depend on it).
import { join } from 'node:path';

export class Steps {
  /**
   * @param page playwright page; @param artifactsDir where failure screenshots go
   * @param diagnose async () => string: what the page shows that may explain a failure (dialogs, notifications)
   */
  constructor(page, artifactsDir, diagnose = async () => '') {
    this.page = page;
    this.artifactsDir = artifactsDir;
    this.diagnose = diagnose;
    this.results = [];
    this.failed = undefined;
  }

  /** Runs `fn` unless an earlier step failed; fails it after `timeoutMs`. */
  async run(name, fn, { timeoutMs = 30_000 } = {}) {
    if (this.failed) {
      this.results.push({ name, status: 'skipped', seconds: 0 });
      return undefined;
    }
    const started = Date.now();
    let timer;
    try {
      const value = await Promise.race([
        fn(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`step timed out after ${timeoutMs / 1000} s`)), timeoutMs); }),
      ]);
      const seconds = (Date.now() - started) / 1000;
      this.results.push({ name, status: 'passed', seconds });
      console.log(`  ✔ ${name} (${seconds.toFixed(1)} s)`);
      return value;
    } catch (error) {
      const seconds = (Date.now() - started) / 1000;
      const screenshot = join(this.artifactsDir, `failure-${this.results.length + 1}.png`);
      await this.page.screenshot({ path: screenshot, timeout: 10_000 }).catch(() => {});
      const shown = await this.diagnose().catch((diagnoseError) => `(could not read the page: ${diagnoseError.message})`);
      this.failed = { name, error, screenshot };
      this.results.push({ name, status: 'failed', seconds });
      console.log(`  ✘ ${name} (${seconds.toFixed(1)} s)\n    ${String(error.stack ?? error).split('\n').join('\n    ')}`
        + `${shown ? `\n    the page shows: ${shown}` : ''}\n    screenshot: ${screenshot}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Polls `check` (sync or async) every `intervalMs` until it returns something other than undefined/false. */
export async function poll(what, timeoutMs, check, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
