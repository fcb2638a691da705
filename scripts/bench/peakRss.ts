import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exited, sleep } from './childProcesses';
import { context, Figure } from './figures';

const BYTES_PER_MIB = 1024 * 1024;

/** VmHWM (peak resident set) of a live process in bytes, or undefined once it has gone. */
function readPeakResidentBytes(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** Peak RSS of the CLI process itself (not its child) while it measures `sleep 2`, polled every 100 ms. */
export async function measureCliPeakRss(cliPath: string): Promise<Figure[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'carbon-meter-bench-'));
  try {
    const child = spawn(process.execPath, [cliPath, 'run', '--quiet', '--out', outDir, '--', 'sleep', '2'], { stdio: 'ignore' });
    const done = exited(child);
    let finished = false;
    void done.then(() => { finished = true; });
    let peakBytes = 0;
    let reads = 0;
    while (!finished && child.pid !== undefined) {
      const bytes = readPeakResidentBytes(child.pid);
      if (bytes !== undefined) {
        peakBytes = Math.max(peakBytes, bytes);
        reads++;
      }
      await sleep(100);
    }
    const code = await done;
    if (code !== 0) throw new Error(`carbon-meter run -- sleep 2 exited with ${code}`);
    return [context('CLI peak RSS (VmHWM) during `run -- sleep 2`', peakBytes / BYTES_PER_MIB, 'MiB', `max of ${reads} reads of /proc/<pid>/status; the issue sets no target`)];
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
