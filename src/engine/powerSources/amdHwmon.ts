import { readdir, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { GpuDeviceReading, PowerReading, PowerSource } from './powerSource';

export interface AmdHwmonSourceOptions {
  /** The sysfs mount, `/sys` on a real machine; a fake tree in tests. */
  readonly sysfsRoot: string;
}

const MICROWATTS_PER_WATT = 1_000_000;
const BYTES_PER_MIB = 1_048_576;
/**
 * `power1_average` is the driver's averaged socket power; kernels from about 6.x give RDNA3 and newer only
 * `power1_input` (instantaneous). Both are microwatts (Linux `Documentation/gpu/amdgpu/thermal.rst`).
 */
const POWER_FILES = ['power1_average', 'power1_input'] as const;

/** One amdgpu card found under `class/drm`. */
interface AmdCard {
  readonly cardName: string;
  readonly index: number;
  /** The resolved PCI device directory: the device id, and how duplicates are spotted. */
  readonly devicePath: string;
  readonly hwmonPath: string;
  readonly powerFile: (typeof POWER_FILES)[number] | undefined;
}

/**
 * GPU power of AMD cards through the amdgpu hwmon interface:
 * `<sysfsRoot>/class/drm/card<N>/device/hwmon/hwmon<M>/` whose `name` is `amdgpu`.
 */
export function createAmdHwmonSource(options: AmdHwmonSourceOptions): PowerSource {
  let cards: readonly AmdCard[] | undefined;
  const drmDir = join(options.sysfsRoot, 'class', 'drm');

  const source: PowerSource = {
    id: 'amd-hwmon',
    component: 'gpu',
    estimated: false,
    get description(): string {
      const names = (cards ?? []).map((card) => `${card.cardName} ${card.powerFile ?? 'no power sensor'}`);
      return names.length > 0 ? `amdgpu hwmon (${names.join(', ')})` : 'amdgpu hwmon';
    },

    async probe(): Promise<string | undefined> {
      try {
        cards = await findAmdCards(drmDir);
        if (cards.length === 0) return `no amdgpu hwmon under ${drmDir}/card*/device/hwmon`;
        if (cards.every((card) => card.powerFile === undefined)) {
          return `amdgpu hwmon has neither ${POWER_FILES.join(' nor ')} for ${cards.map((card) => card.cardName).join(', ')}`;
        }
        await source.read();
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },

    async read(): Promise<PowerReading> {
      cards ??= await findAmdCards(drmDir);
      if (cards.length === 0) throw new Error(`no amdgpu hwmon under ${drmDir}/card*/device/hwmon`);
      const devices = await Promise.all(cards.map(readCard));
      const measured = devices.filter((device) => device.powerUnknownReason === undefined);
      if (measured.length === 0) {
        throw new Error(devices.map((device) => device.powerUnknownReason).join('; '));
      }
      const utilizations = devices.flatMap((device) => (device.utilizationPercent === undefined ? [] : [device.utilizationPercent]));
      return {
        powerWatts: measured.reduce((sum, device) => sum + device.powerWatts, 0),
        utilizationPercent: utilizations.length > 0
          ? utilizations.reduce((sum, value) => sum + value, 0) / utilizations.length
          : undefined,
        devices,
      };
    },

    dispose(): void {
      // Nothing held open: every reading opens and closes its files.
    },
  };
  return source;
}

/**
 * Lists amdgpu cards once each. Only `card<N>` entries count: connectors (`card0-DP-1`) and render nodes
 * (`renderD128`) point at the same device, and resolving `device` catches any other alias.
 */
async function findAmdCards(drmDir: string): Promise<AmdCard[]> {
  let entries: string[];
  try {
    entries = await readdir(drmDir);
  } catch {
    return [];
  }
  const cards: AmdCard[] = [];
  const seen = new Set<string>();
  const cardNames = entries.filter((entry) => /^card\d+$/.test(entry)).sort((a, b) => cardNumber(a) - cardNumber(b));
  for (const cardName of cardNames) {
    const devicePath = await realpath(join(drmDir, cardName, 'device')).catch(() => undefined);
    if (devicePath === undefined || seen.has(devicePath)) continue;
    const hwmonPath = await findAmdgpuHwmon(join(drmDir, cardName, 'device', 'hwmon'));
    if (hwmonPath === undefined) continue;
    seen.add(devicePath);
    const present = await readdir(hwmonPath);
    const powerFile = POWER_FILES.find((file) => present.includes(file));
    cards.push({ cardName, index: cardNumber(cardName), devicePath, hwmonPath, powerFile });
  }
  return cards;
}

async function findAmdgpuHwmon(hwmonRoot: string): Promise<string | undefined> {
  const entries = await readdir(hwmonRoot).catch(() => [] as string[]);
  for (const entry of entries.filter((name) => /^hwmon\d+$/.test(name))) {
    const name = await readFile(join(hwmonRoot, entry, 'name'), 'utf8').catch(() => '');
    if (name.trim() === 'amdgpu') return join(hwmonRoot, entry);
  }
  return undefined;
}

async function readCard(card: AmdCard): Promise<GpuDeviceReading> {
  const deviceDir = card.devicePath;
  const [productName, busyPercent, vramUsedBytes, vramTotalBytes] = await Promise.all([
    readFile(join(deviceDir, 'product_name'), 'utf8').then((text) => text.trim(), () => ''),
    readOptionalNumber(join(deviceDir, 'gpu_busy_percent')),
    readOptionalNumber(join(deviceDir, 'mem_info_vram_used')),
    readOptionalNumber(join(deviceDir, 'mem_info_vram_total')),
  ]);
  const base = {
    deviceId: card.devicePath,
    index: card.index,
    name: productName || `AMD GPU ${card.cardName}`,
    utilizationPercent: busyPercent,
    memoryUsedMiB: vramUsedBytes === undefined ? undefined : vramUsedBytes / BYTES_PER_MIB,
    memoryTotalMiB: vramTotalBytes === undefined ? undefined : vramTotalBytes / BYTES_PER_MIB,
  };
  if (card.powerFile === undefined) {
    return {
      ...base,
      powerWatts: 0,
      powerUnknownReason: `amdgpu ${card.cardName} has neither ${POWER_FILES.join(' nor ')} in ${card.hwmonPath}`,
    };
  }
  const powerPath = join(card.hwmonPath, card.powerFile);
  let text: string;
  try {
    text = await readFile(powerPath, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${powerPath}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { ...base, powerWatts: parseSysfsNumber(text, powerPath) / MICROWATTS_PER_WATT };
}

/** A metric the card may lack: a missing or unreadable file gives undefined, garbage still throws. */
async function readOptionalNumber(path: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  return parseSysfsNumber(text, path);
}

function parseSysfsNumber(text: string, path: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) throw new Error(`${path} holds "${trimmed.slice(0, 40)}", not a whole number`);
  return Number(trimmed);
}

function cardNumber(cardName: string): number {
  return Number(cardName.slice('card'.length));
}
