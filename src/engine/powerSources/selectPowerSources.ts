import type { ComponentDiagnostics, ComponentKind, PowerDiagnostics, PowerSource, PowerSourceId, SourceAttempt } from './powerSource';
import type { CpuPowerData } from './cpuPowerTable';
import type { CloudCpuCoefficientsData } from './cpuPowerCurve';
import type { ReadTextFile } from './raplZones';
import { createRaplSource } from './rapl';
import { createTdpModelSource } from './tdpModel';
import { createRamModelSource } from './ramModel';

export { formatDiagnostics } from './formatDiagnostics';

export interface SelectPowerSourcesOptions {
  readonly sysfsRoot: string;
  readonly procRoot: string;
  /** Only named in diagnostics; the nvidia factory already knows it. */
  readonly nvidiaSmiPath: string;
  /** Brand string from /proc/cpuinfo; '' when unknown. */
  readonly cpuModelName: string;
  readonly vcpuCount: number;
  readonly cloudProvider?: string;
  readonly data: { readonly cpuPower: CpuPowerData; readonly cloudCpuCoefficients: CloudCpuCoefficientsData };
  /** GPU sources, built by the composition root (`createNvidiaSmiSource`, `createAmdHwmonSource`). */
  readonly gpuFactories?: { readonly nvidia?: () => PowerSource; readonly amd?: () => PowerSource };
  /** File reader for RAPL, injectable for tests. */
  readonly readTextFile?: ReadTextFile;
  /** Monotonic clock in milliseconds for RAPL. */
  readonly now?: () => number;
}

/** The sources chosen for each component. */
export interface SelectedPowerSources {
  readonly cpu?: PowerSource;
  readonly gpu: PowerSource[];
  readonly ram?: PowerSource;
}

interface Candidate {
  readonly id: PowerSourceId;
  /** Builds the source; throwing counts as a rejection. */
  readonly create: () => PowerSource;
}

/**
 * Probes the candidate sources of each component in order of preference and keeps the first that works
 * (all that work for GPUs, one per vendor). CPU: RAPL packages, then the utilisation model. RAM: RAPL dram, then
 * the per-GiB model. Every probe is recorded with its reason and fix, for `carbon-meter doctor`. Rejected sources
 * are disposed. Never throws.
 */
export async function selectPowerSources(
  options: SelectPowerSourcesOptions,
): Promise<{ sources: SelectedPowerSources; diagnostics: PowerDiagnostics }> {
  const rapl = (component: 'cpu' | 'ram'): Candidate => ({
    id: 'rapl',
    create: () => createRaplSource({ sysfsRoot: options.sysfsRoot, component, now: options.now, readTextFile: options.readTextFile }),
  });
  const cloudMemoryWattsPerGiB = options.cloudProvider ? options.data.cloudCpuCoefficients.memoryWattsPerGiB : undefined;

  const cpuCandidates: Candidate[] = [
    rapl('cpu'),
    {
      id: 'tdp-model',
      create: () => createTdpModelSource({
        procRoot: options.procRoot, cpuModelName: options.cpuModelName, vcpuCount: options.vcpuCount,
        cloudProvider: options.cloudProvider, cpuPower: options.data.cpuPower,
        // Read only by the cloud curve: a getter, so that the table is not loaded off the cloud.
        get cloudCpuCoefficients() { return options.data.cloudCpuCoefficients; },
      }),
    },
  ];
  const ramCandidates: Candidate[] = [
    rapl('ram'),
    {
      id: 'ram-model',
      create: () => createRamModelSource({
        procRoot: options.procRoot,
        ...(cloudMemoryWattsPerGiB === undefined ? {} : { wattsPerGiB: cloudMemoryWattsPerGiB, wattsPerGiBSource: 'Cloud Carbon Footprint memory coefficient' }),
      }),
    },
  ];
  // The components are probed side by side: their probes wait on different files and executables.
  const [cpu, ram, gpu] = await Promise.all([
    pickFirst('cpu', cpuCandidates),
    pickFirst('ram', ramCandidates),
    pickAll([
      { id: 'nvidia-smi', factory: options.gpuFactories?.nvidia, missing: `not checked: no nvidia-smi source was wired (path ${options.nvidiaSmiPath})` },
      { id: 'amd-hwmon', factory: options.gpuFactories?.amd, missing: 'not checked: no AMD hwmon source was wired' },
    ]),
  ]);

  return {
    sources: { cpu: cpu.source, gpu: gpu.sources, ram: ram.source },
    diagnostics: { components: [cpu.diagnostics, gpu.diagnostics, ram.diagnostics] },
  };
}

async function pickFirst(component: ComponentKind, candidates: readonly Candidate[]): Promise<{ source?: PowerSource; diagnostics: ComponentDiagnostics }> {
  const attempts: SourceAttempt[] = [];
  for (const candidate of candidates) {
    const { source, attempt } = await tryCandidate(candidate.id, candidate.create);
    attempts.push(attempt);
    if (source) {
      return { source, diagnostics: { component, inUse: source.id, estimated: source.estimated, description: source.description, attempts } };
    }
  }
  return { diagnostics: { component, inUse: undefined, estimated: false, description: `no ${component.toUpperCase()} source works here`, attempts } };
}

async function pickAll(
  candidates: readonly { id: PowerSourceId; factory: (() => PowerSource) | undefined; missing: string }[],
): Promise<{ sources: PowerSource[]; diagnostics: ComponentDiagnostics }> {
  const attempts: SourceAttempt[] = [];
  const sources: PowerSource[] = [];
  for (const candidate of candidates) {
    if (!candidate.factory) {
      attempts.push({ id: candidate.id, accepted: false, detail: candidate.missing });
      continue;
    }
    const { source, attempt } = await tryCandidate(candidate.id, candidate.factory);
    attempts.push(attempt);
    if (source) sources.push(source);
  }
  const first = sources[0];
  const diagnostics: ComponentDiagnostics = first
    ? { component: 'gpu', inUse: first.id, estimated: sources.some((source) => source.estimated), description: sources.map((source) => source.description).join('; '), attempts }
    : { component: 'gpu', inUse: undefined, estimated: false, description: 'no GPU found', attempts };
  return { sources, diagnostics };
}

async function tryCandidate(id: PowerSourceId, create: () => PowerSource): Promise<{ source?: PowerSource; attempt: SourceAttempt }> {
  let source: PowerSource;
  try {
    source = create();
  } catch (error) {
    return { attempt: { id, accepted: false, detail: `could not be created: ${messageOf(error)}` } };
  }
  let reason: string | undefined;
  try {
    reason = await source.probe();
  } catch (error) {
    // probe() must not throw; a source that does is rejected like any other.
    reason = `probe failed: ${messageOf(error)}`;
  }
  if (reason === undefined) return { source, attempt: { id, accepted: true, detail: source.estimated ? `estimated: ${source.description}` : source.description } };
  const fix = source.fix || undefined;
  source.dispose();
  return { attempt: fix === undefined ? { id, accepted: false, detail: reason } : { id, accepted: false, detail: reason, fix } };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
