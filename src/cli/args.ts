/** Parsing of the `carbon-meter` command line. Pure: no I/O, so every error path is unit-tested. */
import { GroupKey, parseGroupBy } from '../engine/reports/team/groupTeamRuns';
import { PUSHGATEWAY_URL_PATTERN } from '../engine/export/pushgatewayClient';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * User input as an error message shows it: control characters escaped as JSON escapes them (so no
 * escape sequence reaches the terminal) and cut to 60 characters (so a pasted blob stays readable).
 */
export function shown(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text).slice(1, -1);
}

/** A message for the terminal with its control characters (bar newline and tab) written as \u escapes. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface RunArgs {
  readonly command: 'run';
  readonly country?: string;
  readonly region?: string;
  readonly cloud?: string;
  readonly pue?: number;
  readonly intervalMs: number;
  readonly project?: string;
  readonly experiment?: string;
  readonly trackingMode: 'process' | 'machine';
  readonly outDir?: string;
  readonly sysfsRoot?: string;
  readonly nvidiaSmiPath?: string;
  readonly quiet: boolean;
  /** Prometheus Pushgateway for this run's metrics; else CARBON_METER_PUSHGATEWAY, else .carbon-meter.json. */
  readonly pushgateway?: string;
  /** Names instead of pseudonyms for the user and host, in the record and the push. */
  readonly readableIds: boolean;
  /** The command to run and its arguments, everything after `--`. */
  readonly argv: readonly string[];
}

export interface RegionsArgs {
  readonly command: 'regions';
  /** Lower-cased provider ids; empty for all. */
  readonly providers: readonly string[];
  /** Countries as typed (ISO3, ISO2 or name); the command resolves them. */
  readonly countries: readonly string[];
  readonly continents: readonly string[];
  readonly maxDistanceKm?: number;
  /** Coordinates of "here" for distances, from --near LAT,LON. */
  readonly near?: { readonly latitude: number; readonly longitude: number };
  readonly measuredOnly: boolean;
  readonly energyKWh?: number;
  /** A past run whose energy and location are the workload. */
  readonly runId?: string;
  /** Where the workload runs now: provider:region, a country, or COUNTRY/REGION. */
  readonly from?: string;
  /** The run store's folder for --run (as `run --out`). */
  readonly outDir?: string;
  readonly json: boolean;
  /** With --json: the whole ranking (origin, filters, excluded regions), not only the ranked rows. */
  readonly full: boolean;
  readonly limit?: number;
}

export interface IntensityArgs {
  readonly command: 'intensity';
  readonly country?: string;
  readonly region?: string;
  readonly cloud?: string;
  /** An Electricity Maps zone id that overrides the one derived from the location. */
  readonly zone?: string;
  readonly live: boolean;
  /** Recompute this run's emissions with the hourly intensity of its window (with --live). */
  readonly runId?: string;
  readonly outDir?: string;
  readonly json: boolean;
}

export interface ReportArgs {
  readonly command: 'report';
  /** A run id (or unique prefix), a run JSON file, or a directory holding `runs/`. */
  readonly target: string;
  readonly format: 'md' | 'html' | 'json' | 'csv';
  readonly outDir?: string;
  /** With --group-by: a team report over every target (stores, folders with an emissions.csv, CSV files). */
  readonly groupBy?: readonly GroupKey[];
  readonly targets: readonly string[];
}

export interface DoctorArgs {
  readonly command: 'doctor';
  readonly sysfsRoot?: string;
  readonly nvidiaSmiPath?: string;
  readonly json: boolean;
}

export type CliArgs = RunArgs | RegionsArgs | IntensityArgs | ReportArgs | DoctorArgs | { readonly command: 'help' } | { readonly command: 'version' };

export const DEFAULT_INTERVAL_MS = 1_000;
/** Below this the sampler's own cost starts to show in the measurement. */
export const MIN_INTERVAL_MS = 100;
export const MAX_INTERVAL_MS = 3_600_000;

export type Flags = Map<string, string | true>;

/**
 * Splits `--name value`, `--name=value` and boolean `--name` flags; stops at `--`. A repeatable flag
 * keeps every value, comma lists split: `--provider aws --provider gcp,azure`.
 */
