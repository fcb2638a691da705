import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseWorkspaceConfig, readWorkspaceConfig, WORKSPACE_CONFIG_KEYS } from '../../../../src/engine/config/workspaceConfig';

const schema = JSON.parse(readFileSync(join(__dirname, '../../../../schemas/carbon-meter.schema.json'), 'utf8')) as {
  additionalProperties: boolean;
  properties: Record<string, { type?: string; minimum?: number; maximum?: number }>;
};

describe('workspaceConfig (.carbon-meter.json)', () => {
  let directory: string;
  beforeEach(async () => { directory = await mkdtemp(join(tmpdir(), 'cm-config-')); });
  afterEach(async () => { await rm(directory, { recursive: true, force: true }); });

  it('knows exactly the fields its JSON schema documents, and the schema allows no others', () => {
    assert.deepEqual([...WORKSPACE_CONFIG_KEYS].sort(), Object.keys(schema.properties).sort());
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual([schema.properties.pue?.minimum, schema.properties.pue?.maximum], [1, 5]);
  });

  it('is the schema VS Code validates .carbon-meter.json against, and the .vsix ships it', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { contributes: { jsonValidation: { fileMatch: string; url: string }[] } };
    assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '.carbon-meter.json', url: './schemas/carbon-meter.schema.json' }]);
    assert.match(readFileSync(join(__dirname, '../../../../.vscodeignore'), 'utf8'), /^!schemas\/\*\*$/m);
  });

  it('reads every field of a valid file', async () => {
    await writeFile(join(directory, '.carbon-meter.json'), JSON.stringify({
      $schema: './node_modules/carbon-meter/schemas/carbon-meter.schema.json',
      project: 'shop', experiment: 'baseline', country: 'FRA', region: 'IDF', cloud: 'gcp:europe-west1', pue: 1.2,
      pushgateway: 'http://gw:9091',
    }));
    const reading = readWorkspaceConfig(directory);
    assert.deepEqual(reading.warnings, []);
    assert.equal(reading.found, true);
    assert.deepEqual(reading.config, {
      project: 'shop', experiment: 'baseline', country: 'FRA', region: 'IDF', cloud: 'gcp:europe-west1', pue: 1.2,
      pushgateway: 'http://gw:9091',
    });
  });

  it('leaves the choice of readable names to the user: the file cannot turn them on', () => {
    const { config, warnings } = parseWorkspaceConfig({ pushgateway: { url: 'http://gw:9091', readableHost: true }, readableIds: true }, 'f');
    assert.deepEqual(config, {});
    assert.equal(warnings.length, 2);
  });

  it('drops each wrong field with a warning naming it, and keeps the rest', () => {
    const { config, warnings } = parseWorkspaceConfig({ project: 'ok', pue: 0.5, cloud: 'europe-west1', experiment: 7, pushgateway: 'ftp://x' }, '/w/.carbon-meter.json');
    assert.deepEqual(config, { project: 'ok' });
    assert.equal(warnings.length, 4);
    assert.ok(warnings.some((warning) => warning.includes('"pue"') && warning.includes('0.5') && warning.includes('from 1 to 5')));
    assert.ok(warnings.every((warning) => warning.includes('/w/.carbon-meter.json')));
  });

  it('names a close field for a typo', () => {
    const { warnings } = parseWorkspaceConfig({ projct: 'x' }, 'f');
    assert.deepEqual(warnings, ['Ignoring unknown field "projct" in f; did you mean project?']);
  });

  it('gives no warning for a missing file and one for broken JSON, never throwing', async () => {
    assert.deepEqual(readWorkspaceConfig(directory), { path: join(directory, '.carbon-meter.json'), found: false, config: {}, warnings: [] });
    await writeFile(join(directory, '.carbon-meter.json'), '{"project": "x",');
    const broken = readWorkspaceConfig(directory);
    assert.deepEqual(broken.config, {});
    assert.match(broken.warnings[0] ?? '', /not valid JSON/);
  });

  it('reads a file that starts with a byte-order mark', async () => {
    await writeFile(join(directory, '.carbon-meter.json'), '\uFEFF{"project":"bom"}');
    assert.deepEqual(readWorkspaceConfig(directory).config, { project: 'bom' });
  });

  it('never throws and only ever returns fields of the right type, whatever the JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.dictionary(fc.constantFrom(...WORKSPACE_CONFIG_KEYS, 'other'), fc.jsonValue()), (anything, object) => {
      for (const input of [anything, object]) {
        const { config } = parseWorkspaceConfig(input, 'f');
        for (const key of ['project', 'experiment', 'country', 'region', 'cloud'] as const) {
          if (config[key] !== undefined) assert.equal(typeof config[key], 'string');
        }
        if (config.pue !== undefined) assert.ok(config.pue >= 1 && config.pue <= 5);
        if (config.pushgateway !== undefined) assert.match(config.pushgateway, /^https?:\/\//);
      }
    }), { numRuns: 300 });
  });
});
