import { resolve } from 'node:path';
import { CarbonEngine } from '../engine/engine';
import { createElectricityMapsProvider, ELECTRICITY_MAPS_API_URL } from '../engine/intensity/electricityMapsProvider';
import { createIntensityCache } from '../engine/intensity/intensityCache';
import { DEFAULT_ZONE_TAB_PATH, systemTimeZone } from '../engine/intensity/timeZoneCountry';
import { CliArgs, DEFAULT_INTERVAL_MS, parseCliArgs, printable, USAGE, UsageError } from './args';
import type { CliIo } from './cliIo';
import { findDataDir } from './dataDir';
import { userCacheDir } from '../engine/storage/userCacheDir';
import { runDoctorCommand } from './commands/doctorCommand';
import { runLifecycleCommand } from './commands/lifecycleCommand';
import { ELECTRICITY_MAPS_KEY_VARIABLE, LiveProviderChoice, runIntensityCommand } from './commands/intensityCommand';
import { runRegionsCommand } from './commands/regionsCommand';
import { runReportCommand } from './commands/reportCommand';
import { recoverInterruptedRuns, runRunCommand } from './commands/runCommand';

declare const CARBON_METER_VERSION: string | undefined;

/** Exit code for bad arguments, as the issue and most CLIs use. */
const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

function createEngine(args: CliArgs, io: CliIo): CarbonEngine {
  const withRoots = args.command === 'run' || args.command === 'doctor' ? args : undefined;
  // `report --out` is where a report goes; for these commands --out is the run store, as for `run`.
  const storeFlag = args.command === 'run' || args.command === 'regions' || args.command === 'intensity' ? args.outDir : undefined;
  return new CarbonEngine({
    dataDir: findDataDir(),
    storageDir: resolve(io.cwd, storeFlag || io.env.CARBON_METER_OUT || '.carbon-meter'),
    sysfsRoot: withRoots?.sysfsRoot ?? '/sys',
    procRoot: '/proc',
    nvidiaSmiPath: withRoots?.nvidiaSmiPath ?? io.env.CARBON_METER_NVIDIA_SMI ?? 'nvidia-smi',
    intervalMs: args.command === 'run' ? args.intervalMs : DEFAULT_INTERVAL_MS,
  }, { onWarning: (message) => io.stderr(`carbon-meter: ${message}\n`), otherStorageFolder: '--out DIR' });
}

/** The Electricity Maps provider when a key is set; CARBON_METER_ELECTRICITY_MAPS_URL points it elsewhere (a proxy, a test server). */
function liveProviderFrom(env: NodeJS.ProcessEnv): LiveProviderChoice {
  const apiKey = env[ELECTRICITY_MAPS_KEY_VARIABLE]?.trim();
  if (!apiKey) return { reason: `live intensity needs an Electricity Maps API key in ${ELECTRICITY_MAPS_KEY_VARIABLE} (free tier: https://api-portal.electricitymaps.com)` };
  const cacheDir = userCacheDir(env, 'intensity');
  return {
    provider: createElectricityMapsProvider({
      apiKey,
      baseUrl: env.CARBON_METER_ELECTRICITY_MAPS_URL || ELECTRICITY_MAPS_API_URL,
      cache: cacheDir ? createIntensityCache({ directory: cacheDir }) : undefined,
    }),
  };
}

function assertNever(value: never): never {
  throw new Error(`unhandled command ${JSON.stringify(value)}`);
}

/** Runs one CLI invocation and resolves to its exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let engine: CarbonEngine | undefined;
  try {
    // `lifecycle` needs no engine (no power sources, no store of its own): it parses its own flags with args.ts' helpers.
    if (argv[0] === 'lifecycle') {
      io.stdout(await runLifecycleCommand(argv.slice(1), { io, dataDir: findDataDir() }));
      return 0;
    }
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
      case 'intensity': {
        const store = engine.store;
        const context = {
          data: engine.data, io,
          // A run a crashed tracker left as a journal becomes readable by its id, as `report` finds it.
          readRun: async (id: string) => {
            await recoverInterruptedRuns(store, io);
            return store.readRun(id);
          },
          timeZone: systemTimeZone(io.env), zoneTabPath: DEFAULT_ZONE_TAB_PATH,
          liveProvider: () => liveProviderFrom(io.env),
        };
        io.stdout(args.command === 'regions' ? await runRegionsCommand(args, context) : await runIntensityCommand(args, context));
        return 0;
      }
      case 'report': return await runReportCommand(args, engine, io);
      case 'doctor': return await runDoctorCommand(args, engine, io);
      default: return assertNever(args);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`carbon-meter: ${printable(error.message)}\nRun "carbon-meter help" for usage.\n`);
      return EXIT_USAGE;
    }
    // The message may quote a path or run id as typed: no escape sequence in it reaches the terminal.
    io.stderr(`carbon-meter: ${printable((error as Error).message ?? String(error))}\n`);
    return EXIT_FAILURE;
  } finally {
    engine?.dispose();
  }
}

/** Runs the CLI on this process's arguments, streams and environment, and sets its exit code. */
export function runAsProgram(): void {
  // `carbon-meter regions | head`: a reader that went away is not an error; stop quietly as other tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
  void main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}

// dist/cli.js calls runAsProgram through the compile cache (src/launcher); tests run this file directly.
if (require.main === module) runAsProgram();
