import { type CpuPowerData, matchCpuTdp } from './cpuPowerTable';
import { inferMicroarchitecture } from './cpuMicroarchitecture';

/** The shape of `data/cloudCpuCoefficients.json`: Cloud Carbon Footprint per-vCPU coefficients. */
export interface CloudCpuCoefficientsData {
  readonly provenance?: unknown;
  readonly memoryWattsPerGiB?: number;
  readonly providers: readonly {
    readonly provider: string;
    readonly averageMinWattsPerVcpu: number;
    readonly averageMaxWattsPerVcpu: number;
    readonly microarchitectures: readonly { readonly name: string; readonly minWattsPerVcpu: number; readonly maxWattsPerVcpu: number }[];
  }[];
}

/** A linear CPU power model: `idleWatts + utilisation × (fullLoadWatts − idleWatts)`. */
export interface CpuPowerCurve {
  readonly idleWatts: number;
  readonly fullLoadWatts: number;
  /** The basis, for `description`. */
  readonly basis: string;
}

/**
 * Share of TDP drawn at idle. CodeCarbon 3.x keeps at least 10 % of TDP at any load
 * (`CPU._calculate_power_from_cpu_load`: `max(tdp * load, tdp * 0.1)`, codecarbon/external/hardware.py).
 * Between 10 % and 100 % we interpolate linearly rather than use CodeCarbon's cubic machine-mode factor
 * (`0.1 + 0.9 * load**3`), so the TDP and cloud bases share the linear shape of the CCF model.
 */
export const TDP_IDLE_FRACTION = 0.1;

/** CodeCarbon 3.x `DEFAULT_POWER_PER_CORE` (codecarbon/core/cpu.py): TDP per thread for a CPU missing from the table. */
export const DEFAULT_TDP_WATTS_PER_THREAD = 4;

/** CodeCarbon `POWER_CONSTANT` (codecarbon/external/hardware.py): TDP when neither model nor thread count is known. */
export const DEFAULT_TDP_WATTS = 85;

const PROVIDER_ALIASES: Record<string, string> = { amazon: 'aws', ec2: 'aws', google: 'gcp', gce: 'gcp', microsoft: 'azure' };

export interface CpuPowerCurveInputs {
  /** Brand string from /proc/cpuinfo, e.g. "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"; '' when unknown. */
  readonly cpuModelName: string;
  /** Logical CPUs (vCPUs on a VM). */
  readonly vcpuCount: number;
  /** `aws`, `gcp`, `azure` when running on a cloud VM. */
  readonly cloudProvider?: string;
  readonly cpuPower: CpuPowerData;
  readonly cloudCpuCoefficients: CloudCpuCoefficientsData;
}

/**
 * Chooses the power curve, best basis first:
 * 1. on a cloud VM: the provider's CCF per-vCPU min/max watts (the microarchitecture's when the brand string
 *    names one the provider lists, else the provider average) × vCPUs, because a VM's share of a host is its vCPUs;
 * 2. the CPU's TDP from the CodeCarbon table: idle 10 % of TDP, full load 100 %;
 * 3. CodeCarbon's generic TDP for an unknown CPU: 4 W × threads, or 85 W without a thread count.
 * TDP is per package: a multi-socket machine whose sockets all run this CPU draws more than this estimate.
 */
export function resolveCpuPowerCurve(inputs: CpuPowerCurveInputs): CpuPowerCurve {
  const vcpus = Math.max(0, Math.floor(inputs.vcpuCount));
  if (inputs.cloudProvider && vcpus > 0) {
    const cloud = cloudCurve(inputs, vcpus);
    if (cloud) return cloud;
  }
  const match = inputs.cpuModelName ? matchCpuTdp(inputs.cpuModelName, inputs.cpuPower) : undefined;
  if (match) {
    return tdpCurve(match.tdpWatts, `TDP ${formatWatts(match.tdpWatts)} W of ${match.name} (CodeCarbon CPU table)`);
  }
  const unknown = inputs.cpuModelName ? `CPU "${inputs.cpuModelName}" is not in the CodeCarbon table` : 'CPU model unknown';
  if (vcpus > 0) {
    const tdpWatts = DEFAULT_TDP_WATTS_PER_THREAD * vcpus;
    return tdpCurve(tdpWatts, `${unknown}; generic TDP ${DEFAULT_TDP_WATTS_PER_THREAD} W × ${vcpus} threads = ${formatWatts(tdpWatts)} W (CodeCarbon default)`);
  }
  return tdpCurve(DEFAULT_TDP_WATTS, `${unknown}; generic TDP ${DEFAULT_TDP_WATTS} W (CodeCarbon default)`);
}

/** Power of a curve at a utilisation in 0–1. */
export function powerWattsAt(curve: CpuPowerCurve, utilization: number): number {
  const clamped = Math.min(1, Math.max(0, utilization));
  return curve.idleWatts + clamped * (curve.fullLoadWatts - curve.idleWatts);
}

function tdpCurve(tdpWatts: number, basis: string): CpuPowerCurve {
  return {
    idleWatts: tdpWatts * TDP_IDLE_FRACTION,
    fullLoadWatts: tdpWatts,
    basis: `${basis} × (${TDP_IDLE_FRACTION * 100} % + ${(1 - TDP_IDLE_FRACTION) * 100} % × CPU utilisation)`,
  };
}

function cloudCurve(inputs: CpuPowerCurveInputs, vcpus: number): CpuPowerCurve | undefined {
  const wanted = (inputs.cloudProvider ?? '').toLowerCase();
  const key = PROVIDER_ALIASES[wanted] ?? wanted;
  const provider = inputs.cloudCpuCoefficients.providers.find((entry) => entry.provider.toLowerCase() === key);
  if (!provider) return undefined;
  const microarchitecture = inferMicroarchitecture(inputs.cpuModelName);
  const row = microarchitecture
    ? provider.microarchitectures.find((entry) => entry.name.toLowerCase() === microarchitecture.toLowerCase())
    : undefined;
  const minWatts = row?.minWattsPerVcpu ?? provider.averageMinWattsPerVcpu;
  const maxWatts = row?.maxWattsPerVcpu ?? provider.averageMaxWattsPerVcpu;
  const which = row ? `${provider.provider} ${row.name}` : `${provider.provider} average`;
  return {
    idleWatts: vcpus * minWatts,
    fullLoadWatts: vcpus * maxWatts,
    basis: `${which} coefficients (Cloud Carbon Footprint): ${vcpus} vCPU × (${formatWatts(minWatts)} W + CPU utilisation × ` +
      `(${formatWatts(maxWatts)} − ${formatWatts(minWatts)}) W)`,
  };
}

function formatWatts(watts: number): string {
  return Number(watts.toPrecision(3)).toString();
}
