import { join } from 'node:path';
import type { MachineProcReadings, PowerReading, PowerSource } from './powerSource';
import { MICROJOULES_PER_JOULE, wattsFromJoules } from '../units';
import { judgeCounterStep, maxZoneWatts } from './raplCounterStep';
import {
  type RaplZone, type ReadTextFile, discoverRaplZones, powercapDirectory, readTextFromDisk, selectRaplZones,
} from './raplZones';

/**
 * Makes RAPL readable until the next reboot. Since CVE-2020-8694 ("Platypus", fixed in Linux 5.10 and backported
 * to stable kernels) `energy_uj` is root-only. The class directory links every zone, subzones included, so one
 * glob covers them all.
 */
export const RAPL_CHMOD_FIX = 'sudo chmod a+r /sys/class/powercap/intel-rapl:*/energy_uj';

/** The same permission on every boot: a udev rule, applied at once by re-triggering the powercap devices. */
export const RAPL_UDEV_FIX =
  `echo 'SUBSYSTEM=="powercap", KERNEL=="intel-rapl*:*", ACTION=="add", RUN+="/bin/chmod a+r $sys$devpath/energy_uj"' ` +
  '| sudo tee /etc/udev/rules.d/60-carbon-meter-rapl.rules && sudo udevadm trigger --subsystem-match=powercap';

export interface RaplSourceOptions {
  /** Usually `/sys`; zones are read from `<sysfsRoot>/class/powercap`. */
  readonly sysfsRoot: string;
  /** `cpu`: the package zones; `ram`: the dram zones. */
  readonly component: 'cpu' | 'ram';
  /** Monotonic clock in milliseconds; `performance.now` by default. */
  readonly now?: () => number;
  /** File reader, injectable for tests. */
  readonly readTextFile?: ReadTextFile;
}

/**
 * A counter that has not moved for this long while the CPU was busy fails the reading: a live package counter
 * moves every millisecond or so, even at idle. The sampler then holds the last good power, and takes it back
 * from the counter's next step, which covers the whole stall if the counter only paused. Shorter spans (the
 * few milliseconds another run's start closes) may legitimately show no step.
 */
export const STALL_MIN_MS = 500;

/** How long a probe waits before reading a counter that read 0 once more: a package counter moves every ~1 ms. */
export const ZERO_RECHECK_MS = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface ZoneCounter {
  readonly zone: RaplZone;
  /** Counter range: energy_uj wraps to 0 after this value. Undefined when the file is unreadable. */
  readonly maxEnergyRangeMicrojoules: number | undefined;
  /** Most power the zone can draw; a step above it is a reset or a glitch, not energy. */
  readonly maxWatts: number;
  lastMicrojoules: number | undefined;
  /** Since when (monotonic ms) and over how many reads the value has not changed, with the busy ticks then. */
  unmoved: { sinceMs: number; reads: number; busyTicksAtStart: number | undefined } | undefined;
}

interface Setup {
  readonly counters: ZoneCounter[];
  readonly skipped: string[];
  readonly rejection: string | undefined;
  readonly fix: string | undefined;
}

/**
 * Measures CPU package or DRAM energy from Linux powercap RAPL counters (`energy_uj`).
 * `read()` returns the energy since the previous read and its average power. The first read only primes the
 * counters and reports 0 J over an empty interval, because a counter value alone says nothing about an interval.
 * A zone whose counter cannot be read at probe time is skipped and named in `description`.
 */
