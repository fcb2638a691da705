import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { parseMemInfo } from './memInfo';
import { BYTES_PER_GIB } from '../units';

/** Cloud provider detected from DMI, without any network call (CodeCarbon asks the metadata server instead). */
export type DetectedCloud = 'aws' | 'gcp' | 'azure' | undefined;

export interface CpuFacts {
  readonly cpuModel: string;
  readonly cpuCount: number;
}

export interface HostFacts extends CpuFacts {
  readonly hostname: string;
  readonly os: string;
  readonly ramTotalGiB: number;
  readonly cloudProvider: DetectedCloud;
}

// Synchronous on purpose: procfs and sysfs files are generated in memory, and six promise reads would
// queue on the four-thread pool for longer than they take to read.
function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** First `model name` (x86) or `Model`/`Hardware` (Arm) in /proc/cpuinfo. */
export function parseCpuModel(cpuinfo: string): string | undefined {
  for (const key of ['model name', 'Model', 'Hardware', 'cpu model']) {
    const match = new RegExp(`^${key}\\s*:\\s*(.+)$`, 'm').exec(cpuinfo);
    if (match?.[1]) return match[1].trim();
  }
  return undefined;
}

/** Recognises the three big clouds from `/sys/class/dmi/id` vendor strings. */
export function detectCloudFromDmi(dmi: { sysVendor?: string; productName?: string; biosVendor?: string; chassisAssetTag?: string }): DetectedCloud {
  const vendor = `${dmi.sysVendor ?? ''} ${dmi.biosVendor ?? ''}`;
  if (/Amazon EC2/i.test(vendor) || /^amazon/i.test(dmi.biosVendor ?? '')) return 'aws';
  if (/Google/i.test(vendor) && /Google Compute Engine/i.test(dmi.productName ?? '')) return 'gcp';
  // Azure VMs carry this fixed asset tag; plain Hyper-V guests do not.
  if (dmi.chassisAssetTag === '7783-7084-3265-9085-8269-3286-77') return 'azure';
  return undefined;
}

/** Reads the static facts of this machine once: cheap file reads, no child processes. */
export async function readHostFacts(options: { procRoot: string; sysfsRoot: string }): Promise<HostFacts> {
  const dmiDir = join(options.sysfsRoot, 'class', 'dmi', 'id');
  const [cpuinfo, meminfo, sysVendor, productName, biosVendor, chassisAssetTag] = [
    readOptional(join(options.procRoot, 'cpuinfo')),
    readOptional(join(options.procRoot, 'meminfo')),
    readOptional(join(dmiDir, 'sys_vendor')),
    readOptional(join(dmiDir, 'product_name')),
    readOptional(join(dmiDir, 'bios_vendor')),
    readOptional(join(dmiDir, 'chassis_asset_tag')),
  ];
  let ramTotalGiB = os.totalmem() / BYTES_PER_GIB;
  if (meminfo) {
    try {
      ramTotalGiB = parseMemInfo(meminfo).totalGiB;
    } catch {
      // keep os.totalmem(): a fake or odd meminfo must not stop a run
    }
  }
  return {
    hostname: os.hostname(),
    os: `${os.type()}-${os.release()}-${os.arch()}`,
    cpuModel: (cpuinfo && parseCpuModel(cpuinfo)) ?? os.cpus()[0]?.model ?? 'unknown CPU',
    cpuCount: os.availableParallelism(),
    ramTotalGiB,
    cloudProvider: detectCloudFromDmi({ sysVendor, productName, biosVendor, chassisAssetTag }),
  };
}
