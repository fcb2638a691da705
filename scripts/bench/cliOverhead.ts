import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timeCommand } from './childProcesses';
import { atMost, context, Figure, median } from './figures';

/**
 * Wall time that `carbon-meter run` adds around a command that does nothing: the CLI's own start-up,
 * source probing, the first and last sample and writing the run. Commands alternate so drift in the
 * machine's load hits every series alike.
 */
export async function measureCliOverhead(cliPath: string, repetitions: number): Promise<Figure[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'carbon-meter-bench-'));
  const series = {
    bare: [] as number[],
    wrapped: [] as number[],
    version: [] as number[],
    node: [] as number[],
  };
  const commands: [keyof typeof series, string, string[]][] = [
    ['bare', 'true', []],
    ['wrapped', process.execPath, [cliPath, 'run', '--quiet', '--out', outDir, '--', 'true']],
    ['version', process.execPath, [cliPath, '--version']],
    ['node', process.execPath, ['-e', '0']],
  ];
  try {
    // One untimed round fills the page cache.
    for (const [, command, args] of commands) await timeCommand(command, args);
    for (let round = 0; round < repetitions; round++) {
      for (const [key, command, args] of commands) series[key].push(await timeCommand(command, args));
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  const bare = median(series.bare);
  const wrapped = median(series.wrapped);
  return [
    context('bare `true`, median', bare, 'ms', `${repetitions} runs`),
    context('`carbon-meter run -- true`, median', wrapped, 'ms', `${repetitions} runs, alternating with the bare ones`),
    atMost('wall time added by `run`', wrapped - bare, 'ms', 100, 'CodeCarbon: ~2000 ms'),
    context('`carbon-meter --version`, median', median(series.version), 'ms', 'Node start + bundle load'),
    context('`node -e 0`, median', median(series.node), 'ms', 'Node start alone'),
  ];
}
