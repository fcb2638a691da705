import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  CarbonMeterSettings, DEFAULT_SETTINGS, MAX_PUE, MAX_SAMPLING_INTERVAL_MS, MIN_PUE, MIN_SAMPLING_INTERVAL_MS, parseSettings,
} from '../../../../src/extension/settings/parseSettings';

const KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof CarbonMeterSettings)[];

/** Values no JSON settings file holds, but a buggy or hostile caller could pass. */
function hostileValues(): unknown[] {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const trap = () => {
    throw new Error('trap');
  };
  return [
    cycle, revoked, new Proxy({}, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap }),
    { toJSON: trap }, 10n, Symbol('x'), () => 1, new Date(Number.NaN), Object.create(null), 'x'.repeat(1_000_000),
    Number.NaN, Number.POSITIVE_INFINITY, -0, 1e-320, '1.5', ' process ', [true], { value: 1.2 },
  ];
}

const anyValue = fc.oneof(fc.jsonValue(), fc.anything({ withNullPrototype: true, withBoxedValues: true }));

/** Checks what parseSettings returns is always usable: the engine never sees an invalid value. */
function assertUsable(settings: CarbonMeterSettings): void {
  for (const key of ['country', 'region', 'cloud', 'storageLocation'] as const) {
    const value = settings[key];
    assert.ok(value === undefined || (typeof value === 'string' && value.length > 0 && value === value.trim()), key);
  }
  assert.ok(settings.pue === undefined || (settings.pue >= MIN_PUE && settings.pue <= MAX_PUE));
  assert.ok(Number.isInteger(settings.samplingIntervalMs) && settings.samplingIntervalMs >= MIN_SAMPLING_INTERVAL_MS
    && settings.samplingIntervalMs <= MAX_SAMPLING_INTERVAL_MS);
  assert.equal(typeof settings.autoTrackTasks, 'boolean');
  assert.equal(typeof settings.liveIntensity, 'boolean');
  assert.equal(typeof settings.readableIds, 'boolean');
  assert.ok(settings.pushgatewayUrl === undefined || /^https?:\/\/\S+$/.test(settings.pushgatewayUrl));
  assert.ok(typeof settings.nvidiaSmiPath === 'string' && settings.nvidiaSmiPath.length > 0);
  assert.ok(settings.trackingMode === 'process' || settings.trackingMode === 'machine');
  assert.ok(settings.cloud === undefined || /^[a-z0-9-]+:[A-Za-z0-9_.-]+$/.test(settings.cloud));
}

/** A valid value for each setting, as a user would write it. */
const VALID: { readonly [K in keyof CarbonMeterSettings]: fc.Arbitrary<NonNullable<CarbonMeterSettings[K]>> } = {
  country: fc.string({ minLength: 1, maxLength: 60 }).filter((text) => text.trim() === text && text !== ''),
  region: fc.string({ minLength: 1, maxLength: 10 }).filter((text) => text.trim() === text && text !== ''),
  cloud: fc.stringMatching(/^[a-z0-9-]{1,8}:[A-Za-z0-9_.-]{1,20}$/),
  pue: fc.double({ min: MIN_PUE, max: MAX_PUE, noNaN: true }),
  samplingIntervalMs: fc.integer({ min: MIN_SAMPLING_INTERVAL_MS, max: MAX_SAMPLING_INTERVAL_MS }),
  autoTrackTasks: fc.boolean(),
  storageLocation: fc.string({ minLength: 1, maxLength: 200 }).filter((text) => text.trim() === text && text !== ''),
  nvidiaSmiPath: fc.string({ minLength: 1, maxLength: 200 }).filter((text) => text.trim() === text && text !== ''),
  trackingMode: fc.constantFrom('process', 'machine'),
  liveIntensity: fc.boolean(),
  pushgatewayUrl: fc.webUrl({ validSchemes: ['http', 'https'] }).filter((text) => !/\s/.test(text)),
  readableIds: fc.boolean(),
};

describe('parseSettings under fuzzing', () => {
  it('never throws, whatever each setting holds, and always returns usable settings', () => {
    fc.assert(fc.property(fc.record(Object.fromEntries(KEYS.map((key) => [key, anyValue])), { requiredKeys: [] }), (raw) => {
      const { settings, warnings } = parseSettings(raw);
      assertUsable(settings);
      for (const warning of warnings) assert.ok(warning.length < 400, warning);
    }), { numRuns: 500 });
  });

  for (const key of KEYS) {
    it(`carbonMeter.${key}: a valid value is kept unchanged without a warning`, () => {
      fc.assert(fc.property(VALID[key] as fc.Arbitrary<unknown>, (value) => {
        const { settings, warnings } = parseSettings({ [key]: value });
        assert.deepEqual(warnings, []);
        assert.deepEqual(settings, { ...DEFAULT_SETTINGS, [key]: value });
      }), { numRuns: 100 });
    });

    it(`carbonMeter.${key}: anything else costs exactly one warning naming it, and the default is used`, () => {
      fc.assert(fc.property(anyValue, (value) => {
        const { settings, warnings } = parseSettings({ [key]: value });
        assertUsable(settings);
        const others = { ...settings, [key]: DEFAULT_SETTINGS[key] };
        assert.deepEqual(others, DEFAULT_SETTINGS, 'one bad setting changes no other');
        if (warnings.length === 0) {
          // Accepted: then it was a valid value (possibly trimmed), or unset/blank and read as the default.
          const accepted = settings[key];
          assert.ok(accepted === DEFAULT_SETTINGS[key] || typeof value === typeof accepted, `${String(value)} accepted as ${String(accepted)}`);
          return;
        }
        assert.equal(warnings.length, 1);
        assert.ok(warnings[0]?.startsWith(`carbonMeter.${key} must be`), warnings[0]);
        assert.equal(settings[key], DEFAULT_SETTINGS[key]);
      }), { numRuns: 200 });
    });
  }

  // fast-check cannot carry proxies and cycles as values, so these go through a plain loop.
  it('never throws on values JSON cannot write: cycles, revoked or throwing proxies, BigInt, symbols, a throwing toJSON', () => {
    for (const key of KEYS) {
      for (const value of hostileValues()) {
        const { settings, warnings } = parseSettings({ [key]: value });
        assertUsable(settings);
        for (const warning of warnings) assert.ok(warning.length < 400, warning);
      }
    }
  });

  it('names a value it cannot print by its type, rather than throwing', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    const { warnings } = parseSettings({ pue: 10n, samplingIntervalMs: cycle });
    assert.deepEqual(warnings.map((warning) => warning.replace(/ must be .*instead of/, ' … instead of')), [
      'carbonMeter.pue … instead of a value of type bigint.',
      'carbonMeter.samplingIntervalMs … instead of a value of type object.',
    ]);
  });
});
