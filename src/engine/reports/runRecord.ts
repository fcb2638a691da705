/**
 * The record of one tracked run: what was run, where, with which sources, and the energy and CO₂e
 * of the machine and of the task's process tree. Stored as JSON and rendered by every report.
 */

/** Energy of each component, in kWh. */
export interface ComponentEnergyKWh {
  readonly cpu: number;
  readonly gpu: number;
  readonly ram: number;
}

/** Power of each component, in watts. */
export interface ComponentPowerWatts {
  readonly cpu: number;
  readonly gpu: number;
  readonly ram: number;
}

export type RunStatus = 'running' | 'finished' | 'interrupted' | 'failed';

/** `process`: the task's process tree's share; `machine`: the whole machine (CodeCarbon's two modes). */
export type TrackingMode = 'process' | 'machine';

/** How the location was decided, strongest first. */
export type LocationBasis = 'flag' | 'setting' | 'environment' | 'config-file' | 'time-zone-guess' | 'default';

export interface RunLocation {
  readonly countryIso3: string;
  readonly countryName: string;
  /** Sub-national region code (e.g. US state "CA"), when known. */
  readonly region: string | undefined;
  readonly cloudProvider: string | undefined;
  readonly cloudRegion: string | undefined;
  readonly latitude: number | undefined;
  readonly longitude: number | undefined;
  readonly basis: LocationBasis;
}

export interface RunIntensity {
  readonly gramsPerKWh: number;
  /** Where the figure comes from, e.g. "Ember 2023 via OWID (CC BY 4.0)". */
  readonly source: string;
  readonly year: number | undefined;
  /** What the figure describes: the country grid, a sub-national grid or a cloud region. */
  readonly scope: 'country' | 'region' | 'cloud-region' | 'world';
}

/** Static facts about the machine, read once. */
export interface MachineFacts {
  readonly hostname: string;
  readonly os: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly gpuCount: number;
  readonly gpuModel: string;
  readonly ramTotalGiB: number;
  readonly onCloud: boolean;
}

/** The power sources used for each component, as recorded with the run. */
export interface RunSourceSummary {
  readonly component: 'cpu' | 'gpu' | 'ram';
  readonly sourceId: string | undefined;
  readonly estimated: boolean;
  readonly description: string;
}

/** One sampling interval. Times are epoch milliseconds. */
export interface RunSample {
  readonly timestampMs: number;
  readonly intervalMs: number;
  readonly machinePowerWatts: ComponentPowerWatts;
  readonly taskPowerWatts: ComponentPowerWatts;
  /** Task energy accumulated since the start of the run, all components. */
  readonly taskEnergyKWh: number;
  /** Task emissions accumulated since the start of the run. */
  readonly emissionsKg: number;
  readonly cpuUtilizationPercent: number | undefined;
  readonly gpuUtilizationPercent: number | undefined;
  readonly ramUsedGiB: number | undefined;
  /** The task's share of machine CPU time in this interval, 0–1. */
  readonly taskCpuShare: number;
  /**
   * How many sampling intervals this sample stands for, when a long run's older samples were merged
   * (src/engine/series/): its interval is theirs end to end, its powers and utilisations their
   * time-weighted means, its cumulative figures those of the last. Absent: one interval.
   */
  readonly aggregatedSamples?: number;
}

/** See `RunRecord.context`; the engine's `runContext/` fills it. */
export interface RunContextFields {
  readonly userId: string;
  readonly machineId: string;
  readonly readableIds: boolean;
  readonly git: { readonly commit: string | undefined; readonly branch: string | undefined } | undefined;
}

export interface RunRecord {
  readonly formatVersion: 1;
  readonly id: string;
  readonly projectName: string;
  readonly experimentName: string;
  /** The command line, as the user typed it or as the task defines it. */
  readonly command: string;
  readonly status: RunStatus;
  readonly exitCode: number | undefined;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly durationSeconds: number;
  readonly trackingMode: TrackingMode;
  readonly location: RunLocation;
  readonly intensity: RunIntensity;
  readonly pue: number;
  readonly machine: MachineFacts;
  readonly sources: readonly RunSourceSummary[];
  /**
   * Who ran it (pseudonyms unless the user chose names) and the git commit it measured. Absent from
   * records written before it existed, and from runs whose caller did not give a working directory.
   */
  readonly context?: RunContextFields;
  /** Energy of the whole machine over the run. */
  readonly machineEnergyKWh: ComponentEnergyKWh;
  /** Idle (baseline) part of the machine's energy; the rest is active. */
  readonly machineIdleEnergyKWh: ComponentEnergyKWh;
  /** Energy attributed to the task's process tree. Equal to machine energy in `machine` mode. */
  readonly taskEnergyKWh: ComponentEnergyKWh;
  /** Energy of the tracked mode, all components, before PUE. */
  readonly energyKWh: number;
  /** energyKWh × PUE × intensity. */
  readonly emissionsKg: number;
  /** Mean power of the tracked mode over the run. */
  readonly averagePowerWatts: ComponentPowerWatts;
  readonly cpuUtilizationPercent: number | undefined;
  readonly gpuUtilizationPercent: number | undefined;
  readonly ramUtilizationPercent: number | undefined;
  readonly ramUsedGiB: number | undefined;
  /** CPU seconds (user + system) of the task's process tree. */
  readonly taskCpuSeconds: number | undefined;
  readonly samples: readonly RunSample[];
}

/** The fields of a RunRecord that are known only once the run has ended. */
type RunResultFields =
  | 'status' | 'exitCode' | 'endedAtMs' | 'durationSeconds' | 'machineEnergyKWh' | 'machineIdleEnergyKWh'
  | 'taskEnergyKWh' | 'energyKWh' | 'emissionsKg' | 'averagePowerWatts' | 'cpuUtilizationPercent'
  | 'gpuUtilizationPercent' | 'ramUtilizationPercent' | 'ramUsedGiB' | 'taskCpuSeconds' | 'samples';

/** What is known when a run starts: the RunRecord without its results. */
export type RunHeader = Omit<RunRecord, RunResultFields> & { readonly status: 'running' };
