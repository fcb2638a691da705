/**
 * Builders for the protocol's views. The default run is easy to check by hand: it started at
 * 2024-03-15 10:00 local time, and each 1 s sample draws CPU 30 W + RAM 6 W = 36 J = 1e-5 kWh, which at
 * 100 g/kWh and PUE 1 is 1e-6 kg CO₂e.
 */
import type {
  DiagnosticsView,
  EquivalentView,
  HostToPanelMessage,
  RunSummaryView,
  RunView,
  SampleView,
} from '../../../src/protocol/panelMessages';

export const STARTED_AT_MS = new Date(2024, 2, 15, 10, 0, 0).getTime();
export const RUN_ID = 'run-0001';
export const KWH_PER_SAMPLE = 1e-5;
export const KG_PER_SAMPLE = 1e-6;
/** kg CO₂e per km, as in data/equivalents.json. */
export const CAR_KG_PER_KM = 0.133;

/** The `n`-th (1-based) sample of the default run, with cumulative energy and emissions. */
export function buildSample(n: number, overrides: Partial<SampleView> = {}): SampleView {
  return {
    runId: RUN_ID,
    timestampMs: STARTED_AT_MS + n * 1000,
    intervalMs: 1000,
    powerWatts: { cpu: 30, gpu: 0, ram: 6 },
    energyKWh: KWH_PER_SAMPLE * n,
    emissionsKg: KG_PER_SAMPLE * n,
    cpuUtilizationPercent: 50,
    gpuUtilizationPercent: undefined,
    ...overrides,
  };
}

/** Samples 1…count of the default run (or of `runId`). */
export function buildSamples(count: number, overrides: Partial<SampleView> = {}): SampleView[] {
  return Array.from({ length: count }, (_, index) => buildSample(index + 1, overrides));
}

export function buildSummary(overrides: Partial<RunSummaryView> = {}): RunSummaryView {
  return {
    id: RUN_ID,
    projectName: 'carbon-meter',
    experimentName: 'unit tests',
    command: 'npm test',
    status: 'finished',
    exitCode: 0,
    startedAtMs: STARTED_AT_MS,
    endedAtMs: STARTED_AT_MS + 10_000,
    durationSeconds: 10,
    trackingMode: 'process',
    energyKWh: KWH_PER_SAMPLE * 10,
    emissionsKg: KG_PER_SAMPLE * 10,
    pue: 1,
    intensityGramsPerKWh: 100,
    locationLabel: 'France (FRA)',
    estimated: true,
    ...overrides,
  };
}

export function buildEquivalents(emissionsKg: number): EquivalentView[] {
  return [
    { id: 'car-km', label: 'km driven by a new petrol car', amount: emissionsKg / CAR_KG_PER_KM, source: 'EEA 2023' },
    { id: 'tv-hours', label: 'hours of TV (32-inch LCD)', amount: emissionsKg / 0.097, source: 'CodeCarbon' },
  ];
}

/**
 * A run of `sampleCount` default samples whose summary and totals agree with them; `summary` overrides
 * apply last.
 */
export function buildRun(sampleCount = 10, summary: Partial<RunSummaryView> = {}, overrides: Partial<RunView> = {}): RunView {
  const samples = buildSamples(sampleCount, summary.id === undefined ? {} : { runId: summary.id });
  const emissionsKg = KG_PER_SAMPLE * sampleCount;
  return {
    summary: buildSummary({
      endedAtMs: STARTED_AT_MS + sampleCount * 1000,
      durationSeconds: sampleCount,
      energyKWh: KWH_PER_SAMPLE * sampleCount,
      emissionsKg,
      ...summary,
    }),
    componentEnergyKWh: { cpu: (KWH_PER_SAMPLE * sampleCount * 30) / 36, gpu: 0, ram: (KWH_PER_SAMPLE * sampleCount * 6) / 36 },
    averagePowerWatts: { cpu: 30, gpu: 0, ram: 6 },
    intensitySource: 'Ember 2023 via OWID (CC BY 4.0)',
    sources: [
      { component: 'cpu', sourceId: 'tdp-model', estimated: true, description: 'TDP 65 W' },
      { component: 'gpu', sourceId: undefined, estimated: false, description: 'no GPU found' },
      { component: 'ram', sourceId: 'ram-model', estimated: true, description: '0.375 W/GiB × 16 GiB' },
    ],
    equivalents: buildEquivalents(emissionsKg),
    samples,
    ...overrides,
  };
}

export function buildDiagnostics(): DiagnosticsView {
  return {
    components: [
      {
        component: 'cpu',
        inUse: 'tdp-model',
        estimated: true,
        description: 'TDP 65 W',
        attempts: [
          { sourceId: 'rapl', accepted: false, detail: 'energy_uj is readable by root only', fix: 'sudo chmod a+r /sys/class/powercap/intel-rapl:*/energy_uj' },
          { sourceId: 'tdp-model', accepted: true, detail: 'estimated', fix: undefined },
        ],
      },
    ],
  };
}

export function snapshot(run: RunView | undefined, recentRuns: RunSummaryView[] = [], diagnostics?: DiagnosticsView): HostToPanelMessage {
  return { type: 'snapshot', run, recentRuns, diagnostics };
}
