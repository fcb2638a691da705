import * as fsPromises from 'node:fs/promises';

/**
 * The file operations the run store uses. Injectable so tests can simulate ENOSPC or EROFS, which
 * cannot be provoked on a real disk when the tests run as root.
 */
export type StoreFileSystem = Pick<
  typeof fsPromises,
  'mkdir' | 'appendFile' | 'readFile' | 'writeFile' | 'readdir' | 'rename' | 'unlink' | 'stat' | 'truncate' | 'open'
>;

/** The real file system. */
export const nodeFileSystem: StoreFileSystem = fsPromises;

/** The `code` of a Node system error (ENOENT, ENOSPC…), or undefined for anything else. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** A one-line description of an error for status messages. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
