import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, parseSettings } from '../../../../src/extension/settings/parseSettings';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default: unknown; markdownDescription?: string; description?: string }> } };
};
const properties = manifest.contributes.configuration.properties;

describe('parseSettings', () => {
  it('returns the defaults, without warnings, when nothing is set', () => {
    const { settings, warnings } = parseSettings({});
    assert.deepEqual(settings, DEFAULT_SETTINGS);
    assert.deepEqual(warnings, []);
  });

  it('accepts every default that package.json contributes, and parses them to DEFAULT_SETTINGS', () => {
    const raw: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(properties)) raw[key.replace(/^carbonMeter\./, '')] = property.default;
    const { settings, warnings } = parseSettings(raw);
    assert.deepEqual(warnings, []);
    assert.deepEqual(settings, DEFAULT_SETTINGS);
  });

  it('describes every contributed setting and parses every one of them', () => {
    const parsedKeys = Object.keys(DEFAULT_SETTINGS).sort();
    assert.deepEqual(Object.keys(properties).map((key) => key.replace(/^carbonMeter\./, '')).sort(), parsedKeys);
    for (const [key, property] of Object.entries(properties)) {
      assert.ok((property.markdownDescription ?? property.description ?? '').length > 20, `${key} needs a description`);
    }
  });

  it('keeps valid values, trimming text', () => {
    const { settings, warnings } = parseSettings({
      country: ' FRA ', region: 'CA', cloud: 'gcp:europe-west1', pue: 1.2, samplingIntervalMs: 500,
      autoTrackTasks: true, storageLocation: '/tmp/runs', nvidiaSmiPath: '/usr/bin/nvidia-smi', trackingMode: 'machine', liveIntensity: true,
      pushgatewayUrl: ' http://gw.internal:9091 ', readableIds: true,
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(settings, {
      country: 'FRA', region: 'CA', cloud: 'gcp:europe-west1', pue: 1.2, samplingIntervalMs: 500,
      autoTrackTasks: true, storageLocation: '/tmp/runs', nvidiaSmiPath: '/usr/bin/nvidia-smi', trackingMode: 'machine', liveIntensity: true,
      pushgatewayUrl: 'http://gw.internal:9091', readableIds: true,
    });
  });

  it('refuses a Pushgateway that is not an http(s) URL and readable ids that are not a boolean', () => {
    const { settings, warnings } = parseSettings({ pushgatewayUrl: 'gw.internal:9091', readableIds: 'yes' });
    assert.deepEqual([settings.pushgatewayUrl, settings.readableIds], [undefined, false]);
    assert.deepEqual(warnings, [
      'carbonMeter.pushgatewayUrl must be an http:// or https:// URL; using no Pushgateway instead of "gw.internal:9091".',
      'carbonMeter.readableIds must be true or false; using false (pseudonyms) instead of "yes".',
    ]);
  });

  it('keeps live intensity off, with a warning, for anything but a boolean', () => {
    const { settings, warnings } = parseSettings({ liveIntensity: 'yes' });
    assert.equal(settings.liveIntensity, false);
    assert.deepEqual(warnings, ['carbonMeter.liveIntensity must be true or false; using false (no network) instead of "yes".']);
  });

  it('replaces a PUE out of range by the default and names the setting, the value and the fallback', () => {
    const { settings, warnings } = parseSettings({ pue: 99 });
    assert.equal(settings.pue, undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^carbonMeter\.pue must be a number from 1 to 5; using .* instead of 99\.$/);
  });

  it('gives one warning per bad value and keeps the good ones', () => {
    const { settings, warnings } = parseSettings({
      samplingIntervalMs: 10, trackingMode: 'gpu-only', autoTrackTasks: 'yes', cloud: 'europe-west1', country: 42, pue: 1.5,
    });
    assert.equal(warnings.length, 5);
    assert.equal(settings.samplingIntervalMs, 1000);
    assert.equal(settings.trackingMode, 'process');
    assert.equal(settings.autoTrackTasks, false);
    assert.equal(settings.cloud, undefined);
    assert.equal(settings.country, undefined);
    assert.equal(settings.pue, 1.5);
  });

  it('rejects non-integer and non-finite intervals', () => {
    for (const value of [1000.5, Number.NaN, Number.POSITIVE_INFINITY, '1000']) {
      const { settings, warnings } = parseSettings({ samplingIntervalMs: value });
      assert.equal(settings.samplingIntervalMs, 1000, String(value));
      assert.equal(warnings.length, 1, String(value));
    }
  });

  it('treats blank text and null as unset, without a warning', () => {
    const { settings, warnings } = parseSettings({ country: '   ', storageLocation: null, nvidiaSmiPath: '' });
    assert.deepEqual(warnings, []);
    assert.equal(settings.country, undefined);
    assert.equal(settings.storageLocation, undefined);
    assert.equal(settings.nvidiaSmiPath, 'nvidia-smi');
  });

  it('cuts a pasted blob short in the warning', () => {
    const { warnings } = parseSettings({ trackingMode: 'x'.repeat(5000) });
    assert.equal(warnings.length, 1);
    assert.ok((warnings[0] ?? '').length < 300);
    assert.match(warnings[0] ?? '', /\.\.\./);
  });

  it('never throws, even on values whose JSON form throws', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const { warnings } = parseSettings({ country: cyclic, pue: 10n as unknown });
    assert.equal(warnings.length, 2);
  });
});
