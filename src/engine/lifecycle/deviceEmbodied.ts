import type { MachineFacts } from '../reports/runRecord';
import type { CloudHostFootprint, DeviceCategory, EmbodiedData } from './embodiedData';
import type { SourcedFigure } from './sciEmbodied';

/** The user's own figures, each overriding the shipped data (CLI flags, an API option object). */
export interface EmbodiedChoices {
  /** Kind of computer, when the CPU does not tell (a desktop with a desktop CPU). */
  readonly deviceKind?: DeviceCategory;
  /** A device in the shipped manufacturer footprints, by (part of) its name, e.g. "PowerEdge R740". */
  readonly deviceName?: string;
  /** The device's own embodied emissions, kg CO₂e, without its GPUs. */
  readonly deviceEmbodiedKg?: number;
  readonly deviceLifetimeYears?: number;
  /** A cloud instance type, `provider:type` (aws:p4d.24xlarge): the host's embodied emissions, GPUs included. */
  readonly cloudInstance?: string;
  readonly gpuEmbodiedKg?: number;
  readonly gpuLifetimeYears?: number;
}

/** The device's figures before the run's time and share are applied. */
export interface DeviceEmbodied {
  readonly host: {
    readonly label: string;
    readonly totalEmbodiedKg: SourcedFigure;
    readonly lifetimeYears: SourcedFigure;
    /** The instance's share of its cloud host (vCPUs / host vCPUs); 1 for a whole machine. */
    readonly instanceShare: SourcedFigure;
  };
  /** The GPUs, when they are not already in the host's figure. */
  readonly gpus: { readonly count: number; readonly totalEmbodiedKg: SourcedFigure; readonly lifetimeYears: SourcedFigure } | undefined;
}

const SERVER_CPU = /\b(xeon|epyc|graviton|neoverse|ampere|opteron)\b/i;
/** Intel Core i3–i9 and AMD Ryzen model numbers, with the suffix that tells a desktop part from a mobile one. */
const INTEL_CORE = /\bi[3579]-\d{4,5}([A-Z]{0,2}\d?)\b/;
const RYZEN = /\bRyzen (?:\d|Threadripper) (?:PRO )?\d{4}([A-Z0-9]{0,3})\b/i;
const INTEL_DESKTOP_SUFFIX = /^(|K|F|KF|KS|T|S)$/;
const RYZEN_DESKTOP_SUFFIX = /^(|X|X3D|XT|G|GE|WX)$/i;
const USER = 'your figure';

/** A name the user typed, as a message shows it: control characters escaped, at most 60 characters. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text).slice(1, -1);
}

/**
 * Server when on a cloud or when the CPU is a server part; desktop when an Intel Core or Ryzen model number
 * has a desktop suffix (i7-8700K, Ryzen 9 5950X); otherwise a laptop, the usual editor's machine.
 */
export function inferDeviceCategory(machine: Pick<MachineFacts, 'cpuModel' | 'onCloud'>): { category: DeviceCategory; basis: string } {
  if (machine.onCloud) return { category: 'server', basis: 'on a cloud' };
  if (SERVER_CPU.test(machine.cpuModel)) return { category: 'server', basis: `server CPU "${machine.cpuModel}"` };
  const intel = INTEL_CORE.exec(machine.cpuModel);
  const ryzen = RYZEN.exec(machine.cpuModel);
  if ((intel && INTEL_DESKTOP_SUFFIX.test(intel[1] ?? '')) || (ryzen && RYZEN_DESKTOP_SUFFIX.test(ryzen[1] ?? ''))) {
    return { category: 'desktop', basis: `desktop CPU "${machine.cpuModel}"` };
  }
  if (intel || ryzen) return { category: 'laptop', basis: `mobile CPU "${machine.cpuModel}"` };
  return { category: 'laptop', basis: `assumed: "${machine.cpuModel}" is not a known server or desktop CPU` };
}

/** A cloud host by `provider:type` (case-insensitive); throws naming close types. */
export function findCloudHost(data: EmbodiedData, instance: string): CloudHostFootprint {
  const [provider = '', type = ''] = instance.toLowerCase().split(':');
  const found = data.cloudHosts.find((h) => h.provider === provider && h.type.toLowerCase() === type);
  if (found) return found;
  const close = data.cloudHosts.filter((h) => h.provider === provider && h.type.toLowerCase().startsWith(type.split('.')[0] ?? type)).slice(0, 5);
  throw new Error(`No embodied figure for cloud instance "${quoted(instance)}" (provider:type, e.g. aws:p4d.24xlarge)${close.length ? `; close: ${close.map((h) => `${h.provider}:${h.type}`).join(', ')}` : ''}.`);
}

