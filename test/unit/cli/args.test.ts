import * as assert from 'node:assert/strict';
import { parseCliArgs, UsageError, DEFAULT_INTERVAL_MS } from '../../../src/cli/args';

describe('parseCliArgs', () => {
  it('reads run options and keeps the command after -- untouched, flags included', () => {
    const args = parseCliArgs(['run', '--country', 'FR', '--pue=1.2', '--interval-ms', '500', '--', 'python', 'train.py', '--epochs', '3']);
    assert.equal(args.command, 'run');
    if (args.command !== 'run') return;
    assert.equal(args.country, 'FR');
    assert.equal(args.pue, 1.2);
    assert.equal(args.intervalMs, 500);
    assert.equal(args.trackingMode, 'process');
    assert.deepEqual(args.argv, ['python', 'train.py', '--epochs', '3']);
  });

  it('defaults the sampling interval to 1 s', () => {
    const args = parseCliArgs(['run', '--', 'true']);
    assert.equal(args.command === 'run' && args.intervalMs, DEFAULT_INTERVAL_MS);
  });

  for (const [tokens, message] of [
    [['run'], /Nothing to run/],
    [['run', '--pue', 'abc', '--', 'x'], /--pue must be a number from 1 to 5, not "abc"/],
    [['run', '--pue', '0.5', '--', 'x'], /--pue must be/],
    [['run', '--interval-ms', '10', '--', 'x'], /--interval-ms must be an integer from 100/],
    [['run', '--tracking-mode', 'gpu', '--', 'x'], /one of process, machine/],
    [['run', '--cloud', 'aws', '--', 'x'], /provider:region/],
    [['run', '--colour', 'red', '--', 'x'], /Unknown option --colour/],
    [['run', '--country', '--', 'x'], /--country needs a value/],
    [['run', '--project', 'a', '--project', 'b', '--', 'x'], /given twice/],
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['regions', '--energy-kwh', '-1'], /--energy-kwh must be/],
    [['regions', '--energy-kwh', '1', '--run', 'abc'], /either --energy-kwh or --run/],
    [['regions', '--max-distance-km', 'far'], /--max-distance-km must be a number from 0/],
    [['regions', '--near', '48.8'], /--near must be LATITUDE,LONGITUDE/],
    [['regions', '--near', '95,2'], /--near must be LATITUDE,LONGITUDE/],
    [['regions', '--provider', ','], /--provider needs a value/],
    [['regions', '--measured-only=yes'], /takes no value/],
    [['regions', 'aws'], /Unexpected argument "aws" for regions/],
    [['intensity', '--cloud', 'europe-west1'], /provider:region/],
    [['intensity', '--run', 'abc', '--country', 'FR'], /With --run the location is the run's own/],
    [['intensity', '--zone', 'FR; rm'], /--zone must be a zone id/],
    [['intensity', '--live=1'], /takes no value/],
    [['report', '--format', 'pdf'], /one of md, html, json, csv/],
  ] as const) {
    it(`rejects ${JSON.stringify(tokens)} with a clear message`, () => {
      assert.throws(() => parseCliArgs(tokens), (error: unknown) => error instanceof UsageError && message.test(error.message));
    });
  }

  it('splits providers for regions and lower-cases them', () => {
    const args = parseCliArgs(['regions', '--provider', 'AWS, gcp', '--energy-kwh', '2.5', '--json']);
    assert.deepEqual(args.command === 'regions' && [args.providers, args.energyKWh, args.json], [['aws', 'gcp'], 2.5, true]);
  });

  it('takes repeated and comma-separated filters for regions', () => {
    const args = parseCliArgs(['regions', '--provider', 'aws', '--provider=GCP,azure', '--country', 'FR', '--country', 'Germany', '--continent', 'Europe',
      '--max-distance-km', '800', '--near', '48.85,2.35', '--measured-only', '--run', '7f3c', '--from', 'US/CA', '--out', 'store']);
    assert.ok(args.command === 'regions');
    assert.deepEqual(args.providers, ['aws', 'gcp', 'azure']);
    assert.deepEqual(args.countries, ['FR', 'Germany']);
    assert.deepEqual(args.continents, ['Europe']);
    assert.deepEqual([args.maxDistanceKm, args.near, args.measuredOnly, args.runId, args.from, args.outDir], [800, { latitude: 48.85, longitude: 2.35 }, true, '7f3c', 'US/CA', 'store']);
  });

  it('reads the intensity options', () => {
    const args = parseCliArgs(['intensity', '--cloud', 'gcp:europe-west1', '--live', '--zone', 'BE', '--json']);
    assert.deepEqual(args.command === 'intensity' && [args.cloud, args.live, args.zone, args.json, args.country], ['gcp:europe-west1', true, 'BE', true, undefined]);
  });

  it('accepts a command without -- when no option follows it', () => {
    const args = parseCliArgs(['run', 'sleep', '1']);
    assert.deepEqual(args.command === 'run' && args.argv, ['sleep', '1']);
  });
});
