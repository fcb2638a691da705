import { closeSync, openSync, readSync } from 'node:fs';

/**
 * A procfs file read again and again through one descriptor kept open between reads (`/proc/stat`,
 * `/proc/meminfo`): a positioned read at 0 makes the kernel generate the file again, one syscall instead
 * of open, fstat, read, read and close (~15 µs instead of ~35 µs here). A file replaced by rename keeps
 * showing its old content through the descriptor, which procfs never does; call `close` to let go.
 */
export class KeptProcFile {
  private fd: number | undefined;
  // /proc/stat grows with CPUs and interrupts; the buffer doubles until one read holds the whole file.
  private buffer = Buffer.alloc(8_192);

  constructor(readonly path: string) {}

  /** The whole file. Throws the open or read error, as readFileSync would. */
  read(): string {
    if (this.fd !== undefined) {
      try {
        const text = this.readAll(this.fd);
        // Empty: a fixture being rewritten; open the path again rather than trust the descriptor.
        if (text !== '') return text;
      } catch {
        // A descriptor that stopped working: open the path again.
      }
      this.close();
    }
    const fd = openSync(this.path, 'r');
    try {
      const text = this.readAll(fd);
      this.fd = fd;
      return text;
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Closes the descriptor; the next read opens it again. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed: nothing to release.
    }
    this.fd = undefined;
  }

  private readAll(fd: number): string {
    for (;;) {
      const length = readSync(fd, this.buffer, 0, this.buffer.length, 0);
      if (length < this.buffer.length) return this.buffer.toString('latin1', 0, length);
      this.buffer = Buffer.alloc(this.buffer.length * 2);
    }
  }
}