export function readFlags(
  tokens: readonly string[], booleanFlags: ReadonlySet<string>, allowed: ReadonlySet<string>, repeatable: ReadonlySet<string> = new Set(),
): { flags: Flags; lists: Map<string, string[]>; positionals: string[]; rest: string[] } {
  const flags: Flags = new Map();
  const lists = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as string;
    if (token === '--') return { flags, lists, positionals, rest: tokens.slice(index + 1) };
    if (!token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    const equals = token.indexOf('=');
    const name = token.slice(2, equals === -1 ? undefined : equals);
    if (!allowed.has(name)) throw new UsageError(`Unknown option --${shown(name)}.`);
    if (flags.has(name)) throw new UsageError(`Option --${shown(name)} is given twice.`);
    if (booleanFlags.has(name)) {
      if (equals !== -1) throw new UsageError(`Option --${name} takes no value.`);
      flags.set(name, true);
      continue;
    }
    const value = equals !== -1 ? token.slice(equals + 1) : tokens[++index];
    if (value === undefined || value === '' || (equals === -1 && value.startsWith('--'))) {
      throw new UsageError(`Option --${name} needs a value.`);
    }
    if (repeatable.has(name)) {
      const items = value.split(',').map((item) => item.trim()).filter(Boolean);
      if (items.length === 0) throw new UsageError(`Option --${name} needs a value.`);
      lists.set(name, [...(lists.get(name) ?? []), ...items]);
      continue;
    }
    flags.set(name, value);
  }
  return { flags, lists, positionals, rest: [] };
}

export function text(flags: Flags, name: string): string | undefined {
  const value = flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

export function positiveNumber(flags: Flags, name: string, { min, max, integer }: { min: number; max: number; integer?: boolean }): number | undefined {
  const raw = text(flags, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new UsageError(`Option --${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not "${shown(raw)}".`);
  }
  return value;
}

function oneOf<T extends string>(flags: Flags, name: string, choices: readonly T[], fallback: T): T {
  const raw = text(flags, name) ?? fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`Option --${name} must be one of ${choices.join(', ')}, not "${shown(raw)}".`);
  }
  return raw as T;
}

const RUN_FLAGS = new Set([
  'country', 'region', 'cloud', 'pue', 'interval-ms', 'project', 'experiment', 'tracking-mode', 'out', 'sysfs-root', 'nvidia-smi', 'quiet',
  'pushgateway', 'readable-ids',
]);

function parseRun(tokens: readonly string[]): RunArgs {
  const { flags, positionals, rest } = readFlags(tokens, new Set(['quiet', 'readable-ids']), RUN_FLAGS);
  // `carbon-meter run python train.py` without `--` is accepted too, as long as no option follows the command.
  const argv = rest.length > 0 ? rest : positionals;
  if (rest.length > 0 && positionals.length > 0) {
    throw new UsageError(`Unexpected "${shown(positionals[0] ?? '')}" before "--": options go before "--", the command after it.`);
  }
  if (argv.length === 0) throw new UsageError('Nothing to run: give the command after "--", e.g. carbon-meter run -- npm test');
  const cloud = cloudFlag(flags);
  return {
    command: 'run',
    country: text(flags, 'country'),
    region: text(flags, 'region'),
    cloud,
    pue: positiveNumber(flags, 'pue', { min: 1, max: 5 }),
    intervalMs: positiveNumber(flags, 'interval-ms', { min: MIN_INTERVAL_MS, max: MAX_INTERVAL_MS, integer: true }) ?? DEFAULT_INTERVAL_MS,
    project: text(flags, 'project'),
    experiment: text(flags, 'experiment'),
    trackingMode: oneOf(flags, 'tracking-mode', ['process', 'machine'] as const, 'process'),
    outDir: text(flags, 'out'),
    sysfsRoot: text(flags, 'sysfs-root'),
    nvidiaSmiPath: text(flags, 'nvidia-smi'),
    quiet: flags.has('quiet'),
    pushgateway: pushgatewayFlag(flags),
    readableIds: flags.has('readable-ids'),
    argv,
  };
}

const CLOUD_PATTERN = /^[a-z0-9-]+:[A-Za-z0-9_.-]+$/;

function pushgatewayFlag(flags: Flags): string | undefined {
  const url = text(flags, 'pushgateway');
  if (url !== undefined && !PUSHGATEWAY_URL_PATTERN.test(url)) {
    throw new UsageError(`Option --pushgateway must be an http:// or https:// URL (e.g. http://pushgateway:9091), not "${shown(url)}".`);
  }
  return url;
}

