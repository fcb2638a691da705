import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseCliArgs, UsageError } from '../../../src/cli/args';
import { main } from '../../../src/cli/main';

const COMMANDS = ['run', 'regions', 'intensity', 'report', 'doctor', 'help', 'version', 'lifecycle'];
const FLAGS = [
  'country', 'region', 'cloud', 'pue', 'interval-ms', 'project', 'experiment', 'tracking-mode', 'out', 'sysfs-root', 'nvidia-smi', 'quiet',
  'provider', 'continent', 'max-distance-km', 'near', 'measured-only', 'energy-kwh', 'run', 'from', 'json', 'full', 'limit', 'zone', 'live', 'format',
];
/** Values near the edges the parser checks: numbers out of range, odd numerals, separators, control characters. */
const EDGY = ['', ' ', '--', '-', '=', ',', ',,', '0', '-1', '1e999', 'NaN', 'Infinity', '0x10', '1_000', '48.8,', ',2', '95,2', '1,2,3', 'aws:', ':x',
  'gcp:europe-west1', 'FR', '\u0000', '\u001b[31mred', 'é', '\ud800', 'x'.repeat(5000), 'process', 'machine', 'md', 'pdf', '__proto__', 'constructor'];

const token = fc.oneof(
  fc.constantFrom(...COMMANDS, ...EDGY),
  fc.constantFrom(...FLAGS).map((flag) => `--${flag}`),
  fc.tuple(fc.constantFrom(...FLAGS), fc.oneof(fc.constantFrom(...EDGY), fc.string())).map(([flag, value]) => `--${flag}=${value}`),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const argv = fc.tuple(fc.constantFrom(...COMMANDS), fc.array(token, { maxLength: 8 })).map(([command, rest]) => [command, ...rest]);
const anyArgv = fc.oneof(argv, fc.array(token, { maxLength: 8 }));

describe('CLI arguments under fuzzing', () => {
  it('parseCliArgs either returns a command or throws a UsageError: never another error', () => {
    fc.assert(fc.property(anyArgv, (tokens) => {
      try {
        parseCliArgs(tokens);
      } catch (error) {
        assert.ok(error instanceof UsageError, `${(error as Error).stack}`);
        assert.ok(error.message.length > 0 && error.message.length < 400, `message of ${error.message.length} characters`);
        assert.doesNotMatch(error.message, /[\u0000-\u0008\u000b-\u001f\u007f]/, 'no control character reaches the terminal');
      }
    }), { numRuns: 2000 });
  });

  it('keeps every value given to a text option unchanged', () => {
    fc.assert(fc.property(fc.constantFrom('country', 'region', 'project', 'experiment', 'out', 'sysfs-root', 'nvidia-smi'),
      fc.string({ minLength: 1 }).filter((value) => !value.startsWith('--')), fc.boolean(), (flag, value, withEquals) => {
        const tokens = withEquals ? [`--${flag}=${value}`] : [`--${flag}`, value];
        const args = parseCliArgs(['run', ...tokens, '--', 'true']);
        const key = { country: 'country', region: 'region', project: 'project', experiment: 'experiment', out: 'outDir', 'sysfs-root': 'sysfsRoot', 'nvidia-smi': 'nvidiaSmiPath' }[flag];
        assert.equal((args as unknown as Record<string, unknown>)[key as string], value);
      }), { numRuns: 300 });
  });

  it('keeps the command after -- exactly as given, whatever it holds', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }), (command) => {
      const args = parseCliArgs(['run', '--quiet', '--', ...command]);
      assert.deepEqual(args.command === 'run' && args.argv, command);
    }), { numRuns: 300 });
  });

  describe('main', () => {
    let cwd: string;
    beforeEach(() => {
      cwd = mkdtempSync(join(tmpdir(), 'cli-fuzz-'));
    });
    afterEach(() => rmSync(cwd, { recursive: true, force: true }));

    it('turns every argument list the parser refuses into exit code 2 with one clear message on stderr, nothing on stdout', async () => {
      await fc.assert(fc.asyncProperty(anyArgv, async (tokens) => {
        let refused: UsageError | undefined;
        try {
          parseCliArgs(tokens);
        } catch (error) {
          refused = error as UsageError;
        }
        fc.pre(refused !== undefined && tokens[0] !== 'lifecycle');
        const out: string[] = [];
        const err: string[] = [];
        const code = await main(tokens, { cwd, env: {}, stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
        assert.equal(code, 2);
        assert.deepEqual(out, []);
        assert.equal(err.join(''), `carbon-meter: ${refused?.message}\nRun "carbon-meter help" for usage.\n`);
      }), { numRuns: 500 });
    });

    it('never throws and exits 0, 1 or 2 for any arguments of the commands that run nothing', async () => {
      const safe = fc.tuple(fc.constantFrom('regions', 'report', 'intensity', 'lifecycle', 'help', 'version'), fc.array(token, { maxLength: 6 }))
        .map(([command, rest]) => [command, ...rest]);
      await fc.assert(fc.asyncProperty(safe, async (tokens) => {
        const err: string[] = [];
        const code = await main(tokens, { cwd, env: {}, stdout: () => undefined, stderr: (text) => err.push(text) });
        assert.ok([0, 1, 2].includes(code), `${JSON.stringify(tokens)} exited ${code}`);
        if (code !== 0) assert.match(err.join(''), /^carbon-meter: /);
        assert.doesNotMatch(err.join(''), /\n\s+at .*\(/, 'no stack trace');
        assert.doesNotMatch(err.join(''), /[\u0000-\u0008\u000b-\u001f\u007f]/, 'no control character reaches the terminal');
      }), { numRuns: 300 });
    });
  });
});
