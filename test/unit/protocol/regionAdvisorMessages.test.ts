import * as assert from 'node:assert/strict';
import {
  MAX_DISTANCE_KM, MAX_ID_LENGTH, MAX_REGION_ROWS, parseAdvisorHostToPanel, parseAdvisorPanelToHost, REGION_ADVISOR_PROTOCOL_VERSION, regionKey,
  type AdvisorHostToPanelMessage, type AdvisorPanelToHostMessage,
} from '../../../src/protocol/regionAdvisorMessages';
import { buildRow } from '../webview/regionAdvisor/regionRowBuilder';

/** What postMessage delivers: a structured clone, here through JSON (which drops undefined fields). */
function overTheWire(message: unknown): unknown {
  return JSON.parse(JSON.stringify(message));
}

function withField(message: object, path: (string | number)[], value: unknown): unknown {
  const copy = overTheWire(message) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path[path.length - 1] as string | number] = value;
  return copy;
}

const SNAPSHOT: AdvisorHostToPanelMessage = {
  type: 'snapshot',
  run: { id: 'run-1', command: 'python train.py', startedAtMs: 1_700_000_000_000, energyKWh: 2.4 },
  origin: { label: 'Germany', gridIntensityGramsPerKWh: 344, pue: 1, emissionsKg: 0.826, coordinatesSource: 'the principal city of time zone Europe/Berlin' },
  filters: { providers: ['gcp', 'aws'], continent: 'Europe', measuredOnly: true, country: 'CHE', maxDistanceKm: 1500 },
  providerChoices: ['aws', 'azure', 'gcp'],
  continentChoices: ['Europe', 'North America'],
  countryChoices: [{ iso3: 'DEU', name: 'Germany' }, { iso3: 'CHE', name: 'Switzerland' }],
  rows: [buildRow(), buildRow({ rank: 2, tied: true, provider: 'azure', region: 'norwayeast', savingKg: -0.1, savingPercent: -12, carbonFreePercent: undefined, intensityYear: undefined, estimates: [] })],
  excludedCount: 3,
  excluded: [
    { provider: 'ovh', region: 'gra', displayName: 'Gravelines', reason: 'no-coordinates' },
    { provider: 'aws', region: 'eu-south-2', displayName: 'Spain', reason: 'estimated' },
  ],
  highlighted: 'gcp:europe-west6',
  liveIntensityNote: undefined,
};

const WELL_FORMED_HOST: AdvisorHostToPanelMessage[] = [
  SNAPSHOT,
  { type: 'snapshot', run: undefined, origin: undefined, filters: { providers: [], continent: undefined, measuredOnly: false, country: undefined, maxDistanceKm: undefined }, providerChoices: [], continentChoices: [], countryChoices: [], rows: [], excludedCount: 0, excluded: [], highlighted: undefined, liveIntensityNote: 'Live intensity is off.' },
  { type: 'liveIntensity', reading: { live: true, gramsPerKWh: 131, source: 'Electricity Maps, zone DE', atMs: 1_700_000_000_000, note: undefined } },
  { type: 'liveIntensity', reading: { live: false, gramsPerKWh: 344, source: 'Ember, 2024', atMs: undefined, note: 'Electricity Maps: the key was refused (401). Using the yearly figure.' } },
];

const WELL_FORMED_PANEL: AdvisorPanelToHostMessage[] = [
  { type: 'ready', protocolVersion: REGION_ADVISOR_PROTOCOL_VERSION },
  { type: 'setFilters', filters: { providers: ['gcp'], continent: undefined, measuredOnly: true, country: undefined, maxDistanceKm: undefined } },
  { type: 'setFilters', filters: { providers: [], continent: undefined, measuredOnly: false, country: 'DEU', maxDistanceKm: 0 } },
  { type: 'copySummary' },
];

