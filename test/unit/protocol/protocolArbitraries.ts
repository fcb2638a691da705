/**
 * fast-check arbitraries for every well-formed message of both protocols, each field within the bounds
 * its validator allows, and mutations of a message (a path in it, and what to do there) for the fuzz tests.
 * Optional fields are generated as explicit `undefined`, as the validators return them.
 */
import fc from 'fast-check';
import * as panel from '../../../src/protocol/panelMessages';
import * as advisor from '../../../src/protocol/regionAdvisorMessages';

// -0 leaves JSON as 0; the validators accept both, and the round trip compares with Object.is.
// Plain objects, as a structured clone delivers them (fast-check otherwise makes some without a prototype).
const record: typeof fc.record = ((model: never) => fc.record(model, { noNullPrototype: true })) as typeof fc.record;
const noNegativeZero = (value: number): number => value + 0;
const nonNegative = fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }).map(noNegativeZero);
const between = (min: number, max: number) => fc.double({ min, max, noNaN: true }).map(noNegativeZero);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
// Any UTF-16 code units, lone surrogates included: the validators must not care what a string holds.
const text = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
const id = (maxLength: number) => fc.string({ unit: 'binary', minLength: 1, maxLength });

const panelText = text(40);
const panelId = id(panel.MAX_ID_LENGTH > 40 ? 40 : panel.MAX_ID_LENGTH);
const components = record({ cpu: nonNegative, gpu: nonNegative, ram: nonNegative });

export const sampleView: fc.Arbitrary<panel.SampleView> = record({
  runId: panelId,
  timestampMs: nonNegative,
  intervalMs: nonNegative,
  powerWatts: components,
  energyKWh: nonNegative,
  emissionsKg: nonNegative,
  cpuUtilizationPercent: optional(between(0, 100)),
  gpuUtilizationPercent: optional(between(0, 100)),
});

export const runSummaryView: fc.Arbitrary<panel.RunSummaryView> = record({
  id: panelId,
  projectName: panelText,
  experimentName: panelText,
  command: panelText,
  status: fc.constantFrom('running', 'finished', 'interrupted', 'failed'),
  exitCode: optional(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 })),
  startedAtMs: nonNegative,
  endedAtMs: nonNegative,
  durationSeconds: nonNegative,
  trackingMode: fc.constantFrom('process', 'machine'),
  energyKWh: nonNegative,
  emissionsKg: nonNegative,
  pue: between(1, Number.MAX_VALUE),
  intensityGramsPerKWh: nonNegative,
  locationLabel: panelText,
  estimated: fc.boolean(),
});

const sourceView: fc.Arbitrary<panel.SourceView> = record({
  component: fc.constantFrom('cpu', 'gpu', 'ram'),
  sourceId: optional(panelId),
  estimated: fc.boolean(),
  description: panelText,
});

const equivalentView: fc.Arbitrary<panel.EquivalentView> = record({
  id: fc.constantFrom('car-km', 'tv-hours', 'household-days'),
  label: panelText,
  amount: nonNegative,
  source: panelText,
});

export const runView: fc.Arbitrary<panel.RunView> = record({
  summary: runSummaryView,
  componentEnergyKWh: components,
  averagePowerWatts: components,
  intensitySource: panelText,
  sources: fc.array(sourceView, { maxLength: 3 }),
  equivalents: fc.array(equivalentView, { maxLength: 3 }),
  samples: fc.array(sampleView, { maxLength: 4 }),
});

const diagnosticsView: fc.Arbitrary<panel.DiagnosticsView> = record({
  components: fc.array(record({
    component: fc.constantFrom('cpu', 'gpu', 'ram'),
    inUse: optional(panelId),
    estimated: fc.boolean(),
    description: panelText,
    attempts: fc.array(record({ sourceId: panelId, accepted: fc.boolean(), detail: panelText, fix: optional(panelText) }), { maxLength: 3 }),
  }), { maxLength: 3 }),
});

export const hostToPanelMessage: fc.Arbitrary<panel.HostToPanelMessage> = fc.oneof(
  record({ type: fc.constant('snapshot' as const), run: optional(runView), recentRuns: fc.array(runSummaryView, { maxLength: 3 }), diagnostics: optional(diagnosticsView) }),
  record({ type: fc.constant('sample' as const), sample: sampleView }),
  record({ type: fc.constant('runFinished' as const), summary: runSummaryView }),
  record({ type: fc.constant('runDetails' as const), run: runView }),
);

