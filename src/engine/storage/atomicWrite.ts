import { basename, dirname, join } from 'node:path';
import { randomHex } from '../system/randomIds';
import { nodeFileSystem, StoreFileSystem } from './storeFileSystem';

/**
 * Replaces `filePath` with `text` so that a reader sees either the old file or the whole new one:
 * write a temporary file in the same directory (rename is only atomic within one file system),
 * fsync it, then rename it over the target.
 */
export async function writeFileAtomic(filePath: string, text: string, fileSystem: StoreFileSystem = nodeFileSystem): Promise<void> {
  const directory = dirname(filePath);
  const tempPath = join(directory, `.${basename(filePath)}.${process.pid}.${randomHex(4)}.tmp`);
  try {
    const handle = await fileSystem.open(tempPath, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fileSystem.rename(tempPath, filePath);
  } catch (error) {
    await fileSystem.unlink(tempPath).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory, fileSystem);
}

/** Makes the rename itself durable. Windows cannot open a directory for fsync, so failure is ignored. */
async function syncDirectory(directory: string, fileSystem: StoreFileSystem): Promise<void> {
  try {
    const handle = await fileSystem.open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the data itself is already synced.
  }
}

/** True for the temporary files `writeFileAtomic` leaves behind if the process dies mid-write. */
export function isAtomicWriteTempFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}
