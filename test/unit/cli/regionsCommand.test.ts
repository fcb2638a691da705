import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseCliArgs, RegionsArgs, UsageError } from '../../../src/cli/args';
import { RegionsContext, runRegionsCommand } from '../../../src/cli/commands/regionsCommand';
import { findDataDir } from '../../../src/cli/dataDir';
import { loadIntensityData } from '../../../src/engine/intensity/intensityTable';
import type { RankedRegion, RegionRanking } from '../../../src/engine/intensity/regionRanking';
import { buildRunRecord } from '../../fixtures/buildRun';

const data = loadIntensityData(findDataDir(`${__dirname}/../../../src/cli`));
const zoneTabPath = join(__dirname, '..', '..', 'fixtures', 'intensity', 'zone.tab');
// 0.0007 kWh in France at 56 g/kWh, PUE 1.0.
const pastRun = buildRunRecord();

const context = (overrides: Partial<RegionsContext> = {}): RegionsContext => ({
  data, io: { env: {}, cwd: '/nonexistent' }, timeZone: 'Europe/Paris', zoneTabPath,
  readRun: async (id) => {
    if (pastRun.id.startsWith(id)) return pastRun;
    throw new Error(`No run with id or id prefix "${id}".`);
  },
  ...overrides,
});

const regions = (tokens: string[]): RegionsArgs => {
  const args = parseCliArgs(['regions', ...tokens]);
  assert.equal(args.command, 'regions');
  return args as RegionsArgs;
};
const json = async (tokens: string[], ctx = context()) => JSON.parse(await runRegionsCommand(regions([...tokens, '--json', '--full']), ctx)) as RegionRanking & { runId?: string };