export const panelToHostMessage: fc.Arbitrary<panel.PanelToHostMessage> = fc.oneof(
  record({ type: fc.constant('ready' as const), protocolVersion: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) }),
  record({ type: fc.constantFrom('refresh' as const, 'openDiagnostics' as const) }),
  record({ type: fc.constant('selectRun' as const), runId: panelId }),
  record({ type: fc.constant('exportReport' as const), runId: panelId, format: fc.constantFrom(...panel.REPORT_FORMATS) }),
);

const advisorText = text(40);
const advisorId = id(40);
const iso3 = fc.stringMatching(/^[A-Z]{3}$/);

const regionRow: fc.Arbitrary<advisor.RegionRowView> = record({
  rank: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  tied: fc.boolean(),
  isCurrent: fc.boolean(),
  provider: advisorId,
  region: advisorId,
  displayName: advisorText,
  countryIso3: advisorId,
  continent: optional(advisorId),
  gridIntensityGramsPerKWh: nonNegative,
  intensityYear: optional(fc.integer({ min: 1900, max: 3000 })),
  intensitySource: advisorText,
  pue: between(1, Number.MAX_VALUE),
  pueSource: advisorText,
  effectiveIntensityGramsPerKWh: nonNegative,
  emissionsKg: nonNegative,
  savingKg: between(-Number.MAX_VALUE, Number.MAX_VALUE),
  savingPercent: optional(between(-Number.MAX_VALUE, 100)),
  carbonFreePercent: optional(between(0, 100)),
  estimates: fc.array(advisorText, { maxLength: advisor.MAX_ESTIMATES }),
});

export const advisorFilters: fc.Arbitrary<advisor.AdvisorFiltersView> = record({
  providers: fc.array(advisorId, { maxLength: 4 }),
  continent: optional(advisorId),
  measuredOnly: fc.boolean(),
  country: optional(iso3),
  maxDistanceKm: optional(between(0, advisor.MAX_DISTANCE_KM)),
});

export const advisorHostToPanelMessage: fc.Arbitrary<advisor.AdvisorHostToPanelMessage> = fc.oneof(
  record({
    type: fc.constant('snapshot' as const),
    run: optional(record({ id: advisorId, command: advisorText, startedAtMs: nonNegative, energyKWh: nonNegative })),
    origin: optional(record({
      label: advisorText, gridIntensityGramsPerKWh: nonNegative, pue: between(1, Number.MAX_VALUE), emissionsKg: nonNegative,
      coordinatesSource: optional(advisorText),
    })),
    filters: advisorFilters,
    providerChoices: fc.array(advisorId, { maxLength: 4 }),
    continentChoices: fc.array(advisorId, { maxLength: 4 }),
    countryChoices: fc.array(record({ iso3, name: advisorText }), { maxLength: 4 }),
    rows: fc.array(regionRow, { maxLength: 3 }),
    excludedCount: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    excluded: fc.array(record({
      provider: advisorId, region: advisorId, displayName: advisorText, reason: fc.constantFrom(...advisor.EXCLUSION_REASONS),
    }), { maxLength: 3 }),
    highlighted: optional(advisorId),
    liveIntensityNote: optional(advisorText),
  }),
  record({
    type: fc.constant('liveIntensity' as const),
    reading: record({ live: fc.boolean(), gramsPerKWh: nonNegative, source: advisorText, atMs: optional(nonNegative), note: optional(advisorText) }),
  }),
);

export const advisorPanelToHostMessage: fc.Arbitrary<advisor.AdvisorPanelToHostMessage> = fc.oneof(
  record({ type: fc.constant('ready' as const), protocolVersion: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) }),
  record({ type: fc.constant('setFilters' as const), filters: advisorFilters }),
  record({ type: fc.constant('copySummary' as const) }),
);

/** What postMessage delivers: a structured clone, here through JSON (which drops undefined fields). */
export function overTheWire(message: unknown): unknown {
  return JSON.parse(JSON.stringify(message));
}

export type Path = readonly (string | number)[];

/** Every path to a value inside a JSON value (not the root itself). */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
}

/** A deep copy of a JSON value with `edit` applied to the container of `path`'s last key. */
export function editAt(root: unknown, path: Path, edit: (container: Record<string | number, unknown>, key: string | number) => void): unknown {
  const copy = overTheWire(root) as Record<string | number, unknown>;
  let container = copy;
  for (const key of path.slice(0, -1)) container = container[key] as Record<string | number, unknown>;
  edit(container, path[path.length - 1] as string | number);
  return copy;
}

export type JsonKind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function jsonKind(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonKind;
}

/** A JSON value of any kind but `kind`. */
export function otherKindThan(kind: JsonKind): fc.Arbitrary<unknown> {
  return fc.jsonValue().filter((value) => jsonKind(value) !== kind);
}
