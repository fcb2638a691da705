import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCloseMatches } from '../intensity/closeMatches';
import { PUSHGATEWAY_URL_PATTERN } from '../export/pushgatewayClient';

/** The file the CLI reads in its working directory and the extension in the workspace folder. */
export const WORKSPACE_CONFIG_FILE_NAME = '.carbon-meter.json';

/** A `.carbon-meter.json` after checking: every field that was wrong is left out, with a warning. */
export interface WorkspaceConfig {
  readonly project?: string;
  readonly experiment?: string;
  readonly country?: string;
  readonly region?: string;
  readonly cloud?: string;
  readonly pue?: number;
  /**
   * Where runs' metrics are pushed. Whether names or pseudonyms are sent is the user's own choice (a flag,
   * the environment, a user setting), never the workspace's: a shared file must not reveal who ran what.
   */
  readonly pushgateway?: string;
}

export interface WorkspaceConfigReading {
  readonly path: string;
  /** False when there is no file: not an error, everything has a default. */
  readonly found: boolean;
  readonly config: WorkspaceConfig;
  readonly warnings: readonly string[];
}

/** Kept in step with schemas/carbon-meter.schema.json by a test. */
export const WORKSPACE_CONFIG_KEYS = ['$schema', 'project', 'experiment', 'country', 'region', 'cloud', 'pue', 'pushgateway'] as const;
const MAX_NAME_LENGTH = 200;
const MAX_PUE = 5;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Checks a parsed `.carbon-meter.json`. Never throws: a wrong field is dropped with a warning that
 * names the file, the field, the value and what was expected, and the rest of the file still applies.
 */
export function parseWorkspaceConfig(value: unknown, path: string): { config: WorkspaceConfig; warnings: string[] } {
  const warnings: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { config: {}, warnings: [`Ignoring ${path}: expected a JSON object.`] };
  }
  const record = value as Record<string, unknown>;
  const config: Mutable<WorkspaceConfig> = {};
  const ignore = (key: string, expected: string): void => {
    warnings.push(`Ignoring "${key}" in ${path}: ${JSON.stringify(record[key])?.slice(0, 80) ?? String(record[key])} is not ${expected}.`);
  };
  const text = (key: string, maxLength = Number.POSITIVE_INFINITY): string | undefined => {
    const raw = record[key];
    if (raw === undefined) return undefined;
    if (typeof raw === 'string' && raw.trim() !== '' && raw.length <= maxLength) return raw.trim();
    ignore(key, maxLength === Number.POSITIVE_INFINITY ? 'a non-empty string' : `a non-empty string of at most ${maxLength} characters`);
    return undefined;
  };

  for (const key of Object.keys(record)) {
    if ((WORKSPACE_CONFIG_KEYS as readonly string[]).includes(key)) continue;
    const close = findCloseMatches(key, WORKSPACE_CONFIG_KEYS.filter((known) => known !== '$schema').map((known) => ({ keys: [known], label: known })), 1);
    warnings.push(`Ignoring unknown field "${key}" in ${path}${close.length > 0 ? `; did you mean ${close.join(', ')}?` : '.'}`);
  }

  config.project = text('project', MAX_NAME_LENGTH);
  config.experiment = text('experiment', MAX_NAME_LENGTH);
  config.country = text('country');
  config.region = text('region');
  const cloud = text('cloud');
  if (cloud !== undefined && !/^[^:\s]+:[^:\s]+$/.test(cloud)) ignore('cloud', 'of the form "provider:region"');
  else config.cloud = cloud;
  if (record.pue !== undefined) {
    const pue = record.pue;
    // PUE is facility energy over IT energy: never below 1; above 5 is a typo, not a data centre.
    if (typeof pue === 'number' && Number.isFinite(pue) && pue >= 1 && pue <= MAX_PUE) config.pue = pue;
    else ignore('pue', `a number from 1 to ${MAX_PUE}`);
  }
  const pushgateway = text('pushgateway');
  if (pushgateway !== undefined && !PUSHGATEWAY_URL_PATTERN.test(pushgateway)) ignore('pushgateway', 'an http:// or https:// URL');
  else config.pushgateway = pushgateway;

  const defined = Object.fromEntries(Object.entries(config).filter(([, field]) => field !== undefined)) as WorkspaceConfig;
  return { config: defined, warnings };
}

/** Reads `<directory>/.carbon-meter.json`; a missing file is normal, a broken one gives warnings. */
export function readWorkspaceConfig(directory: string): WorkspaceConfigReading {
  const path = join(directory, WORKSPACE_CONFIG_FILE_NAME);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path, found: false, config: {}, warnings: [] };
    return { path, found: false, config: {}, warnings: [`Ignoring ${path}: ${(error as Error).message}`] };
  }
  let parsed: unknown;
  try {
    // A BOM is what some Windows editors write first; JSON.parse would reject it.
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { path, found: true, config: {}, warnings: [`Ignoring ${path}: it is not valid JSON (${(error as Error).message}).`] };
  }
  return { path, found: true, ...parseWorkspaceConfig(parsed, path) };
}