describe('carbon-meter regions', () => {
  it('prints --json as an array, lowest emissions first, each row with provider, region, country, intensity, PUE and emissions', async () => {
    const rows = JSON.parse(await runRegionsCommand(regions(['--provider', 'gcp', '--energy-kwh', '2', '--json']), context())) as {
      provider: string; region: string; country: string; gridIntensityGramsPerKWh: number; pue: number; emissionsKg: number;
    }[];
    assert.ok(Array.isArray(rows) && rows.length > 20);
    for (const row of rows) {
      assert.equal(row.provider, 'gcp');
      assert.match(row.country, /^[A-Z]{3}$/);
      assert.ok(Math.abs(row.emissionsKg - (2 * row.pue * row.gridIntensityGramsPerKWh) / 1000) < 1e-12);
    }
    for (let index = 1; index < rows.length; index++) assert.ok((rows[index - 1]?.emissionsKg ?? NaN) <= (rows[index]?.emissionsKg ?? NaN));
  });

  it('ranks by emissions with savings against here, from the location and the time zone', async () => {
    const ranking = await json(['--provider', 'aws', '--provider', 'gcp', '--energy-kwh', '10', '--from', 'FR']);
    assert.ok(ranking.ranked.length > 40);
    assert.deepEqual([...new Set(ranking.ranked.map((row) => row.provider))].sort(), ['aws', 'gcp']);
    const france = data.countries.find((c) => c.iso3 === 'FRA')?.gramsPerKWh ?? NaN;
    assert.ok(Math.abs((ranking.origin?.emissionsKg ?? NaN) - (10 * france) / 1000) < 1e-12);
    for (let index = 1; index < ranking.ranked.length; index++) {
      assert.ok((ranking.ranked[index - 1] as RankedRegion).effectiveIntensityGramsPerKWh <= (ranking.ranked[index] as RankedRegion).effectiveIntensityGramsPerKWh);
    }
    const first = ranking.ranked[0] as RankedRegion;
    assert.ok(Math.abs((first.emissionsKg ?? NaN) - (10 * first.pue * first.gridIntensityGramsPerKWh) / 1000) < 1e-12);
    assert.ok(Math.abs((first.savingKg ?? NaN) - ((ranking.origin?.emissionsKg ?? NaN) - (first.emissionsKg ?? NaN))) < 1e-12);
    assert.equal(ranking.origin?.coordinatesSource, 'the principal city of time zone Europe/Paris');
  });

  it('takes a past run\'s energy and location with --run', async () => {
    const ranking = await json(['--run', '7f3c9a10', '--limit', '3']);
    assert.equal(ranking.runId, pastRun.id);
    assert.equal(ranking.energyKWh, 0.0007);
    // 0.0007 kWh × 56 g × PUE 1.0 = 0.0392 g, the run's own figure.
    assert.ok(Math.abs((ranking.origin?.emissionsKg ?? NaN) - 0.0000392) < 1e-15);
    assert.equal(ranking.ranked.length, 3);
    await assert.rejects(runRegionsCommand(regions(['--run', 'ffff']), context()), (error: unknown) => error instanceof UsageError && /No run with id/.test(error.message));
  });

  it('filters by country, continent, distance and measured data, and lists what it left out and why', async () => {
    const byCountry = await json(['--country', 'France,de']);
    assert.deepEqual([...new Set(byCountry.ranked.map((row) => row.countryIso3))].sort(), ['DEU', 'FRA']);
    const byContinent = await json(['--continent', 'south america']);
    assert.ok(byContinent.ranked.length > 0 && byContinent.ranked.every((row) => row.continent === 'South America'));
    assert.ok(byContinent.excluded.some((row) => row.reason === 'no-continent' && row.provider === 'gcp' && row.region === 'southamerica-west1'), 'Chile has no continent in the data');
    const nearParis = await json(['--max-distance-km', '500', '--near', '48.8566,2.3522']);
    assert.ok(nearParis.ranked.length > 0 && nearParis.ranked.every((row) => (row.distanceKm ?? Infinity) <= 500));
    assert.ok(nearParis.excluded.some((row) => row.reason === 'no-coordinates' && row.provider === 'aws'));
    const measured = await json(['--measured-only']);
    assert.ok(measured.ranked.every((row) => row.estimates.every((reason) => reason === 'pue-provider-average')));
    assert.ok(measured.excluded.some((row) => row.reason === 'estimated'));
  });

  it('prints a table with the saving, ties and the reasons regions were left out', async () => {
    const text = await runRegionsCommand(regions(['--energy-kwh', '1', '--from', 'FR', '--max-distance-km', '1500', '--near', '48.8566,2.3522']), context());
    const lines = text.split('\n');
    assert.match(lines[0] as string, /^Workload: 1 kWh at the components; here, France: [\d.]+ g\/kWh × PUE 1\.0 = [\d.]+ g CO₂e\.$/);
    assert.match(text, /^rank\s+provider\s+region\s+country\s+g\/kWh\s+PUE\s+CO2e\s+saving\s+saving %\s+km\s+CFE\s+data\s+name$/m);
    assert.match(text, /^\s+=1\s+azure\s+norwayeast\s/m);
    assert.match(text, /Left out, no coordinates, so the distance is unknown: \d+ regions: aws:/);
  });

  it('marks the region the workload runs in', async () => {
    const text = await runRegionsCommand(regions(['--from', 'gcp:europe-west1', '--provider', 'gcp']), context());
    assert.match(text, /^\s+\*\d+\s+gcp\s+europe-west1\s/m);
  });

  it('rejects unknown providers, countries and continents, and a distance with nowhere to measure from', async () => {
    const rejects = (tokens: string[], message: RegExp) => assert.rejects(runRegionsCommand(regions(tokens), context({ timeZone: undefined })),
      (error: unknown) => error instanceof UsageError && message.test(error.message));
    await rejects(['--provider', 'awz'], /Unknown provider "awz".*aws.*Did you mean aws\?/);
    await rejects(['--country', 'Frnace'], /Unknown country "Frnace"\. Did you mean: .*FRA \(France\)/);
    await rejects(['--continent', 'Europa'], /Unknown continent "Europa"\. Did you mean: Europe/);
    await rejects(['--max-distance-km', '100', '--from', 'FR'], /--max-distance-km needs to know where here is.*--near/);
    await rejects(['--from', 'aws:nowhere-1'], /--from: Unknown cloud region "aws:nowhere-1"/);
  });
});
