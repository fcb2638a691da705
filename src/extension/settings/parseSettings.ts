/**
 * Turns the raw `carbonMeter.*` values into settings the engine can use. Each value goes through its
 * own parse… function, which returns a valid value, or the default plus one warning that names the
 * setting, the rejected value and the default used (vscode-eslint's `from()`). Pure: the thin reader
 * that calls `vscode.workspace.getConfiguration` lives beside it.
 */
import type { TrackingMode } from '../../engine/reports/runRecord';
import { PUSHGATEWAY_URL_PATTERN } from '../../engine/export/pushgatewayClient';

export interface CarbonMeterSettings {
  /** ISO3, ISO2 or country name; undefined lets the engine decide from the environment or time zone. */
  readonly country: string | undefined;
  /** Sub-national region code, e.g. "CA". */
  readonly region: string | undefined;
  /** "provider:region", e.g. "gcp:europe-west1". */
  readonly cloud: string | undefined;
  /** Undefined leaves the PUE to the cloud region's figure, or 1.0. */
  readonly pue: number | undefined;
  readonly samplingIntervalMs: number;
  readonly autoTrackTasks: boolean;
  /** Directory for run records; undefined means the extension's global storage. */
  readonly storageLocation: string | undefined;
  readonly nvidiaSmiPath: string;
  readonly trackingMode: TrackingMode;
  /** Ask Electricity Maps for here's intensity now; only with a key in SecretStorage. */
  readonly liveIntensity: boolean;
  /** Prometheus Pushgateway that receives each finished run's metrics; undefined pushes nothing. */
  readonly pushgatewayUrl: string | undefined;
  /** Store and push the user's and host's names as they are instead of pseudonyms. */
  readonly readableIds: boolean;
}

/** The raw values, keyed by the name after `carbonMeter.` (e.g. `pue`). */
export type RawSettings = Readonly<Record<string, unknown>>;

export interface ParsedSettings {
  readonly settings: CarbonMeterSettings;
  readonly warnings: readonly string[];
}

// The same limits as the CLI's --interval-ms (src/cli/args.ts), which the extension may not import.
export const DEFAULT_SAMPLING_INTERVAL_MS = 1_000;
export const MIN_SAMPLING_INTERVAL_MS = 100;
export const MAX_SAMPLING_INTERVAL_MS = 3_600_000;
export const MIN_PUE = 1;
export const MAX_PUE = 5;
export const DEFAULT_NVIDIA_SMI_PATH = 'nvidia-smi';
// The same pattern the CLI accepts for --cloud.
const CLOUD_PATTERN = /^[a-z0-9-]+:[A-Za-z0-9_.-]+$/;
// Longer than any real path or code; keeps a pasted blob out of warnings and the engine.
const MAX_TEXT_LENGTH = 4_096;

export const DEFAULT_SETTINGS: CarbonMeterSettings = {
  country: undefined,
  region: undefined,
  cloud: undefined,
  pue: undefined,
  samplingIntervalMs: DEFAULT_SAMPLING_INTERVAL_MS,
  autoTrackTasks: false,
  storageLocation: undefined,
  nvidiaSmiPath: DEFAULT_NVIDIA_SMI_PATH,
  trackingMode: 'process',
  liveIntensity: false,
  pushgatewayUrl: undefined,
  readableIds: false,
};

/** Parses every `carbonMeter.*` value; a bad value costs one warning, never an exception. */
export function parseSettings(raw: RawSettings): ParsedSettings {
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
  };
  const settings: CarbonMeterSettings = {
    country: parseCountry(raw.country, warn),
    region: parseRegion(raw.region, warn),
    cloud: parseCloud(raw.cloud, warn),
    pue: parsePue(raw.pue, warn),
    samplingIntervalMs: parseSamplingIntervalMs(raw.samplingIntervalMs, warn),
    autoTrackTasks: parseAutoTrackTasks(raw.autoTrackTasks, warn),
    storageLocation: parseStorageLocation(raw.storageLocation, warn),
    nvidiaSmiPath: parseNvidiaSmiPath(raw.nvidiaSmiPath, warn),
    trackingMode: parseTrackingMode(raw.trackingMode, warn),
    liveIntensity: parseLiveIntensity(raw.liveIntensity, warn),
    pushgatewayUrl: parsePushgatewayUrl(raw.pushgatewayUrl, warn),
    readableIds: parseReadableIds(raw.readableIds, warn),
  };
  return { settings, warnings };
}

type Warn = (message: string) => void;

export function parseCountry(value: unknown, warn: Warn): string | undefined {
  return parseOptionalText('country', value, 'a country code or name', warn, 'the detected location');
}

