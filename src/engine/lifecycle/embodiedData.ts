import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Kinds of computer with a median in the shipped data (Boavizta subcategories). */
export type DeviceCategory = 'laptop' | 'desktop' | 'workstation' | 'server';

export const DEVICE_CATEGORIES: readonly DeviceCategory[] = ['laptop', 'desktop', 'workstation', 'server'];

/** One manufacturer footprint: everything but the use phase, per device. */
export interface DeviceFootprint {
  readonly category: DeviceCategory;
  readonly manufacturer: string;
  readonly name: string;
  readonly embodiedKg: number;
  readonly lifetimeYears: number;
  readonly reportDate: string;
}

export interface CategoryFootprint {
  readonly category: DeviceCategory;
  readonly deviceCount: number;
  readonly medianEmbodiedKg: number;
  readonly medianLifetimeYears: number;
}

/** A cloud instance type and the physical host it runs on (CCF). */
export interface CloudHostFootprint {
  readonly provider: string;
  readonly type: string;
  readonly hostEmbodiedKg: number;
  readonly vcpus: number;
  readonly hostVcpus: number;
  readonly gpus: number;
  readonly hostGpus: number;
}

/** The shape of `data/embodied.json`. */
export interface EmbodiedData {
  readonly categories: readonly CategoryFootprint[];
  readonly devices: readonly DeviceFootprint[];
  readonly cloudHosts: readonly CloudHostFootprint[];
  readonly gpu: { readonly perGpuKg: number; readonly lifetimeYears: number; readonly source: string };
  readonly server: { readonly baseServerKg: number; readonly lifetimeYears: number; readonly source: string };
  /** Source names and licences, for the "source" of each figure. */
  readonly sourceNames: { readonly devices: string; readonly cloudHosts: string };
}

function fail(file: string, problem: string): never {
  throw new Error(`${file}: ${problem}; rebuild it with node scripts/buildData.mjs`);
}

function positive(value: unknown, file: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(file, `${where} must be a positive number`);
  return value;
}

function rows<T>(value: unknown, file: string, key: string, check: (row: Record<string, unknown>, where: string) => T): T[] {
  if (!Array.isArray(value)) fail(file, `${key} must be a list`);
  return value.map((row: unknown, index) => {
    if (row === null || typeof row !== 'object') fail(file, `${key}[${index}] must be an object`);
    return check(row as Record<string, unknown>, `${key}[${index}]`);
  });
}

function text(value: unknown, file: string, where: string): string {
  if (typeof value !== 'string') fail(file, `${where} must be text`);
  return value;
}

function category(value: unknown, file: string, where: string): DeviceCategory {
  if (!DEVICE_CATEGORIES.includes(value as DeviceCategory)) fail(file, `${where} must be one of ${DEVICE_CATEGORIES.join(', ')}`);
  return value as DeviceCategory;
}

/** Validates the parsed `embodied.json`; `file` names it in errors. */
export function parseEmbodiedData(raw: unknown, file: string): EmbodiedData {
  if (raw === null || typeof raw !== 'object') fail(file, 'not a JSON object');
  const json = raw as Record<string, unknown>;
  const sources = ((json.provenance as { sources?: { name?: unknown; licence?: unknown }[] } | undefined)?.sources ?? []);
  const sourceName = (pattern: RegExp): string => {
    const found = sources.find((s) => typeof s.name === 'string' && pattern.test(s.name));
    if (!found) fail(file, `provenance names no source matching ${pattern}`);
    return `${String(found.name).replace(/,.*$/, '')} (${String(found.licence)})`;
  };
  const gpu = (json.gpu ?? {}) as Record<string, unknown>;
  const server = (json.server ?? {}) as Record<string, unknown>;
  return {
    categories: rows(json.categories, file, 'categories', (r, w) => ({
      category: category(r.category, file, `${w}.category`), deviceCount: positive(r.deviceCount, file, `${w}.deviceCount`),
      medianEmbodiedKg: positive(r.medianEmbodiedKg, file, `${w}.medianEmbodiedKg`), medianLifetimeYears: positive(r.medianLifetimeYears, file, `${w}.medianLifetimeYears`),
    })),
    devices: rows(json.devices, file, 'devices', (r, w) => ({
      category: category(r.category, file, `${w}.category`), manufacturer: text(r.manufacturer, file, `${w}.manufacturer`), name: text(r.name, file, `${w}.name`),
      embodiedKg: positive(r.embodiedKg, file, `${w}.embodiedKg`), lifetimeYears: positive(r.lifetimeYears, file, `${w}.lifetimeYears`), reportDate: text(r.reportDate, file, `${w}.reportDate`),
    })),
    cloudHosts: rows(json.cloudHosts, file, 'cloudHosts', (r, w) => ({
      provider: text(r.provider, file, `${w}.provider`), type: text(r.type, file, `${w}.type`), hostEmbodiedKg: positive(r.hostEmbodiedKg, file, `${w}.hostEmbodiedKg`),
      vcpus: positive(r.vcpus, file, `${w}.vcpus`), hostVcpus: positive(r.hostVcpus, file, `${w}.hostVcpus`),
      gpus: typeof r.gpus === 'number' ? r.gpus : fail(file, `${w}.gpus must be a number`), hostGpus: typeof r.hostGpus === 'number' ? r.hostGpus : fail(file, `${w}.hostGpus must be a number`),
    })),
    gpu: { perGpuKg: positive(gpu.perGpuKg, file, 'gpu.perGpuKg'), lifetimeYears: positive(gpu.lifetimeYears, file, 'gpu.lifetimeYears'), source: text(gpu.source, file, 'gpu.source') },
    server: { baseServerKg: positive(server.baseServerKg, file, 'server.baseServerKg'), lifetimeYears: positive(server.lifetimeYears, file, 'server.lifetimeYears'), source: text(server.source, file, 'server.source') },
    sourceNames: { devices: sourceName(/^Boavizta/), cloudHosts: sourceName(/^Cloud Carbon Footprint coefficients/) },
  };
}

const cache = new Map<string, EmbodiedData>();

/** Reads and validates `data/embodied.json` once per directory. */
export function loadEmbodiedData(dataDir: string): EmbodiedData {
  const cached = cache.get(dataDir);
  if (cached) return cached;
  const file = join(dataDir, 'embodied.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  const data = parseEmbodiedData(raw, file);
  cache.set(dataDir, data);
  return data;
}
