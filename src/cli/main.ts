import { resolve } from 'node:path';
import { CarbonEngine } from '../engine/engine';
import { CliArgs, DEFAULT_INTERVAL_MS, parseCliArgs, USAGE, UsageError } from './args';
import type { CliIo } from './cliIo';
import { findDataDir } from './dataDir';
import { runDoctorCommand } from './commands/doctorCommand';
import { runRegionsCommand } from './commands/regionsCommand';
import { runReportCommand } from './commands/reportCommand';
import { runRunCommand } from './commands/runCommand';

declare const CARBON_METER_VERSION: string | undefined;

/** Exit code for bad arguments, as the issue and most CLIs use. */
const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

function createEngine(args: CliArgs, io: CliIo): CarbonEngine {
  const withRoots = args.command === 'run' || args.command === 'doctor' ? args : undefined;
  return new CarbonEngine({
    dataDir: findDataDir(),
    storageDir: resolve(io.cwd, (args.command === 'run' && args.outDir) || io.env.CARBON_METER_OUT || '.carbon-meter'),
    sysfsRoot: withRoots?.sysfsRoot ?? '/sys',
    procRoot: '/proc',
    nvidiaSmiPath: withRoots?.nvidiaSmiPath ?? io.env.CARBON_METER_NVIDIA_SMI ?? 'nvidia-smi',
    intervalMs: args.command === 'run' ? args.intervalMs : DEFAULT_INTERVAL_MS,
  }, { onWarning: (message) => io.stderr(`carbon-meter: ${message}\n`) });
}

function assertNever(value: never): never {
  throw new Error(`unhandled command ${JSON.stringify(value)}`);
}

/** Runs one CLI invocation and resolves to its exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let engine: CarbonEngine | undefined;
  try {
    const args = parseCliArgs(argv);
    if (args.command === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    if (args.command === 'version') {
      io.stdout(`${typeof CARBON_METER_VERSION === 'string' ? CARBON_METER_VERSION : 'dev'}\n`);
      return 0;
    }
    engine = createEngine(args, io);
    switch (args.command) {
      case 'run': return await runRunCommand(args, engine, io);
      case 'regions':
        io.stdout(runRegionsCommand(args, engine.data));
        return 0;
      case 'report': return await runReportCommand(args, engine, io);
      case 'doctor': return await runDoctorCommand(args, engine, io);
      default: return assertNever(args);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`carbon-meter: ${error.message}\nRun "carbon-meter help" for usage.\n`);
      return EXIT_USAGE;
    }
    io.stderr(`carbon-meter: ${(error as Error).message ?? String(error)}\n`);
    return EXIT_FAILURE;
  } finally {
    engine?.dispose();
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