function cloudFlag(flags: Flags): string | undefined {
  const cloud = text(flags, 'cloud');
  if (cloud !== undefined && !CLOUD_PATTERN.test(cloud)) {
    throw new UsageError(`Option --cloud must look like provider:region (e.g. aws:eu-west-3), not "${shown(cloud)}".`);
  }
  return cloud;
}

/** `--near 48.85,2.35`: latitude then longitude, in degrees. */
function coordinates(flags: Flags, name: string): { latitude: number; longitude: number } | undefined {
  const raw = text(flags, name);
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((part) => part.trim());
  const [latitude, longitude] = parts.map(Number);
  if (parts.length !== 2 || parts.some((part) => part === '') || latitude === undefined || longitude === undefined
    || !Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
    throw new UsageError(`Option --${name} must be LATITUDE,LONGITUDE in degrees (e.g. 48.85,2.35), not "${shown(raw)}".`);
  }
  return { latitude, longitude };
}

const REGIONS_FLAGS = new Set(['provider', 'country', 'continent', 'max-distance-km', 'near', 'measured-only', 'energy-kwh', 'run', 'from', 'out', 'json', 'full', 'limit']);

function parseRegions(tokens: readonly string[]): RegionsArgs {
  const { flags, lists, positionals, rest } = readFlags(tokens, new Set(['json', 'full', 'measured-only']), REGIONS_FLAGS, new Set(['provider', 'country', 'continent']));
  if (positionals.length > 0 || rest.length > 0) throw new UsageError(`Unexpected argument "${shown(positionals[0] ?? rest[0] ?? '')}" for regions.`);
  if (flags.has('energy-kwh') && flags.has('run')) throw new UsageError('Give either --energy-kwh or --run, not both.');
  return {
    command: 'regions',
    providers: (lists.get('provider') ?? []).map((provider) => provider.toLowerCase()),
    countries: lists.get('country') ?? [],
    continents: lists.get('continent') ?? [],
    maxDistanceKm: positiveNumber(flags, 'max-distance-km', { min: 0, max: 40_100 }),
    near: coordinates(flags, 'near'),
    measuredOnly: flags.has('measured-only'),
    energyKWh: positiveNumber(flags, 'energy-kwh', { min: 0, max: 1e9 }),
    runId: text(flags, 'run'),
    from: text(flags, 'from'),
    outDir: text(flags, 'out'),
    json: flags.has('json'),
    full: flags.has('full'),
    limit: positiveNumber(flags, 'limit', { min: 1, max: 100_000, integer: true }),
  };
}

const INTENSITY_FLAGS = new Set(['country', 'region', 'cloud', 'zone', 'live', 'run', 'out', 'json']);

function parseIntensity(tokens: readonly string[]): IntensityArgs {
  const { flags, positionals, rest } = readFlags(tokens, new Set(['live', 'json']), INTENSITY_FLAGS);
  if (positionals.length > 0 || rest.length > 0) throw new UsageError(`Unexpected argument "${shown(positionals[0] ?? rest[0] ?? '')}" for intensity.`);
  const runId = text(flags, 'run');
  if (runId !== undefined && (flags.has('country') || flags.has('region') || flags.has('cloud'))) {
    throw new UsageError('With --run the location is the run\'s own: leave out --country, --region and --cloud.');
  }
  const zone = text(flags, 'zone');
  if (zone !== undefined && !/^[A-Za-z0-9-]+$/.test(zone)) throw new UsageError(`Option --zone must be a zone id such as FR or US-CAL-CISO, not "${shown(zone)}".`);
  return {
    command: 'intensity',
    country: text(flags, 'country'),
    region: text(flags, 'region'),
    cloud: cloudFlag(flags),
    zone,
    live: flags.has('live'),
    runId,
    outDir: text(flags, 'out'),
    json: flags.has('json'),
  };
}

