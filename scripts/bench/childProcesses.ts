import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';

/** Resolves when the child has exited and Node has reaped it (its rusage is then in our cutime/cstime). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

/** Runs a command to completion and returns its wall time in milliseconds. */
export async function timeCommand(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<number> {
  const startedAt = performance.now();
  const child = spawn(command, args, { stdio: 'ignore', ...options });
  const code = await exited(child);
  const elapsedMs = performance.now() - startedAt;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
  return elapsedMs;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
