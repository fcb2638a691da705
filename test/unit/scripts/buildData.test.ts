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
      // boavizta/environmental-footprint-data is ODbL and may ship; boavizta/boaviztapi is AGPL and may not.
      for (const raw of rawFiles) assert.doesNotMatch(raw, /^(gsf-real-time-cloud|electricitymaps-contrib|boavizta\/boaviztapi)\//, `${name} uses ${raw}`);
    }
    assert.match(readFileSync(join(dataDir, 'NOTICE.md'), 'utf8'), /CC BY 4\.0/);
  });

  it('derives the embodied figures from the raw files: CCF per GPU and base server, Boavizta medians, lifetimes', () => {
    const file = JSON.parse(readFileSync(join(dataDir, 'embodied.json'), 'utf8')) as {
      gpu: { perGpuKg: number; lifetimeYears: number }; server: { baseServerKg: number };
      categories: { category: string; deviceCount: number; medianEmbodiedKg: number }[];
      cloudHosts: { provider: string; type: string; hostEmbodiedKg: number; vcpus: number; hostVcpus: number; gpus: number; hostGpus: number }[];
      devices: { category: string; manufacturer: string; name: string; embodiedKg: number; lifetimeYears: number }[];
      provenance: { sources: { licence: string }[] };
    };
    // CCF's ccfcoef constants, as its output files bear them: +150 kg per GPU on a 1,000 kg base server, 4-year life.
    assert.deepEqual([file.gpu.perGpuKg, file.server.baseServerKg, file.gpu.lifetimeYears], [150, 1000, 4]);
    const p4d = file.cloudHosts.find((h) => h.provider === 'aws' && h.type === 'p4d.24xlarge');
    assert.deepEqual(p4d && [p4d.hostEmbodiedKg, p4d.gpus, p4d.hostGpus, p4d.vcpus, p4d.hostVcpus], [4676.79, 8, 8, 96, 96]);
    for (const host of file.cloudHosts) assert.ok(host.vcpus > 0 && host.vcpus <= host.hostVcpus && host.hostEmbodiedKg >= 1000, `${host.provider} ${host.type}`);
    assert.deepEqual(new Set(file.cloudHosts.map((h) => h.provider)), new Set(['aws', 'azure', 'gcp']));
    // Boavizta row "Dell PowerEdge C4130": gwp_total 12,700 kg with a use ratio of 0.902, so 12,700 × 0.098 = 1,244.6 kg embodied.
    const c4130 = file.devices.find((d) => d.manufacturer === 'Dell' && d.name === 'PowerEdge C4130');
    assert.deepEqual(c4130 && [c4130.embodiedKg, c4130.lifetimeYears, c4130.category], [1244.6, 4, 'server']);
    for (const category of file.categories) {
      const rows = file.devices.filter((d) => d.category === category.category).map((d) => d.embodiedKg).sort((a, b) => a - b);
      assert.equal(rows.length, category.deviceCount);
      const below = rows.filter((v) => v < category.medianEmbodiedKg).length;
      assert.ok(below <= rows.length / 2 && rows.filter((v) => v > category.medianEmbodiedKg).length <= rows.length / 2, `${category.category} median`);
    }
    assert.deepEqual(file.categories.map((c) => c.category), ['desktop', 'laptop', 'server', 'workstation']);
    assert.ok(file.provenance.sources.some((s) => /^ODbL/.test(s.licence)));
    assert.match(readFileSync(join(dataDir, 'NOTICE.md'), 'utf8'), /## embodied\.json\n\n- Boavizta environmental-footprint-data[^\n]*\n {2}Licence: ODbL 1\.0/);
  });

  it('rejects an unknown argument with its usage', () => {
    assert.throws(() => execFileSync(process.execPath, ['scripts/buildData.mjs', '--bogus'], { cwd: repoRoot, stdio: 'pipe' }), /Usage/);
  });
});