function parseReport(tokens: readonly string[]): ReportArgs {
  const { flags, positionals, rest } = readFlags(tokens, new Set(), new Set(['format', 'out', 'group-by']));
  if (rest.length > 0) throw new UsageError(`Unexpected "--" for report.`);
  const groupByText = text(flags, 'group-by');
  if (groupByText !== undefined) {
    const groupBy = parseGroupBy(groupByText);
    if (typeof groupBy === 'string') throw new UsageError(printable(groupBy));
    const targets = positionals.length > 0 ? positionals : ['.carbon-meter'];
    return {
      command: 'report',
      target: targets[0] ?? '.carbon-meter',
      targets,
      groupBy,
      format: oneOf(flags, 'format', ['md', 'html', 'json'] as const, 'md'),
      outDir: text(flags, 'out'),
    };
  }
  if (positionals.length > 1) throw new UsageError('report takes one run id, run file or directory; several stores or CSV files need --group-by.');
  const target = positionals[0] ?? '.carbon-meter';
  return {
    command: 'report',
    target,
    targets: [target],
    format: oneOf(flags, 'format', ['md', 'html', 'json', 'csv'] as const, 'md'),
    outDir: text(flags, 'out'),
  };
}

function parseDoctor(tokens: readonly string[]): DoctorArgs {
  const { flags, positionals, rest } = readFlags(tokens, new Set(['json']), new Set(['sysfs-root', 'nvidia-smi', 'json']));
  if (positionals.length > 0 || rest.length > 0) throw new UsageError(`Unexpected argument "${shown(positionals[0] ?? rest[0] ?? '')}" for doctor.`);
  return { command: 'doctor', sysfsRoot: text(flags, 'sysfs-root'), nvidiaSmiPath: text(flags, 'nvidia-smi'), json: flags.has('json') };
}

/** Parses `process.argv.slice(2)`. Throws UsageError with a message fit for the user. */
export function parseCliArgs(tokens: readonly string[]): CliArgs {
  const [subcommand, ...rest] = tokens;
  switch (subcommand) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { command: 'help' };
    case 'version':
    case '--version':
      return { command: 'version' };
    case 'run':
      return parseRun(rest);
    case 'regions':
      return parseRegions(rest);
    case 'intensity':
      return parseIntensity(rest);
    case 'report':
      return parseReport(rest);
    case 'doctor':
      return parseDoctor(rest);
    default:
      throw new UsageError(`Unknown command "${shown(subcommand)}". Commands: run, regions, intensity, report, doctor, lifecycle, help.`);
  }
}

export const USAGE = `Usage:
  carbon-meter run [--country C] [--region R] [--cloud provider:region] [--pue N] [--interval-ms N]
                   [--project NAME] [--experiment NAME] [--tracking-mode process|machine]
                   [--out DIR] [--sysfs-root DIR] [--nvidia-smi PATH] [--pushgateway URL] [--readable-ids] [--quiet]
                   -- <command> [args...]
  carbon-meter regions [--provider P]... [--country C]... [--continent NAME]... [--max-distance-km N] [--near LAT,LON]
                       [--measured-only] [--energy-kwh N | --run ID] [--from PLACE] [--out DIR] [--limit N] [--json [--full]]
  carbon-meter intensity [--country C] [--region R] [--cloud provider:region] [--zone Z] [--live] [--run ID] [--out DIR] [--json]
  carbon-meter report [<DIR or run id or run file>] [--format md|html|json|csv] [--out DIR]
  carbon-meter report --group-by project[,experiment][,task] [<store DIR or emissions.csv>...] [--format md|html|json] [--out DIR]
  carbon-meter doctor [--sysfs-root DIR] [--nvidia-smi PATH] [--json]
  carbon-meter lifecycle --gpu-watts W (--gpus N --hours H | --gpu-hours N) (--intensity G | --country C) [--pue N]
                         [--idle-share S | --idle-kwh E | --idle-watts-per-gpu W] [--embodied-kg-per-gpu KG]
                         [--server-embodied-kg KG] [--gpus-per-server N] [--lifetime-years Y] [--usage-share S] [--json]
  carbon-meter lifecycle --run ID [--out DIR] [--device-kind laptop|desktop|workstation|server] [--device NAME]
                         [--device-embodied-kg KG] [--instance provider:type] [--embodied-kg-per-gpu KG] [--lifetime-years Y] [--json]

Measures the energy of a command (CPU, GPU, RAM) and its CO₂e, like CodeCarbon, from the shell.
Results go to <out>/emissions.csv (CodeCarbon-compatible) and <out>/runs/<run-id>.json; <out> defaults to .carbon-meter.
regions ranks cloud regions by the emissions of a workload (PLACE: provider:region, a country, or COUNTRY/REGION).
lifecycle adds embodied (manufacturing) emissions by the SCI method, for a training job or a stored run.
intensity --live asks Electricity Maps with the key in CARBON_METER_ELECTRICITY_MAPS_KEY, else shows the yearly figure.
`;