export function createRaplSource(options: RaplSourceOptions): PowerSource {
  const now = options.now ?? (() => performance.now());
  const readTextFile = options.readTextFile ?? readTextFromDisk;
  const zoneKind = options.component === 'cpu' ? 'package' : 'dram';
  let setup: Setup | undefined;
  let lastReadMs: number | undefined;

  const ensureSetup = async (): Promise<Setup> => {
    setup ??= await setUpCounters(options.sysfsRoot, options.component, readTextFile);
    return setup;
  };

  return {
    id: 'rapl',
    component: options.component,
    estimated: false,
    get description(): string {
      if (!setup || setup.counters.length === 0) return `RAPL ${zoneKind} zones`;
      // Every socket's dram zone is called "dram"; the zone id tells them apart.
      const nameCounts = new Map<string, number>();
      for (const counter of setup.counters) nameCounts.set(counter.zone.name, (nameCounts.get(counter.zone.name) ?? 0) + 1);
      const names = setup.counters
        .map(({ zone }) => ((nameCounts.get(zone.name) ?? 0) > 1 ? `${zone.name} (${zone.zoneId})` : zone.name))
        .join(' + ');
      const skipped = setup.skipped.length > 0 ? `; warning: skipped ${setup.skipped.join(', ')}` : '';
      return `RAPL ${names}${skipped}`;
    },
    get fix(): string | undefined {
      return setup?.fix;
    },
    async probe(): Promise<string | undefined> {
      try {
        return (await ensureSetup()).rejection;
      } catch (error) {
        return `RAPL could not be read: ${messageOf(error)}`;
      }
    },
    async read(machine?: MachineProcReadings): Promise<PowerReading> {
      const { counters, rejection } = await ensureSetup();
      if (rejection) throw new Error(rejection);
      const readMs = now();
      const values: number[] = [];
      for (const counter of counters) values.push(await readCounter(readTextFile, counter.zone));
      const elapsedMs = lastReadMs === undefined ? 0 : readMs - lastReadMs;
      const busyTicks = machine?.cpuTimes?.busyTicks;
      let energyMicrojoules = 0;
      let primed = lastReadMs !== undefined;
      const notices: string[] = [];
      const stuck: string[] = [];
      counters.forEach((counter, index) => {
        const valueMicrojoules = values[index] ?? 0;
        const stall = trackStall(counter, valueMicrojoules, readMs, busyTicks);
        if (stall) stuck.push(stall);
        if (counter.lastMicrojoules === undefined) {
          primed = false;
          return;
        }
        const step = judgeCounterStep(counter.lastMicrojoules, valueMicrojoules, counter.maxEnergyRangeMicrojoules, elapsedMs, counter.maxWatts);
        energyMicrojoules += step.microjoules;
        if (step.notice) notices.push(`RAPL ${counter.zone.name} (${counter.zone.zoneId}): ${step.notice}`);
      });
      // Nothing is committed: when the counters move again, their next step covers the whole stall, and the
      // sampler, which held the last good power meanwhile, takes that credit back from it.
      if (stuck.length > 0) throw new Error(stuck.join('; '));
      counters.forEach((counter, index) => { counter.lastMicrojoules = values[index]; });
      lastReadMs = readMs;
      if (!primed) return { powerWatts: 0, energyJoules: 0 };
      const energyJoules = energyMicrojoules / MICROJOULES_PER_JOULE;
      const reading = { powerWatts: wattsFromJoules(energyJoules, elapsedMs), energyJoules };
      return notices.length > 0 ? { ...reading, notices } : reading;
    },
    dispose(): void {
      // Nothing long-lived: every read opens and closes its files.
    },
  };
}

/**
 * Follows how long a counter has shown the same value; returns why its energy is unknown once it has not moved
 * for {@link STALL_MIN_MS} while the CPU was busy (or its load is unknown).
 */
function trackStall(counter: ZoneCounter, valueMicrojoules: number, readMs: number, busyTicks: number | undefined): string | undefined {
  if (counter.lastMicrojoules === undefined || valueMicrojoules !== counter.lastMicrojoules) {
    counter.unmoved = { sinceMs: readMs, reads: 0, busyTicksAtStart: busyTicks };
    return undefined;
  }
  const unmoved = counter.unmoved ?? (counter.unmoved = { sinceMs: readMs, reads: 0, busyTicksAtStart: busyTicks });
  unmoved.reads++;
  unmoved.busyTicksAtStart ??= busyTicks;
  const spanMs = readMs - unmoved.sinceMs;
  const busy = busyTicks === undefined || unmoved.busyTicksAtStart === undefined || busyTicks > unmoved.busyTicksAtStart;
  if (spanMs < STALL_MIN_MS || !busy) return undefined;
  const zero = valueMicrojoules === 0 ? ' and reads 0' : '';
  return `RAPL ${counter.zone.name} (${counter.zone.zoneId}) energy_uj has not moved for ${(spanMs / 1000).toFixed(1)} s ` +
    `(${unmoved.reads} read${unmoved.reads > 1 ? 's' : ''}) while the CPU was busy${zero}: its energy is unknown until it moves`;
}

