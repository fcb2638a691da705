import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/cliIo';
import { main } from '../../../src/cli/main';
import { buildRunRecord } from '../../fixtures/buildRun';

function captureIo(cwd = '/nonexistent'): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t), out: () => out.join(''), err: () => err.join('') };
}

/** The BLOOM paper's inputs (Luccioni, Viguier, Ligozat 2022), as the README's worked example gives them. */
const BLOOM = ['lifecycle', '--gpu-hours', '1082990', '--gpu-watts', '400', '--intensity', '57', '--idle-kwh', '256646',
  '--embodied-kg-per-gpu', '150', '--server-embodied-kg', '2500', '--gpus-per-server', '8', '--lifetime-years', '6', '--usage-share', '0.85'];

describe('carbon-meter lifecycle', () => {
  it('reproduces the BLOOM paper\'s table: 24.7 t dynamic, 14.6 t idle, 11.2 t embodied, 50.5 t in all', async () => {
    const io = captureIo();
    assert.equal(await main(BLOOM, io), 0, io.err());
    const text = io.out();
    assert.match(text, /^Dynamic +433,196 kWh +24\.69 t CO₂e +GPU-hours × 400 W$/m);
    assert.match(text, /^Idle +256,646 kWh +14\.63 t CO₂e /m);
    assert.match(text, /^Embodied +11\.21 t CO₂e +over 6 years × 0\.85 in use$/m);
    assert.match(text, /^Total +50\.53 t CO₂e +\(embodied 22\.2 %\)$/m);
    assert.match(text, /^ {2}Embodied per server: 2500 \(your figure\)$/m);
  });

  it('writes every figure and its source as JSON', async () => {
    const io = captureIo();
    assert.equal(await main([...BLOOM, '--json'], io), 0, io.err());
    const json = JSON.parse(io.out()) as { totalKg: number; embodiedKg: number; dynamic: { energyKWh: number }; inputs: { pue: { value: number; source: string } } };
    assert.ok(Math.abs(json.totalKg / 1000 - 50.5) <= 0.05);
    assert.ok(Math.abs(json.dynamic.energyKWh - 433_196) < 1e-6);
    assert.deepEqual(json.inputs.pue, { value: 1, source: 'none given: 1.0, no data-centre overhead' });
  });

  it('fills what is not given from the shipped data and a country\'s grid, naming each source', async () => {
    const io = captureIo();
    assert.equal(await main(['lifecycle', '--gpus', '8', '--hours', '24', '--gpu-watts', '300', '--country', 'FR', '--pue', '1.2', '--idle-share', '0.3'], io), 0, io.err());
    const text = io.out();
    assert.match(text, /^ {2}GPU-hours: 192 \(8 GPUs × 24 h \(your figures\)\)$/m);
    assert.match(text, /^ {2}Embodied per GPU: 150 \(Cloud Carbon Footprint embodied coefficients \(Apache-2\.0\), per GPU\)$/m);
    assert.match(text, /^ {2}Lifetime: 4 \(Cloud Carbon Footprint/m);
    assert.match(text, /^ {2}Grid intensity: [\d.]+ \(France 20\d\d, Ember/m);
    assert.match(text, /^ {2}GPUs per server: 8 \(assumed/m);
    // 192 GPU-h × 0.3 kW = 57.6 kWh; idle 30 % = 17.28 kWh; PUE overhead (74.88) × 0.2 = 14.976 kWh.
    assert.match(text, /^Facility \(PUE\) +15 kWh /m);
  });

  for (const [argv, message] of [
    [['--gpus', '8', '--gpu-watts', '300', '--intensity', '50'], /Give the job's size: --gpus N --hours H, or --gpu-hours N\./],
    [['--gpu-hours', '8', '--intensity', '50'], /Give --gpu-watts W/],
    [['--gpu-hours', '8', '--gpu-watts', '300'], /Give the grid intensity: --intensity G \(gCO2e\/kWh\) or --country C\./],
    [['--gpu-hours', '8', '--gpu-watts', '300', '--intensity', '50', '--country', 'FR'], /Give one of --intensity, --country, not several\./],
    [['--gpu-hours', '-3', '--gpu-watts', '300', '--intensity', '50'], /Option --gpu-hours must be a number from 0/],
    [['--gpu-hours', '8', '--gpu-watts', '300', '--country', 'Frnace'], /Unknown country "Frnace"\. Did you mean: FRA \(France\)\?/],
    [['--gpu-hours', '8', '--gpu-watts', '300', '--intensity', '50', '--usage-share', '1.5'], /Option --usage-share must be a number from 0\.001 to 1/],
    [['--gpu-hours', '8', '--gpu-watts', '300', '--intensity', '50', '--device', 'x'], /Option --device goes with --run ID/],
    [['--run', 'abc', '--pue', '1.2'], /Option --pue describes a training job/],
    [['--run', 'abc', '--device-kind', 'phone'], /Option --device-kind must be one of laptop, desktop, workstation, server, not "phone"\./],
    [['--gpu-hours', '8', 'extra'], /Unexpected argument "extra" for lifecycle\./],
    [['--bogus'], /Unknown option --bogus\./],
  ] as const) {
    it(`exits 2 with a clear message for ${argv.join(' ')}`, async () => {
      const io = captureIo();
      assert.equal(await main(['lifecycle', ...argv], io), 2);
      assert.match(io.err(), message);
      assert.equal(io.out(), '');
    });
  }

  describe('--run', () => {
    let store: string;
    before(() => {
      store = mkdtempSync(join(tmpdir(), 'carbon-meter-lifecycle-'));
      mkdirSync(join(store, 'runs'));
      const record = buildRunRecord({ trackingMode: 'machine', durationSeconds: 3600 });
      writeFileSync(join(store, 'runs', `${record.id}.json`), JSON.stringify(record));
    });
    after(() => rmSync(store, { recursive: true, force: true }));

    it('gives a stored run\'s embodied share with the user\'s device figures', async () => {
      const io = captureIo(store);
      assert.equal(await main(['lifecycle', '--run', '7f3c', '--out', '.', '--device-embodied-kg', '876', '--lifetime-years', '3'], io), 0, io.err());
      // 876 kg × 1 h / (3 × 8,760 h) × the whole machine = 33.3 g.
      assert.match(io.out(), /^Device {2}your device: 33\.3 g CO₂e$/m);
      assert.match(io.out(), /^ {2}TE 876 kg CO₂e: your figure$/m);
      assert.match(io.out(), /^ {2}RR 100 %: machine mode: the whole machine$/m);
    });

    it('looks up a cloud instance and says when there is none, or no such run', async () => {
      const io = captureIo(store);
      assert.equal(await main(['lifecycle', '--run', '7f3c', '--out', '.', '--instance', 'aws:p4d.24xlarge', '--json'], io), 0, io.err());
      const json = JSON.parse(io.out()) as { embodiedKg: number; items: { label: string }[] };
      assert.ok(Math.abs(json.embodiedKg - 4676.79 / 35_040) < 1e-12);
      const missing = captureIo(store);
      assert.equal(await main(['lifecycle', '--run', '7f3c', '--out', '.', '--instance', 'aws:p9.huge'], missing), 2);
      assert.match(missing.err(), /No embodied figure for cloud instance "aws:p9\.huge"/);
      const noRun = captureIo(store);
      assert.equal(await main(['lifecycle', '--run', 'ffff', '--out', '.'], noRun), 2);
      assert.match(noRun.err(), /ffff/);
    });
  });
});

describe('carbon-meter lifecycle messages', () => {
  it('shows user input escaped and cut, never a terminal escape sequence', async () => {
    const io = captureIo();
    assert.equal(await main(['lifecycle', '--run', 'abc', '--device-kind', `\u001b[31m${'x'.repeat(80)}`], io), 2);
    assert.doesNotMatch(io.err(), /\u001b/);
    assert.match(io.err(), /not "\\u001b\[31mx{55}…"\./);
  });
});
