import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { RunRecord } from './reports/runRecord';
import type { RunSession } from './runSession';

/** How a tracked command ended. */
export interface CommandOutcome {
  /** The exit code to pass on: the command's own, or 128 + signal number as shells do. */
  readonly exitCode: number;
  readonly signal: NodeJS.Signals | undefined;
  readonly record: RunRecord | undefined;
}

export interface TrackCommandOptions {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Starts measuring the child's process tree; called right after the spawn so the command does not wait on it. */
  readonly startSession: (rootPid: number) => Promise<RunSession>;
  /** Reports a failure to start or record, for the CLI to print. */
  readonly onError: (message: string) => void;
}

const SIGNALS_TO_FORWARD: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * Runs a command with inherited stdio, measures it, and passes its exit status through. Ctrl-C reaches
 * the command (same process group) and is ignored here, so the run is still recorded when it stops,
 * as `time` does.
 */
export async function trackCommand(options: TrackCommandOptions): Promise<CommandOutcome> {
  const [file, ...args] = options.argv;
  if (!file) throw new Error('No command to run.');
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: 'inherit' });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const forward = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  // Ctrl-C reaches the whole foreground group, the child included: passing it on would deliver it twice.
  const ignoreInterrupt = (): void => undefined;
  process.on('SIGINT', ignoreInterrupt);
  for (const signal of SIGNALS_TO_FORWARD) process.on(signal, forward);
  try {
    try {
      await spawned;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      options.onError(code === 'ENOENT' ? `command not found: ${file}` : `could not start ${file}: ${(error as Error).message}`);
      // 127 and 126, as shells report a missing or non-executable command.
      return { exitCode: code === 'ENOENT' ? 127 : 126, signal: undefined, record: undefined };
    }
    const pid = child.pid as number;
    let session: RunSession | undefined;
    const sessionReady = options.startSession(pid).then(
      (started) => { session = started; },
      (error: unknown) => options.onError(`measurement could not start: ${(error as Error).message}`),
    );
    const { code, signal } = await exited;
    await sessionReady;
    const exitCode = code ?? 128 + (signal ? osConstants.signals[signal] ?? 0 : 0);
    let record: RunRecord | undefined;
    if (session) {
      try {
        record = await session.finish({ exitCode: code ?? undefined, status: 'finished' });
      } catch (error) {
        options.onError(`the run could not be recorded: ${(error as Error).message}`);
      }
    }
    return { exitCode, signal: signal ?? undefined, record };
  } finally {
    process.off('SIGINT', ignoreInterrupt);
    for (const signal of SIGNALS_TO_FORWARD) process.off(signal, forward);
  }
}
