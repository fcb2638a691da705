import { resolve } from 'node:path';
import { findCountry, loadIntensityData } from '../../engine/intensity/intensityTable';
import { EmbodiedChoices } from '../../engine/lifecycle/deviceEmbodied';
import { DEVICE_CATEGORIES, DeviceCategory, EmbodiedData, loadEmbodiedData } from '../../engine/lifecycle/embodiedData';
import { formatRunEmbodiedText } from '../../engine/lifecycle/formatEmbodied';
import { computeRunEmbodied } from '../../engine/lifecycle/runEmbodied';
import type { SourcedFigure } from '../../engine/lifecycle/sciEmbodied';
import { computeTrainingFootprint, IdleInput, TrainingJobFootprint, TrainingJobInputs } from '../../engine/lifecycle/trainingFootprint';
import { formatEmissions, formatEnergy, formatPue, formatSignificant } from '../../engine/reports/formatQuantities';
import type { RunRecord } from '../../engine/reports/runRecord';
import { createRunStore } from '../../engine/runStore';
import { Flags, positiveNumber, readFlags, shown, text, UsageError } from '../args';
import type { CliIo } from '../cliIo';
import { formatTable } from '../formatTable';

const TRAINING_FLAGS = ['gpus', 'hours', 'gpu-hours', 'gpu-watts', 'pue', 'intensity', 'country', 'idle-share', 'idle-kwh', 'idle-watts-per-gpu', 'server-embodied-kg', 'gpus-per-server', 'usage-share'];
const RUN_FLAGS = ['run', 'out', 'device-kind', 'device', 'device-embodied-kg', 'instance'];
const SHARED_FLAGS = ['embodied-kg-per-gpu', 'lifetime-years', 'json'];
const ALL_FLAGS = new Set([...TRAINING_FLAGS, ...RUN_FLAGS, ...SHARED_FLAGS]);

/** Rack servers commonly hold 8 GPUs (HGX/DGX boards, AWS p4d); an assumption, printed as one, that --gpus-per-server replaces. */
const ASSUMED_GPUS_PER_SERVER = 8;
const USER = 'your figure';
const KG_PER_TONNE = 1_000;

export interface LifecycleContext {
  readonly io: CliIo;
  readonly dataDir: string;
}

type LifecycleArgs =
  | { readonly mode: 'training'; readonly flags: Flags; readonly json: boolean }
  | { readonly mode: 'run'; readonly runId: string; readonly outDir: string | undefined; readonly choices: EmbodiedChoices; readonly json: boolean };

function userFigure(flags: Flags, name: string, range: { min: number; max: number; integer?: boolean }): SourcedFigure | undefined {
  const value = positiveNumber(flags, name, range);
  return value === undefined ? undefined : { value, source: USER };
}

/** Parses `lifecycle`'s flags: a training job's inputs, or `--run ID` and the user's device figures. */
export function parseLifecycleArgs(tokens: readonly string[]): LifecycleArgs {
  const { flags, positionals, rest } = readFlags(tokens, new Set(['json']), ALL_FLAGS);
  if (positionals.length > 0 || rest.length > 0) throw new UsageError(`Unexpected argument "${shown(positionals[0] ?? rest[0] ?? '')}" for lifecycle.`);
  const json = flags.has('json');
  const runId = text(flags, 'run');
  if (runId === undefined) {
    const misplaced = RUN_FLAGS.find((name) => flags.has(name));
    if (misplaced) throw new UsageError(`Option --${misplaced} goes with --run ID (a stored run), not with a training job's inputs.`);
    return { mode: 'training', flags, json };
  }
  const misplaced = TRAINING_FLAGS.find((name) => flags.has(name));
  if (misplaced) throw new UsageError(`Option --${misplaced} describes a training job; with --run the run's own energy and location are used.`);
  const kind = text(flags, 'device-kind');
  if (kind !== undefined && !DEVICE_CATEGORIES.includes(kind as DeviceCategory)) {
    throw new UsageError(`Option --device-kind must be one of ${DEVICE_CATEGORIES.join(', ')}, not "${shown(kind)}".`);
  }
  const instance = text(flags, 'instance');
  if (instance !== undefined && !/^[a-z]+:[A-Za-z0-9_. -]+$/.test(instance)) throw new UsageError(`Option --instance must look like provider:type (e.g. aws:p4d.24xlarge), not "${shown(instance)}".`);
  const lifetimeYears = positiveNumber(flags, 'lifetime-years', { min: 0.1, max: 50 });
  return {
    mode: 'run', runId, outDir: text(flags, 'out'), json,
    choices: {
      deviceKind: kind as DeviceCategory | undefined, deviceName: text(flags, 'device'), cloudInstance: instance,
      deviceEmbodiedKg: positiveNumber(flags, 'device-embodied-kg', { min: 0, max: 1e7 }),
      deviceLifetimeYears: lifetimeYears, gpuLifetimeYears: lifetimeYears,
      gpuEmbodiedKg: positiveNumber(flags, 'embodied-kg-per-gpu', { min: 0, max: 1e5 }),
    },
  };
}

