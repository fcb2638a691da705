/** What a failed write was, as the store reports it (`StoreWriteFailure` satisfies this). */
export interface FailedWrite {
  readonly runId: string;
  readonly code: string | undefined;
  readonly message: string;
  readonly path?: string;
}

/** The cause in words and what the user can do about it, per system error code. */
function causeAndFix(code: string | undefined): { cause: string; fix: string } | undefined {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return { cause: 'the disk is full', fix: 'free some space on it' };
    case 'EROFS':
      return { cause: 'the file system is read-only', fix: 'remount it read-write' };
    case 'EACCES':
    case 'EPERM':
      return { cause: 'permission denied', fix: 'make the folder writable by this user' };
    case 'ENOENT':
    case 'ENOTDIR':
    case 'EEXIST':
      return { cause: 'the folder was removed or a file is in its place', fix: 'remove whatever is in its place (a removed folder is recreated)' };
    case 'EIO':
      return { cause: 'the disk reported an I/O error', fix: 'check the disk' };
    default:
      return undefined;
  }
}

/**
 * One sentence for the user about a write that failed: the path, the cause, the fix, and that nothing
 * is lost yet. `otherFolder` names how to pick another store folder where the message is shown
 * (`--out DIR` in the CLI, the `carbonMeter.storageLocation` setting in VS Code).
 */
export function describeStoreFailure(failure: FailedWrite, otherFolder: string): string {
  const known = causeAndFix(failure.code);
  const where = failure.path ?? `run ${failure.runId}`;
  const cause = known ? `${known.cause} (${failure.code})` : failure.message;
  const fix = known ? `${known.fix}, or choose another folder with ${otherFolder}` : `choose another folder with ${otherFolder}`;
  return `could not write ${where}: ${cause}. Run ${failure.runId} is kept in memory and written as soon as storage is back; to fix it, ${fix}.`;
}