/** One manufacturer footprint by (part of) its name; throws when none or several match. */
export function findDevice(data: EmbodiedData, name: string): EmbodiedData['devices'][number] {
  const needle = name.trim().toLowerCase();
  const matches = data.devices.filter((d) => `${d.manufacturer} ${d.name}`.toLowerCase().includes(needle));
  const exact = matches.filter((d) => d.name.toLowerCase() === needle || `${d.manufacturer} ${d.name}`.toLowerCase() === needle);
  const chosen = exact.length === 1 ? exact : matches;
  if (chosen.length === 1 && chosen[0]) return chosen[0];
  if (chosen.length === 0) throw new Error(`No device named like "${quoted(name)}" in the manufacturer footprints.`);
  throw new Error(`"${quoted(name)}" matches ${chosen.length} devices: ${chosen.slice(0, 5).map((d) => `${d.manufacturer} ${d.name}`).join('; ')}${chosen.length > 5 ? '; …' : ''}. Give more of the name.`);
}

function figure(user: number | undefined, fallback: number, source: string): SourcedFigure {
  return user !== undefined ? { value: user, source: USER } : { value: fallback, source };
}

/**
 * The embodied figures of the machine a run used: the user's own, else a cloud host (CCF), a named device
 * (Boavizta), or the median of its kind (Boavizta); GPUs at CCF's per-GPU figure.
 */
export function matchDeviceEmbodied(machine: Pick<MachineFacts, 'cpuModel' | 'onCloud' | 'gpuCount' | 'gpuModel'>, data: EmbodiedData, choices: EmbodiedChoices = {}): DeviceEmbodied {
  const gpus = (): DeviceEmbodied['gpus'] => {
    if (machine.gpuCount <= 0) return undefined;
    const perGpu = figure(choices.gpuEmbodiedKg, data.gpu.perGpuKg, `${data.gpu.source}, per GPU`);
    return {
      count: machine.gpuCount,
      totalEmbodiedKg: { value: perGpu.value * machine.gpuCount, source: `${machine.gpuCount} × ${perGpu.value} kg (${perGpu.source})` },
      lifetimeYears: figure(choices.gpuLifetimeYears, data.gpu.lifetimeYears, data.gpu.source),
    };
  };
  if (choices.cloudInstance !== undefined && choices.deviceEmbodiedKg === undefined) {
    const host = findCloudHost(data, choices.cloudInstance);
    const source = `${data.sourceNames.cloudHosts}, ${host.provider}:${host.type}`;
    return {
      host: {
        label: `${host.provider}:${host.type} host${host.hostGpus > 0 ? `, its ${host.hostGpus} GPUs included` : ''}`,
        totalEmbodiedKg: { value: host.hostEmbodiedKg, source },
        lifetimeYears: figure(choices.deviceLifetimeYears, data.server.lifetimeYears, data.server.source),
        instanceShare: { value: host.vcpus / host.hostVcpus, source: `${host.vcpus} of the host's ${host.hostVcpus} vCPUs` },
      },
      // CCF's host total already counts its GPUs.
      gpus: undefined,
    };
  }
  const whole = { value: 1, source: 'the whole machine' };
  if (choices.deviceName !== undefined && choices.deviceEmbodiedKg === undefined) {
    const device = findDevice(data, choices.deviceName);
    const source = `${data.sourceNames.devices}, ${device.manufacturer} ${device.name} (${device.reportDate})`;
    return {
      host: { label: `${device.manufacturer} ${device.name}`, totalEmbodiedKg: { value: device.embodiedKg, source }, lifetimeYears: figure(choices.deviceLifetimeYears, device.lifetimeYears, source), instanceShare: whole },
      gpus: gpus(),
    };
  }
  const inferred = choices.deviceKind ? { category: choices.deviceKind, basis: 'your choice' } : inferDeviceCategory(machine);
  const median = data.categories.find((c) => c.category === inferred.category);
  if (!median) throw new Error(`No ${inferred.category} figures in the embodied data.`);
  const source = `${data.sourceNames.devices}, median of ${median.deviceCount} ${inferred.category}s`;
  return {
    host: {
      label: choices.deviceEmbodiedKg !== undefined ? 'your device' : `a typical ${inferred.category} (${inferred.basis})`,
      totalEmbodiedKg: figure(choices.deviceEmbodiedKg, median.medianEmbodiedKg, source),
      lifetimeYears: figure(choices.deviceLifetimeYears, median.medianLifetimeYears, source),
      instanceShare: whole,
    },
    gpus: gpus(),
  };
}