function exclusive(flags: Flags, names: readonly string[]): void {
  const given = names.filter((name) => flags.has(name));
  if (given.length > 1) throw new UsageError(`Give one of ${given.map((n) => `--${n}`).join(', ')}, not several.`);
}

/** The training job's inputs: the user's figures, else the shipped data's, each with its source. */
export function trainingInputs(flags: Flags, embodied: EmbodiedData, intensityFromCountry: (country: string) => SourcedFigure): TrainingJobInputs {
  exclusive(flags, ['gpu-hours', 'hours']);
  exclusive(flags, ['intensity', 'country']);
  exclusive(flags, ['idle-share', 'idle-kwh', 'idle-watts-per-gpu']);
  const gpus = positiveNumber(flags, 'gpus', { min: 1, max: 10_000_000, integer: true });
  const hours = positiveNumber(flags, 'hours', { min: 0, max: 1e7 });
  const gpuHoursFlag = positiveNumber(flags, 'gpu-hours', { min: 0, max: 1e12 });
  let gpuHours: SourcedFigure;
  if (gpuHoursFlag !== undefined) gpuHours = { value: gpuHoursFlag, source: USER };
  else if (gpus !== undefined && hours !== undefined) gpuHours = { value: gpus * hours, source: `${gpus} GPUs × ${hours} h (your figures)` };
  else throw new UsageError('Give the job\'s size: --gpus N --hours H, or --gpu-hours N.');
  const gpuPowerWatts = userFigure(flags, 'gpu-watts', { min: 0, max: 100_000 });
  if (!gpuPowerWatts) throw new UsageError('Give --gpu-watts W: the mean power of one GPU while training (its TDP when nothing better is known, e.g. 400 for an A100 SXM).');
  const country = text(flags, 'country');
  const intensity = userFigure(flags, 'intensity', { min: 0, max: 5_000 }) ?? (country !== undefined ? intensityFromCountry(country) : undefined);
  if (!intensity) throw new UsageError('Give the grid intensity: --intensity G (gCO2e/kWh) or --country C.');
  const idle = ((): IdleInput | undefined => {
    const share = userFigure(flags, 'idle-share', { min: 0, max: 100 });
    if (share) return { kind: 'share', share };
    const energyKWh = userFigure(flags, 'idle-kwh', { min: 0, max: 1e12 });
    if (energyKWh) return { kind: 'energy', energyKWh };
    const wattsPerGpu = userFigure(flags, 'idle-watts-per-gpu', { min: 0, max: 100_000 });
    return wattsPerGpu ? { kind: 'power', wattsPerGpu } : undefined;
  })();
  const gpusPerServer = userFigure(flags, 'gpus-per-server', { min: 1, max: 1_000, integer: true })
    ?? { value: ASSUMED_GPUS_PER_SERVER, source: `assumed, as in 8-GPU HGX/DGX servers; --gpus-per-server N to change` };
  return {
    gpuHours, gpuPowerWatts, intensityGramsPerKWh: intensity, idle,
    pue: userFigure(flags, 'pue', { min: 1, max: 5 }) ?? { value: 1, source: 'none given: 1.0, no data-centre overhead' },
    embodied: {
      gpuKg: userFigure(flags, 'embodied-kg-per-gpu', { min: 0, max: 1e5 }) ?? { value: embodied.gpu.perGpuKg, source: `${embodied.gpu.source}, per GPU` },
      serverKg: userFigure(flags, 'server-embodied-kg', { min: 0, max: 1e6 }) ?? { value: embodied.server.baseServerKg, source: `${embodied.server.source}, base rack server without GPUs` },
      gpusPerServer,
      lifetimeYears: userFigure(flags, 'lifetime-years', { min: 0.1, max: 50 }) ?? { value: embodied.server.lifetimeYears, source: embodied.server.source },
      usageShare: userFigure(flags, 'usage-share', { min: 0.001, max: 1 }) ?? { value: 1, source: 'none given: in use all its life' },
    },
  };
}

/** Tonnes with two decimals from a tonne up, as papers write them; otherwise kg, g or mg. */
function mass(kg: number): string {
  return Math.abs(kg) >= KG_PER_TONNE ? `${(kg / KG_PER_TONNE).toFixed(2)} t CO₂e` : formatEmissions(kg);
}

function energy(kWh: number): string {
  return Math.abs(kWh) >= 1_000 ? `${Math.round(kWh).toLocaleString('en-US')} kWh` : formatEnergy(kWh);
}