async function setUpCounters(sysfsRoot: string, component: 'cpu' | 'ram', readTextFile: ReadTextFile): Promise<Setup> {
  const directory = powercapDirectory(sysfsRoot);
  let zones: RaplZone[];
  try {
    zones = await discoverRaplZones(sysfsRoot, readTextFile);
  } catch (error) {
    const rejection = errnoOf(error) === 'ENOENT'
      ? `no powercap directory at ${directory}: RAPL needs Linux on bare metal with the intel_rapl_msr module ` +
        '(Intel, or AMD Zen on Linux 5.8+); virtual machines rarely expose it'
      : `cannot list ${directory}: ${messageOf(error)}`;
    return { counters: [], skipped: [], rejection, fix: undefined };
  }
  const selected = selectRaplZones(zones, component);
  if (selected.length === 0) {
    const rejection = zones.length === 0
      ? `no RAPL zones in ${directory} (the intel_rapl_msr module is not loaded, or this is a virtual machine)`
      : component === 'cpu'
        ? `no RAPL package zone in ${directory} (found: ${zones.map((zone) => zone.name).join(', ')})`
        : `no RAPL dram zone in ${directory}: this CPU does not report DRAM energy (found: ${zones.map((zone) => zone.name).join(', ')})`;
    return { counters: [], skipped: [], rejection, fix: undefined };
  }
  const counters: ZoneCounter[] = [];
  const skipped: string[] = [];
  let permissionDenied = false;
  const readable: { zone: RaplZone; microjoules: number }[] = [];
  for (const zone of selected) {
    try {
      readable.push({ zone, microjoules: await readCounter(readTextFile, zone) });
    } catch (error) {
      const code = errnoOf(error);
      permissionDenied ||= code === 'EACCES' || code === 'EPERM';
      skipped.push(`${zone.name} (${zone.zoneId}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : messageOf(error)})`);
    }
  }
  // A live counter reads 0 only at the instant it wraps; some hypervisors and firmware expose zones whose counter
  // is always 0. Such a zone is looked at once more, so that the CPU model can take over rather than 0 W.
  if (readable.some((candidate) => candidate.microjoules === 0)) await sleep(ZERO_RECHECK_MS);
  for (const { zone, microjoules } of readable) {
    if (microjoules === 0 && await readCounter(readTextFile, zone).catch(() => 0) === 0) {
      skipped.push(`${zone.name} (${zone.zoneId}: energy_uj reads 0 and did not move in ${ZERO_RECHECK_MS} ms; this firmware or hypervisor does not fill it)`);
      continue;
    }
    counters.push({
      zone,
      maxEnergyRangeMicrojoules: await readRange(readTextFile, zone),
      maxWatts: maxZoneWatts(await readConstraintMaxPowers(readTextFile, zone)),
      lastMicrojoules: undefined,
      unmoved: undefined,
    });
  }
  if (counters.length > 0) return { counters, skipped, rejection: undefined, fix: undefined };
  if (permissionDenied) {
    return {
      counters, skipped,
      rejection: `RAPL energy counters are readable only by root (CVE-2020-8694, Linux 5.10+): ${skipped.join(', ')}`,
      fix: `${RAPL_CHMOD_FIX}   (until reboot; to keep it: ${RAPL_UDEV_FIX})`,
    };
  }
  return { counters, skipped, rejection: `no readable RAPL ${component === 'cpu' ? 'package' : 'dram'} counter: ${skipped.join(', ')}`, fix: undefined };
}

async function readCounter(readTextFile: ReadTextFile, zone: RaplZone): Promise<number> {
  const text = await readTextFile(join(zone.path, 'energy_uj'));
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${zone.zoneId}/energy_uj is not a counter: "${text.trim().slice(0, 40)}"`);
  }
  return value;
}

async function readRange(readTextFile: ReadTextFile, zone: RaplZone): Promise<number | undefined> {
  try {
    const value = Number((await readTextFile(join(zone.path, 'max_energy_range_uj'))).trim());
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `constraint_N_max_power_uw` of the zone's constraints (long term, short term, peak), those that exist. */
async function readConstraintMaxPowers(readTextFile: ReadTextFile, zone: RaplZone): Promise<number[]> {
  const values: number[] = [];
  for (let index = 0; index < 4; index++) {
    try {
      values.push(Number((await readTextFile(join(zone.path, `constraint_${index}_max_power_uw`))).trim()));
    } catch {
      // Most zones have one to three constraints, and many kernels leave max_power_uw out.
    }
  }
  return values;
}

function errnoOf(error: unknown): string | undefined {
  const candidate = error as { code?: unknown } | undefined;
  return typeof candidate?.code === 'string' ? candidate.code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
