/**
 * `npm run bench`: measures the performance figures on this machine and prints them with their
 * targets. It reports; it never fails on a target. `--json` also writes bench-results.json; `--only <words>`
 * measures only the sections whose title contains them.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatTable } from '../../src/cli/formatTable';
import { measureAttributionError } from './attributionError';
import { measureCliOverhead } from './cliOverhead';
import { Figure } from './figures';
import { describeMachine } from './machine';
import { measureCliPeakRss } from './peakRss';
import { measureRaplError } from './raplError';
import { measureSampleCost } from './sampleCost';
import { measureExtensionHost } from './extensionHost';
import { measureRegionRanking } from './regionRanking';
import { measureWebviewUpdate } from './webviewUpdate';

const REPO_ROOT = resolve(__dirname, '..', '..');
const CLI_PATH = resolve(REPO_ROOT, 'dist', 'cli.js');
const DATA_DIR = resolve(REPO_ROOT, 'data');

function formatValue(value: number): string {
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return value.toFixed(digits);
}

function verdict(figure: Figure): string {
  if (figure.meetsTarget === undefined) return '';
  return figure.meetsTarget ? 'ok' : 'MISSED';
}

async function main(argv: readonly string[]): Promise<void> {
  const writeJson = argv.includes('--json');
  const machine = describeMachine();
  process.stdout.write(`Carbon Meter bench, ${machine.date}\n`);
  process.stdout.write(`${machine.cpuModel}, ${machine.cpuCount} cores; ${machine.os}; Node ${machine.nodeVersion}\n\n`);

  const startedAt = performance.now();
  const sections: [string, () => Promise<Figure[]>][] = [
    ['CLI overhead', () => measureCliOverhead(CLI_PATH, 25)],
    ['sample cost', () => measureSampleCost(DATA_DIR, 300)],
    ['RAPL energy error', () => measureRaplError(5000, 200)],
    ['attribution error', () => measureAttributionError(1500)],
    ['CLI peak memory', () => measureCliPeakRss(CLI_PATH)],
    ['region ranking', () => measureRegionRanking()],
    ['extension host', () => measureExtensionHost(9)],
    ['webview chart update', () => measureWebviewUpdate()],
  ];
  // `--only <words>`: just the sections whose title contains them (e.g. `--only "CLI overhead"`), while tuning one figure.
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt === -1 ? undefined : argv[onlyAt + 1];
  const figures: Figure[] = [];
  for (const [title, measure] of sections.filter(([title]) => only === undefined || title.includes(only))) {
    process.stderr.write(`measuring ${title}…\n`);
    figures.push(...await measure());
  }
  const elapsedSeconds = (performance.now() - startedAt) / 1000;

  const rows = figures.map((figure) => [figure.name, formatValue(figure.value), figure.unit, figure.target, verdict(figure), figure.note ?? '']);
  process.stdout.write(`${formatTable(['figure', 'value', 'unit', 'target', '', 'how'], rows, [false, true, false, false, false, false])}\n`);
  process.stdout.write(`\nmeasured in ${elapsedSeconds.toFixed(1)} s\n`);

  if (writeJson) {
    const path = resolve(REPO_ROOT, 'bench-results.json');
    writeFileSync(path, `${JSON.stringify({ machine, elapsedSeconds, figures }, null, 2)}\n`);
    process.stdout.write(`wrote ${path}\n`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