describe('Region Advisor protocol', () => {
  it('accepts every well-formed host message as postMessage delivers it, unchanged', () => {
    for (const message of WELL_FORMED_HOST) assert.deepEqual(parseAdvisorHostToPanel(overTheWire(message)), message);
  });

  it('accepts every well-formed panel message, unchanged', () => {
    for (const message of WELL_FORMED_PANEL) assert.deepEqual(parseAdvisorPanelToHost(overTheWire(message)), message);
  });

  it('reads a protocol-1 snapshot and filters, without the country, distance, coordinates and exclusion fields, as none', () => {
    const old = overTheWire(SNAPSHOT) as Record<string, unknown> & { filters: Record<string, unknown>; origin: Record<string, unknown> };
    delete old.countryChoices;
    delete old.excluded;
    delete old.filters.country;
    delete old.filters.maxDistanceKm;
    delete old.origin.coordinatesSource;
    const parsed = parseAdvisorHostToPanel(old);
    assert.ok(parsed?.type === 'snapshot');
    assert.deepEqual(parsed.countryChoices, []);
    assert.deepEqual(parsed.excluded, []);
    assert.equal(parsed.filters.country, undefined);
    assert.equal(parsed.filters.maxDistanceKm, undefined);
    assert.equal(parsed.origin?.coordinatesSource, undefined);
    assert.equal(parsed.excludedCount, 3);
    assert.deepEqual(parseAdvisorPanelToHost({ type: 'setFilters', filters: { providers: ['gcp'], measuredOnly: true } }),
      { type: 'setFilters', filters: { providers: ['gcp'], continent: undefined, measuredOnly: true, country: undefined, maxDistanceKm: undefined } });
  });

  it('keeps a negative saving: a region dirtier than here', () => {
    const parsed = parseAdvisorHostToPanel(overTheWire(SNAPSHOT));
    assert.equal(parsed?.type === 'snapshot' && parsed.rows[1]?.savingPercent, -12);
  });

  it('drops a snapshot with a malformed row field', () => {
    const bad: [(string | number)[], unknown][] = [
      [['rows', 0, 'rank'], 0],
      [['rows', 0, 'rank'], 1.5],
      [['rows', 0, 'emissionsKg'], -1],
      [['rows', 0, 'emissionsKg'], Number.NaN],
      [['rows', 0, 'pue'], 0.9],
      [['rows', 0, 'savingPercent'], 101],
      [['rows', 0, 'carbonFreePercent'], 120],
      [['rows', 0, 'provider'], ''],
      [['rows', 0, 'region'], 'x'.repeat(MAX_ID_LENGTH + 1)],
      [['rows', 0, 'estimates'], 'estimated'],
      [['rows', 0, 'continent'], null],
      [['filters', 'measuredOnly'], 'yes'],
      [['excludedCount'], -1],
      [['origin', 'pue'], 0],
      [['run', 'energyKWh'], '2.4'],
      [['rows'], 'all'],
      [['filters', 'country'], 'deu'],
      [['filters', 'country'], 'DEUT'],
      [['filters', 'country'], null],
      [['filters', 'maxDistanceKm'], -1],
      [['filters', 'maxDistanceKm'], '500'],
      [['filters', 'maxDistanceKm'], MAX_DISTANCE_KM + 1],
      [['filters', 'maxDistanceKm'], Number.POSITIVE_INFINITY],
      [['countryChoices', 0, 'iso3'], 'DE'],
      [['countryChoices'], 'DEU'],
      [['excluded', 0, 'reason'], 'too-far'],
      [['excluded', 0, 'provider'], ''],
      [['origin', 'coordinatesSource'], 42],
    ];
    for (const [path, value] of bad) assert.equal(parseAdvisorHostToPanel(withField(SNAPSHOT, path, value)), undefined, path.join('.'));
  });

  it('drops unknown types, non-objects, prototype keys and oversized lists without throwing', () => {
    assert.equal(parseAdvisorHostToPanel({ type: 'sample' }), undefined);
    assert.equal(parseAdvisorHostToPanel(null), undefined);
    assert.equal(parseAdvisorHostToPanel('snapshot'), undefined);
    assert.equal(parseAdvisorHostToPanel(JSON.parse('{"type":"liveIntensity","__proto__":{}}')), undefined);
    const rows = Array.from({ length: MAX_REGION_ROWS + 1 }, () => buildRow());
    assert.equal(parseAdvisorHostToPanel({ ...(overTheWire(SNAPSHOT) as object), rows }), undefined);
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('boom'); } });
    assert.equal(parseAdvisorPanelToHost(hostile), undefined);
  });

  it('drops malformed panel messages', () => {
    assert.equal(parseAdvisorPanelToHost({ type: 'ready', protocolVersion: -1 }), undefined);
    assert.equal(parseAdvisorPanelToHost({ type: 'setFilters', filters: { providers: 'gcp', measuredOnly: false } }), undefined);
    assert.equal(parseAdvisorPanelToHost({ type: 'setFilters', filters: { providers: [''], measuredOnly: false } }), undefined);
    assert.equal(parseAdvisorPanelToHost({ type: 'exportReport' }), undefined);
    assert.equal(parseAdvisorPanelToHost({ type: 'setFilters', filters: { providers: [], measuredOnly: false, country: 'Germany' } }), undefined);
    assert.equal(parseAdvisorPanelToHost({ type: 'setFilters', filters: { providers: [], measuredOnly: false, maxDistanceKm: -5 } }), undefined);
    assert.equal(parseAdvisorPanelToHost({ type: 'setFilters', filters: { providers: [], measuredOnly: false, maxDistanceKm: Number.NaN } }), undefined);
  });

  it('keys a row as provider:region', () => {
    assert.equal(regionKey(buildRow()), 'gcp:europe-west6');
  });
});
