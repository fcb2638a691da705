import * as assert from 'node:assert/strict';
import {
  MAX_ID_LENGTH,
  MAX_RUN_SUMMARIES,
  MAX_SAMPLES,
  MAX_SHORT_LIST,
  MAX_STRING_LENGTH,
  parseHostToPanel,
  parsePanelToHost,
  PROTOCOL_VERSION,
  REPORT_FORMATS,
  type HostToPanelMessage,
  type PanelToHostMessage,
} from '../../../src/protocol/panelMessages';
import { buildDiagnostics, buildRun, buildSample, buildSummary } from '../webview/viewBuilders';

/** What postMessage delivers: a structured clone, here through JSON (which drops undefined fields). */
function overTheWire(message: unknown): unknown {
  return JSON.parse(JSON.stringify(message));
}

/** A copy of `message` with the value at `path` replaced (or deleted when `value` is DELETE). */
const DELETE = Symbol('delete');
function withField(message: object, path: (string | number)[], value: unknown): unknown {
  const copy = overTheWire(message) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === DELETE) delete target[last];
  else target[last] = value;
  return copy;
}

const WELL_FORMED_HOST: HostToPanelMessage[] = [
  { type: 'snapshot', run: buildRun(3), recentRuns: [buildSummary(), buildSummary({ id: 'run-2', status: 'running', exitCode: undefined })], diagnostics: buildDiagnostics() },
  { type: 'snapshot', run: undefined, recentRuns: [], diagnostics: undefined },
  { type: 'sample', sample: buildSample(1) },
  { type: 'sample', sample: buildSample(2, { cpuUtilizationPercent: undefined, gpuUtilizationPercent: 100 }) },
  { type: 'runFinished', summary: buildSummary({ status: 'failed', exitCode: 0xc0000005 }) },
  { type: 'runDetails', run: buildRun(0) },
];

const WELL_FORMED_PANEL: PanelToHostMessage[] = [
  { type: 'ready', protocolVersion: PROTOCOL_VERSION },
  { type: 'refresh' },
  { type: 'selectRun', runId: 'run-0001' },
  ...REPORT_FORMATS.map((format) => ({ type: 'exportReport' as const, runId: 'run-0001', format })),
  { type: 'openDiagnostics' },
];