function formatTraining(footprint: TrainingJobFootprint): string {
  const { inputs } = footprint;
  const e = inputs.embodied;
  const share = footprint.totalKg > 0 ? ` (embodied ${formatSignificant((footprint.embodiedKg / footprint.totalKg) * 100)} %)` : '';
  const rows = [
    ['Dynamic', energy(footprint.dynamic.energyKWh), mass(footprint.dynamic.emissionsKg), `GPU-hours × ${inputs.gpuPowerWatts.value} W`],
    ['Idle', energy(footprint.idle.energyKWh), mass(footprint.idle.emissionsKg), footprint.idle.basis],
    ['Facility (PUE)', energy(footprint.facility.energyKWh), mass(footprint.facility.emissionsKg), `(dynamic + idle) × (${formatPue(inputs.pue.value)} − 1)`],
    ['Operational', energy(footprint.operational.energyKWh), mass(footprint.operational.emissionsKg), `at ${formatSignificant(inputs.intensityGramsPerKWh.value)} gCO2e/kWh`],
    ['Embodied, GPUs', '', mass(footprint.embodiedGpus.embodiedKg), `${formatSignificant(e.gpuKg.value)} kg per GPU`],
    ['Embodied, servers', '', mass(footprint.embodiedServers.embodiedKg), `${formatSignificant(e.serverKg.value)} kg per server, 1/${e.gpusPerServer.value} per GPU`],
    ['Embodied', '', mass(footprint.embodiedKg), `over ${e.lifetimeYears.value} years × ${e.usageShare.value} in use`],
    ['Total', '', mass(footprint.totalKg), share.trim()],
  ];
  const sources: [string, SourcedFigure][] = [
    ['GPU-hours', inputs.gpuHours], ['GPU power', inputs.gpuPowerWatts], ['PUE', inputs.pue], ['Grid intensity', inputs.intensityGramsPerKWh],
    ['Embodied per GPU', e.gpuKg], ['Embodied per server', e.serverKg], ['GPUs per server', e.gpusPerServer], ['Lifetime', e.lifetimeYears], ['Usage share', e.usageShare],
  ];
  return [
    `Training job: ${Math.round(inputs.gpuHours.value).toLocaleString('en-US')} GPU-hours at ${inputs.gpuPowerWatts.value} W, PUE ${formatPue(inputs.pue.value)}, ${formatSignificant(inputs.intensityGramsPerKWh.value)} gCO2e/kWh`,
    '',
    formatTable(['Part', 'Energy', 'CO₂e', 'How'], rows, [false, true, true, false]),
    '',
    'Sources:',
    ...sources.map(([name, figure]) => `  ${name}: ${formatSignificant(figure.value, 6)} (${figure.source})`),
    'Embodied by SCI, M = TE × TR/EL × RR per GPU-hour: TE per GPU (and per server), TR the GPU-hours, EL lifetime × usage share, RR 1 GPU (1/N of a server).',
    '',
  ].join('\n');
}

async function readStoredRun(runId: string, directory: string): Promise<RunRecord> {
  const store = createRunStore({ directory });
  try {
    return await store.readRun(runId);
  } catch (error) {
    throw new UsageError((error as Error).message);
  } finally {
    store.dispose();
  }
}

/** `carbon-meter lifecycle`: a training job's footprint with embodied emissions, or a stored run's embodied share. */
export async function runLifecycleCommand(tokens: readonly string[], context: LifecycleContext): Promise<string> {
  const args = parseLifecycleArgs(tokens);
  const embodied = loadEmbodiedData(context.dataDir);
  // RangeErrors are figures out of range that the flags' own limits let through (e.g. a share above 1): the user's to fix.
  const asUsage = <T>(compute: () => T): T => {
    try {
      return compute();
    } catch (error) {
      throw error instanceof RangeError || /^No (device|embodied figure)|matches \d+ devices/.test((error as Error).message) ? new UsageError((error as Error).message) : error;
    }
  };
  if (args.mode === 'run') {
    const record = await readStoredRun(args.runId, resolve(context.io.cwd, args.outDir || context.io.env.CARBON_METER_OUT || '.carbon-meter'));
    const share = asUsage(() => computeRunEmbodied(record, embodied, args.choices));
    if (args.json) return `${JSON.stringify({ runId: record.id, ...share }, null, 2)}\n`;
    return [`Run ${record.id}: ${record.command}`, ...formatRunEmbodiedText(share), ''].join('\n');
  }
  const intensityFromCountry = (country: string): SourcedFigure => {
    try {
      const found = findCountry(loadIntensityData(context.dataDir), country);
      return { value: found.gramsPerKWh, source: `${found.name} ${found.year}, ${found.source}` };
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  };
  const footprint = asUsage(() => computeTrainingFootprint(trainingInputs(args.flags, embodied, intensityFromCountry)));
  return args.json ? `${JSON.stringify(footprint, null, 2)}\n` : formatTraining(footprint);
}
