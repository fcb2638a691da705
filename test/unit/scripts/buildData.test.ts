import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');
const dataDir = join(repoRoot, 'data');

describe('scripts/buildData.mjs', () => {
  let outDir: string;
  before(function () {
    this.timeout(60_000);
    outDir = mkdtempSync(join(tmpdir(), 'carbon-meter-data-'));
    execFileSync(process.execPath, ['scripts/buildData.mjs', '--out', outDir], { cwd: repoRoot, stdio: 'pipe' });
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('rebuilds every committed data file byte for byte', () => {
    const committed = readdirSync(dataDir).sort();
    assert.deepEqual(readdirSync(outDir).sort(), committed);
    for (const name of committed) {
      assert.ok(readFileSync(join(outDir, name)).equals(readFileSync(join(dataDir, name))), `${name} differs from a fresh build; run npm run data`);
    }
  });

  it('gives every JSON file a provenance with sources and licences', () => {
    for (const name of readdirSync(dataDir).filter((n) => n.endsWith('.json'))) {
      const file = JSON.parse(readFileSync(join(dataDir, name), 'utf8')) as { provenance?: { sources?: { licence?: string; rawFiles?: string[] }[] } };
      const sources = file.provenance?.sources ?? [];
      assert.ok(sources.length > 0, `${name} has no provenance sources`);
      for (const source of sources) {
        assert.ok(source.licence, `${name}: a source has no licence`);
        assert.ok((source.rawFiles ?? []).length > 0, `${name}: a source names no raw file`);
      }
    }
  });

  it('ends files with a newline and lists each table row on its own line', () => {
    const text = readFileSync(join(dataDir, 'countryIntensity.json'), 'utf8');
    assert.ok(text.endsWith('}\n'));
    assert.match(text, /\n {4}\{"gramsPerKWh":[\d.]+,"iso2":"FR","iso3":"FRA","name":"France"/);
  });

  it('ships nothing from the AGPL or all-rights-reserved folders', () => {
    for (const name of readdirSync(dataDir).filter((n) => n.endsWith('.json'))) {
      const file = JSON.parse(readFileSync(join(dataDir, name), 'utf8')) as { provenance: { sources: { rawFiles: string[] }[] } };
      const rawFiles = file.provenance.sources.flatMap((s) => s.rawFiles);
      for (const raw of rawFiles) assert.doesNotMatch(raw, /^(gsf-real-time-cloud|electricitymaps-contrib|boavizta)\//, `${name} uses ${raw}`);
    }
    assert.match(readFileSync(join(dataDir, 'NOTICE.md'), 'utf8'), /CC BY 4\.0/);
  });

  it('rejects an unknown argument with its usage', () => {
    assert.throws(() => execFileSync(process.execPath, ['scripts/buildData.mjs', '--bogus'], { cwd: repoRoot, stdio: 'pipe' }), /Usage/);
  });
});