export function parseRegion(value: unknown, warn: Warn): string | undefined {
  return parseOptionalText('region', value, 'a region code such as "CA"', warn, 'no region');
}

export function parseCloud(value: unknown, warn: Warn): string | undefined {
  return parseMatchingText('cloud', value, CLOUD_PATTERN, 'provider:region (e.g. "aws:eu-west-3")', warn, 'no cloud region');
}

export function parsePue(value: unknown, warn: Warn): number | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= MIN_PUE && value <= MAX_PUE) return value;
  warn(rejected('pue', `a number from ${MIN_PUE} to ${MAX_PUE}`, "the cloud region's PUE or 1.0", value));
  return undefined;
}

export function parseSamplingIntervalMs(value: unknown, warn: Warn): number {
  if (isUnset(value)) return DEFAULT_SAMPLING_INTERVAL_MS;
  if (typeof value === 'number' && Number.isInteger(value) && value >= MIN_SAMPLING_INTERVAL_MS && value <= MAX_SAMPLING_INTERVAL_MS) {
    return value;
  }
  warn(rejected('samplingIntervalMs', `a whole number of milliseconds from ${MIN_SAMPLING_INTERVAL_MS} to ${MAX_SAMPLING_INTERVAL_MS}`,
    String(DEFAULT_SAMPLING_INTERVAL_MS), value));
  return DEFAULT_SAMPLING_INTERVAL_MS;
}

export function parseAutoTrackTasks(value: unknown, warn: Warn): boolean {
  return parseSwitch('autoTrackTasks', value, warn, 'false');
}

export function parseStorageLocation(value: unknown, warn: Warn): string | undefined {
  return parseOptionalText('storageLocation', value, 'a folder path, or empty for the default', warn, 'the default folder');
}

export function parseNvidiaSmiPath(value: unknown, warn: Warn): string {
  return parseOptionalText('nvidiaSmiPath', value, 'a command name or path', warn, `"${DEFAULT_NVIDIA_SMI_PATH}"`)
    ?? DEFAULT_NVIDIA_SMI_PATH;
}

export function parseTrackingMode(value: unknown, warn: Warn): TrackingMode {
  if (isUnset(value)) return 'process';
  if (value === 'process' || value === 'machine') return value;
  warn(rejected('trackingMode', '"process" or "machine"', '"process"', value));
  return 'process';
}

export function parseLiveIntensity(value: unknown, warn: Warn): boolean {
  return parseSwitch('liveIntensity', value, warn, 'false (no network)');
}


export function parsePushgatewayUrl(value: unknown, warn: Warn): string | undefined {
  return parseMatchingText('pushgatewayUrl', value, PUSHGATEWAY_URL_PATTERN, 'an http:// or https:// URL', warn, 'no Pushgateway');
}

export function parseReadableIds(value: unknown, warn: Warn): boolean {
  return parseSwitch('readableIds', value, warn, 'false (pseudonyms)');
}

/** VS Code reports an unset value as undefined, or null where the contributed default is null. */
function isUnset(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** A trimmed string, undefined when unset or blank; anything else warns once. */
function parseOptionalText(name: string, value: unknown, expected: string, warn: Warn, fallback: string): string | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value === 'string' && value.length <= MAX_TEXT_LENGTH) {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  warn(rejected(name, expected, fallback, value));
  return undefined;
}

/** A switch that is off unless set to true; anything but a boolean warns once and leaves it off. */
function parseSwitch(name: string, value: unknown, warn: Warn, fallback: string): boolean {
  if (isUnset(value)) return false;
  if (typeof value === 'boolean') return value;
  warn(rejected(name, 'true or false', fallback, value));
  return false;
}

/** parseOptionalText, then the text must match `pattern`; one warning either way. */
function parseMatchingText(name: string, value: unknown, pattern: RegExp, expected: string, warn: Warn, fallback: string): string | undefined {
  const text = parseOptionalText(name, value, expected, warn, fallback);
  if (text === undefined || pattern.test(text)) return text;
  warn(rejected(name, expected, fallback, value));
  return undefined;
}

function rejected(name: string, expected: string, fallback: string, value: unknown): string {
  return `carbonMeter.${name} must be ${expected}; using ${fallback} instead of ${describe(value)}.`;
}

/**
 * The rejected value as the user would recognise it, cut short so a pasted blob stays readable. Never
 * throws: a value JSON cannot write (a cycle, a BigInt, a throwing toJSON or proxy) is named by its type.
 */
function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' || typeof value === 'boolean'
      ? String(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = `a value of type ${typeof value}`;
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
