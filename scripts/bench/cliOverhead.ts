import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpawnOptions } from 'node:child_process';
import { timeCommand } from './childProcesses';
import { atMost, context, Figure, median } from './figures';

/**
 * Wall time that `carbon-meter run` adds around a command that does nothing: the CLI's own start-up,
 * source probing, the first and last sample and writing the run. Commands alternate so drift in the
 * machine's load hits every series alike.
 *
 * When NODE_EXTRA_CA_CERTS is set, Node reads and parses that certificate bundle before running any
 * script (40–80 ms on the project's CI machines, where it is set machine-wide), so the CLI and plain
 * `node` are also timed without it, to show what the CLI itself adds.
 */
export async function measureCliOverhead(cliPath: string, repetitions: number): Promise<Figure[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'carbon-meter-bench-'));
  const series = {
    bare: [] as number[],
    wrapped: [] as number[],
    wrappedNoCache: [] as number[],
    version: [] as number[],
    node: [] as number[],
    wrappedPlain: [] as number[],
    nodePlain: [] as number[],
  };
  // The CLI's compile cache (src/launcher/loadBundle.ts) in a folder of the bench's own, filled by the
  // untimed round, as any run after the first of a new version finds it; one series runs without it.
  const cacheDir = mkdtempSync(join(tmpdir(), 'carbon-meter-bench-cache-'));
  const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...otherVariables } = process.env;
  const withCache = { env: { ...process.env, CARBON_METER_CACHE_DIR: cacheDir } };
  // Compared with the run that Node's own start weighs least on: NODE_EXTRA_CA_CERTS unset.
  const noCache = { env: { ...otherVariables, CARBON_METER_CACHE_DIR: cacheDir, NODE_DISABLE_COMPILE_CACHE: '1' } };
  const plain = { env: { ...otherVariables, CARBON_METER_CACHE_DIR: cacheDir } };
  const commands: [keyof typeof series, string, string[], SpawnOptions?][] = [
    ['bare', 'true', []],
    ['wrapped', process.execPath, [cliPath, 'run', '--quiet', '--out', outDir, '--', 'true'], withCache],
    ['wrappedNoCache', process.execPath, [cliPath, 'run', '--quiet', '--out', outDir, '--', 'true'], noCache],
    ['version', process.execPath, [cliPath, '--version'], withCache],
    ['node', process.execPath, ['-e', '0']],
  ];
  if (extraCaCerts !== undefined) {
    commands.push(
      ['wrappedPlain', process.execPath, [cliPath, 'run', '--quiet', '--out', outDir, '--', 'true'], plain],
      ['nodePlain', process.execPath, ['-e', '0'], plain],
    );
  }
  try {
    // One untimed round fills the page cache.
    for (const [, command, args, options] of commands) await timeCommand(command, args, options);
    for (let round = 0; round < repetitions; round++) {
      for (const [key, command, args, options] of commands) series[key].push(await timeCommand(command, args, options));
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const bare = median(series.bare);
  const wrapped = median(series.wrapped);
  const figures = [
    context('bare `true`, median', bare, 'ms', `${repetitions} runs`),
    context('`carbon-meter run -- true`, median', wrapped, 'ms', `${repetitions} runs, alternating with the bare ones`),
    atMost('wall time added by `run`', wrapped - bare, 'ms', 100, 'CodeCarbon: ~2000 ms'),
    context('`carbon-meter --version`, median', median(series.version), 'ms', 'Node start + bundle load'),
    context('`node -e 0`, median', median(series.node), 'ms', 'Node start alone'),
  ];
  if (extraCaCerts !== undefined) {
    figures.push(
      atMost('wall time added by `run`, NODE_EXTRA_CA_CERTS unset', median(series.wrappedPlain) - bare, 'ms', 100,
        `the variable is set here (${extraCaCerts}); Node loads it before any script`),
      context('`node -e 0`, median, NODE_EXTRA_CA_CERTS unset', median(series.nodePlain), 'ms', 'Node start alone'),
    );
  }
  figures.push(context(`wall time added by \`run\` without the compile cache${extraCaCerts === undefined ? '' : ', NODE_EXTRA_CA_CERTS unset'}`,
    median(series.wrappedNoCache) - bare, 'ms', 'the first run after installing or updating (NODE_DISABLE_COMPILE_CACHE=1)'));
  return figures;
}
