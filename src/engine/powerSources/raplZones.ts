import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reads a text file; injectable so tests can simulate EACCES, which root (who runs CI) never gets from chmod. */
export type ReadTextFile = (path: string) => Promise<string>;

/**
 * The default reader: UTF-8 from disk, synchronously on purpose: sysfs files are generated in memory, and a
 * promise read costs a thread-pool round trip (~0.25 ms of CPU) for a counter that reads in a few µs.
 */
export const readTextFromDisk: ReadTextFile = async (path) => readFileSync(path, 'utf8');

/** One powercap RAPL zone (a "domain" in Intel's terms). */
export interface RaplZone {
  /** Directory name: `intel-rapl:0` (top level) or `intel-rapl:0:0` (subzone). */
  readonly zoneId: string;
  readonly path: string;
  /** Kernel domain name from the zone's `name` file: `package-0`, `dram`, `core`, `uncore`, `psys`. */
  readonly name: string;
  /** Control type before the colon: `intel-rapl` (MSR interface) or `intel-rapl-mmio`. */
  readonly controlType: string;
  /** Subzones measure part of their parent package (core, uncore, sometimes dram). */
  readonly isSubzone: boolean;
}

// `<type>:<package>` or `<type>:<package>:<subzone>`; the type must name RAPL (`intel-rapl`, `intel-rapl-mmio`).
const ZONE_DIR_PATTERN = /^([a-z-]*rapl[a-z-]*):\d+(:\d+)?$/;

/** Where the kernel lists powercap zones under a sysfs root. */
export function powercapDirectory(sysfsRoot: string): string {
  return join(sysfsRoot, 'class', 'powercap');
}

/**
 * Lists the RAPL zones under `<sysfsRoot>/class/powercap`. The kernel links every zone there flat
 * (`intel-rapl:0`, `intel-rapl:0:0`) and also nests subzones inside their package; both layouts are read and
 * deduplicated by zone id. AMD Zen CPUs expose the same `intel-rapl` zones since Linux 5.8 (family 17h) and
 * 5.11 (family 19h), so no AMD-specific path is needed.
 * Throws the `readdir` error (ENOENT when there is no powercap directory).
 */
export async function discoverRaplZones(sysfsRoot: string, readTextFile: ReadTextFile): Promise<RaplZone[]> {
  const classDirectory = powercapDirectory(sysfsRoot);
  const zonePaths = new Map<string, string>();
  for (const entry of readdirSync(classDirectory).sort()) {
    if (!ZONE_DIR_PATTERN.test(entry)) continue;
    const path = join(classDirectory, entry);
    if (!zonePaths.has(entry)) zonePaths.set(entry, path);
    for (const nested of await listDirectoryOrEmpty(path)) {
      if (ZONE_DIR_PATTERN.test(nested) && !zonePaths.has(nested)) zonePaths.set(nested, join(path, nested));
    }
  }
  const zones: RaplZone[] = [];
  for (const [zoneId, path] of [...zonePaths].sort(([a], [b]) => a.localeCompare(b))) {
    const match = ZONE_DIR_PATTERN.exec(zoneId);
    if (!match) continue;
    // `name` stays world-readable after the CVE-2020-8694 fix; fall back to the id if it is missing.
    const name = (await readTextFile(join(path, 'name')).catch(() => zoneId)).trim() || zoneId;
    zones.push({ zoneId, path, name, controlType: match[1] ?? '', isSubzone: match[2] !== undefined });
  }
  return zones;
}

async function listDirectoryOrEmpty(path: string): Promise<string[]> {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
}

/**
 * The zones that measure one component, without double counting.
 * CPU: top-level `package-N` zones (also `package-N-die-M` on multi-die parts); their core/uncore subzones are
 * already inside the package figure, and `psys` covers the whole platform, so neither is added.
 * RAM: every `dram` zone, top level or under a package.
 * The MMIO interface (`intel-rapl-mmio`) repeats package-0 of the MSR interface on recent Intel laptops, so it
 * is used only when no MSR zone exists.
 */
export function selectRaplZones(zones: readonly RaplZone[], component: 'cpu' | 'ram'): RaplZone[] {
  const msrZones = zones.filter((zone) => !zone.controlType.endsWith('-mmio'));
  const pool = msrZones.length > 0 ? msrZones : zones;
  return component === 'cpu'
    ? pool.filter((zone) => !zone.isSubzone && /^package-\d+/.test(zone.name))
    : pool.filter((zone) => zone.name === 'dram');
}