describe('panel protocol validators', () => {
  it('accepts every well-formed host message as sent, and as it arrives after a structured clone', () => {
    for (const message of WELL_FORMED_HOST) {
      assert.deepEqual(parseHostToPanel(message), message, message.type);
      assert.deepEqual(parseHostToPanel(overTheWire(message)), message, `${message.type} over the wire`);
    }
  });

  it('accepts every well-formed panel message, each export format included', () => {
    for (const message of WELL_FORMED_PANEL) {
      assert.deepEqual(parsePanelToHost(overTheWire(message)), message, message.type);
    }
  });

  it('keeps only the fields it knows, so a newer peer can add some', () => {
    const parsed = parsePanelToHost({ type: 'selectRun', runId: 'a', comment: 'from a newer panel' });
    assert.deepEqual(parsed, { type: 'selectRun', runId: 'a' });
  });

  it('rejects values that are not objects, and unknown or missing types', () => {
    for (const raw of [undefined, null, 0, 'snapshot', true, [], [{ type: 'refresh' }], { type: 'unknown' }, {}, { type: 42 }, { type: 'Refresh' }]) {
      assert.equal(parsePanelToHost(raw), undefined, JSON.stringify(raw));
      assert.equal(parseHostToPanel(raw), undefined, JSON.stringify(raw));
    }
    // Each direction's types are unknown to the other one.
    assert.equal(parseHostToPanel({ type: 'refresh' }), undefined);
    assert.equal(parsePanelToHost(overTheWire(WELL_FORMED_HOST[2])), undefined);
  });

  it('rejects fields of the wrong type', () => {
    const sample = { type: 'sample', sample: buildSample(1) };
    const cases: [unknown, string][] = [
      [withField(sample, ['sample', 'energyKWh'], '0.1'), 'number as string'],
      [withField(sample, ['sample', 'runId'], 7), 'id as number'],
      [withField(sample, ['sample', 'powerWatts'], [1, 2, 3]), 'components as array'],
      [withField(sample, ['sample', 'powerWatts', 'gpu'], DELETE), 'missing component'],
      [withField(sample, ['sample', 'cpuUtilizationPercent'], null), 'null for an optional number'],
      [withField(sample, ['sample'], DELETE), 'missing payload'],
      [withField(WELL_FORMED_HOST[4] as object, ['summary', 'estimated'], 'true'), 'boolean as string'],
      [withField(WELL_FORMED_HOST[4] as object, ['summary', 'status'], 'done'), 'unknown status'],
      [withField(WELL_FORMED_HOST[4] as object, ['summary', 'trackingMode'], 'PROCESS'), 'enum with other case'],
      [withField(WELL_FORMED_HOST[0] as object, ['run', 'sources', 0, 'component'], 'disk'), 'unknown component'],
      [withField(WELL_FORMED_HOST[0] as object, ['run', 'equivalents', 0, 'id'], 'flights'), 'unknown equivalent'],
      [withField(WELL_FORMED_HOST[0] as object, ['diagnostics', 'components', 0, 'attempts', 0, 'fix'], 12), 'fix as number'],
      [withField(WELL_FORMED_HOST[0] as object, ['recentRuns'], { 0: buildSummary() }), 'array-like object'],
    ];
    for (const [raw, label] of cases) assert.equal(parseHostToPanel(raw), undefined, label);
    assert.equal(parsePanelToHost({ type: 'exportReport', runId: 'a', format: 'pdf' }), undefined);
    assert.equal(parsePanelToHost({ type: 'exportReport', runId: 'a' }), undefined);
    assert.equal(parsePanelToHost({ type: 'ready', protocolVersion: '1' }), undefined);
  });

  it('rejects numbers out of range: negative, not finite, past 100 %, PUE below 1, fractional versions and exit codes', () => {
    const sample = { type: 'sample', sample: buildSample(1) };
    const summary = WELL_FORMED_HOST[4] as object;
    for (const [raw, label] of [
      [withField(sample, ['sample', 'energyKWh'], -1e-9), 'negative energy'],
      [{ type: 'sample', sample: { ...buildSample(1), emissionsKg: Number.NaN } }, 'NaN'],
      [{ type: 'sample', sample: { ...buildSample(1), timestampMs: Number.POSITIVE_INFINITY } }, 'Infinity'],
      [withField(sample, ['sample', 'cpuUtilizationPercent'], 100.5), 'over 100 %'],
      [withField(sample, ['sample', 'powerWatts', 'ram'], -3), 'negative power'],
      [withField(summary, ['summary', 'pue'], 0.9), 'PUE below 1'],
      [withField(summary, ['summary', 'exitCode'], 1.5), 'fractional exit code'],
      [withField(summary, ['summary', 'exitCode'], 2 ** 32), 'exit code past 32 bits'],
    ] as [unknown, string][]) {
      assert.equal(parseHostToPanel(raw), undefined, label);
    }
    for (const protocolVersion of [-1, 1.5, Number.NaN, 2 ** 53]) {
      assert.equal(parsePanelToHost({ type: 'ready', protocolVersion }), undefined, String(protocolVersion));
    }
    assert.ok(parseHostToPanel(withField(summary, ['summary', 'exitCode'], -(2 ** 31))), 'a negative 32-bit exit code is fine');
  });

  it('rejects strings past their bound and empty ids, at the bound accepts them', () => {
    const longText = 'x'.repeat(MAX_STRING_LENGTH + 1);
    const summary = WELL_FORMED_HOST[4] as object;
    assert.equal(parseHostToPanel(withField(summary, ['summary', 'command'], longText)), undefined);
    assert.ok(parseHostToPanel(withField(summary, ['summary', 'command'], longText.slice(1))));
    assert.equal(parsePanelToHost({ type: 'selectRun', runId: 'r'.repeat(MAX_ID_LENGTH + 1) }), undefined);
    assert.ok(parsePanelToHost({ type: 'selectRun', runId: 'r'.repeat(MAX_ID_LENGTH) }));
    assert.equal(parsePanelToHost({ type: 'selectRun', runId: '' }), undefined);
    assert.equal(parseHostToPanel(withField(WELL_FORMED_HOST[0] as object, ['run', 'intensitySource'], longText)), undefined);
  });

  it('rejects arrays past their bound, holes in arrays and accessors in them', () => {
    const summary = buildSummary();
    const sample = buildSample(1);
    const run = buildRun(0);
    assert.ok(parseHostToPanel({ type: 'snapshot', run: undefined, recentRuns: Array(MAX_RUN_SUMMARIES).fill(summary) }));
    assert.equal(parseHostToPanel({ type: 'snapshot', run: undefined, recentRuns: Array(MAX_RUN_SUMMARIES + 1).fill(summary) }), undefined);
    assert.equal(parseHostToPanel({ type: 'runDetails', run: { ...run, samples: Array(MAX_SAMPLES + 1).fill(sample) } }), undefined);
    assert.equal(parseHostToPanel({ type: 'runDetails', run: { ...run, sources: Array(MAX_SHORT_LIST + 1).fill(run.sources[0]) } }), undefined);

    const sparse: unknown[] = [summary];
    sparse[2] = summary;
    assert.equal(parseHostToPanel({ type: 'snapshot', run: undefined, recentRuns: sparse }), undefined);

    let getterRan = false;
    const withAccessor = [summary];
    Object.defineProperty(withAccessor, 0, { get: () => ((getterRan = true), summary), enumerable: true });
    assert.equal(parseHostToPanel({ type: 'snapshot', run: undefined, recentRuns: withAccessor }), undefined);
    assert.equal(getterRan, false);
  });

  it('rejects __proto__, constructor and prototype keys, which could reach Object.prototype in a careless merge', () => {
    for (const json of [
      '{"type":"refresh","__proto__":{"polluted":true}}',
      '{"type":"refresh","constructor":{"prototype":{"polluted":true}}}',
      '{"type":"selectRun","runId":"a","prototype":1}',
    ]) {
      assert.equal(parsePanelToHost(JSON.parse(json)), undefined, json);
    }
    const nested = withField(WELL_FORMED_HOST[0] as object, ['run', 'summary'], JSON.parse(`{"__proto__":${JSON.stringify(buildSummary())}}`));
    assert.equal(parseHostToPanel(nested), undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('never runs getters, and rejects an object that has one', () => {
    let getterRan = false;
    const message = { runId: 'a' };
    Object.defineProperty(message, 'type', { get: () => ((getterRan = true), 'selectRun'), enumerable: true });
    assert.equal(parsePanelToHost(message), undefined);
    assert.equal(getterRan, false);
  });

  it('ignores inherited fields: an object whose type comes from its prototype is malformed', () => {
    assert.equal(parsePanelToHost(Object.create({ type: 'refresh' })), undefined);
  });

  it('rejects an object with more keys than any peer sends', () => {
    const message: Record<string, unknown> = { type: 'refresh' };
    for (let index = 0; index < 64; index++) message[`extra${index}`] = index;
    assert.equal(parsePanelToHost(message), undefined);
  });

  it('never throws, whatever it is given: hostile proxies, revoked proxies, symbols, functions, bigints', () => {
    const hostile = new Proxy({}, {
      ownKeys: () => {
        throw new Error('trap');
      },
      getOwnPropertyDescriptor: () => {
        throw new Error('trap');
      },
      get: () => {
        throw new Error('trap');
      },
    });
    const revocable = Proxy.revocable({ type: 'refresh' }, {});
    revocable.revoke();
    const arrayProxy = new Proxy([buildSummary()], {
      get: (target, key) => (key === 'length' ? 1e9 : Reflect.get(target, key)),
    });
    const inputs: unknown[] = [
      hostile, revocable.proxy, Symbol('x'), () => undefined, 10n, new Date(0), new Map([['type', 'refresh']]),
      { type: 'snapshot', run: hostile, recentRuns: [] },
      { type: 'snapshot', run: undefined, recentRuns: arrayProxy },
      { type: 'runDetails', run: { ...buildRun(0), samples: [hostile] } },
    ];
    for (const raw of inputs) {
      assert.doesNotThrow(() => parseHostToPanel(raw));
      assert.doesNotThrow(() => parsePanelToHost(raw));
      assert.equal(parseHostToPanel(raw), undefined);
      assert.equal(parsePanelToHost(raw), undefined);
    }
  });
});
