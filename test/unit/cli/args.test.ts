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

  it('accepts a command without -- when no option follows it', () => {
    const args = parseCliArgs(['run', 'sleep', '1']);
    assert.deepEqual(args.command === 'run' && args.argv, ['sleep', '1']);
  });
});
