import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Most /proc descriptors all readers together keep open. A huge tree falls back to open/read/close
 * beyond it, so tracking cannot exhaust the process's descriptors (VS Code's extension host shares them).
 */
export const MAX_CACHED_PROC_FDS = 512;

let cachedFdCount = 0;

// One buffer for every /proc read, reused so a scan allocates only the decoded strings. A stat file is
// under 1 KiB; a children file of a thread with thousands of children reaches tens of KiB.
const READ_BUFFER = Buffer.alloc(65_536);

/**
 * Reads the file behind `fd` from offset 0, up to 64 KiB, or undefined when the read fails (ESRCH: the
 * process behind a /proc descriptor is gone). A positioned read at 0 makes a /proc file generate its
 * content again, so a kept descriptor re-reads for one syscall instead of three. One read is enough:
 * /proc (seq_file) and regular files fill the buffer as far as they have content.
 */
export function readWholeFd(fd: number): string | undefined {
  try {
    const length = readSync(fd, READ_BUFFER, 0, READ_BUFFER.length, 0);
    return READ_BUFFER.toString('latin1', 0, length);
  } catch {
    return undefined;
  }
}

/** How a kept descriptor's empty read is understood. */
export interface ProcReadOptions {
  /**
   * True for files that are never empty while their process lives (stat, schedstat): an empty read
   * then means the file behind the descriptor was replaced (a fixture rewritten), so the path is
   * opened again. False for files that may be empty (a children file of a childless thread).
   */
  readonly emptyMeansStale: boolean;
  /** False for a file read once in a while: it is closed after the read (an already kept descriptor stays). Default true. */
  readonly keepOpen?: boolean;
}

/** One file's content, and whether it came through a descriptor kept from an earlier read. */
export interface ProcRead {
  readonly text: string;
  /**
   * True when read through a descriptor kept open since an earlier read, hence from the same process
   * as that read (a /proc descriptor does not follow its pid to a new owner).
   */
  readonly viaKeptFd: boolean;
}

/**
 * Reads small /proc files, keeping their descriptors open between reads (~5 µs a re-read instead of
 * ~17 µs for open/read/close). A /proc/<pid> descriptor stays bound to the process it was opened for:
 * once that process is reaped, reads fail with ESRCH even if the pid is reused, and the path is opened
 * afresh, which reaches the pid's new owner. Call `retainOnly` after each scan and `dispose` at the end.
 */
export class ProcFileReader {
  /**
   * Open descriptors by the file's name under `/proc/<pid>/`, grouped by pid so a vanished process's
   * files close together. A kept file is found without building its path, which costs as much as the read.
   */
  private readonly fdsByPid = new Map<number, Map<string, number>>();

  constructor(private readonly procRoot: string) {}

  /**
   * The content of `<procRoot>/<pid>/<name>` (`stat`, `schedstat`, `task/<tid>/children`), or undefined when
   * it does not exist or cannot be read.
   */
  read(pid: number, name: string, options: ProcReadOptions): ProcRead | undefined {
    const kept = this.fdsByPid.get(pid)?.get(name);
    if (kept !== undefined) {
      const text = readWholeFd(kept);
      if (text !== undefined && (text !== '' || !options.emptyMeansStale)) return { text, viaKeptFd: true };
      this.closeOne(pid, name, kept);
    }
    let fd: number;
    try {
      fd = openSync(`${this.procRoot}/${pid}/${name}`, 'r');
    } catch {
      return undefined;
    }
    const text = readWholeFd(fd);
    if (text === undefined || options.keepOpen === false || cachedFdCount >= MAX_CACHED_PROC_FDS) {
      closeSync(fd);
      return text === undefined ? undefined : { text, viaKeptFd: false };
    }
    let files = this.fdsByPid.get(pid);
    if (!files) this.fdsByPid.set(pid, (files = new Map()));
    files.set(name, fd);
    cachedFdCount++;
    return { text, viaKeptFd: false };
  }

  /** Closes the descriptors of every pid that `keep` rejects. */
  retainOnly(keep: (pid: number) => boolean): void {
    for (const pid of this.fdsByPid.keys()) if (!keep(pid)) this.closePid(pid);
  }

  /** Closes every descriptor; the reader stays usable and reopens on the next read. */
  dispose(): void {
    for (const pid of [...this.fdsByPid.keys()]) this.closePid(pid);
  }

  /** Descriptors this reader holds open; for tests. */
  get openFdCount(): number {
    let count = 0;
    for (const files of this.fdsByPid.values()) count += files.size;
    return count;
  }

  private closePid(pid: number): void {
    for (const fd of this.fdsByPid.get(pid)?.values() ?? []) closeQuietly(fd);
    this.fdsByPid.delete(pid);
  }

  private closeOne(pid: number, name: string, fd: number): void {
    closeQuietly(fd);
    const files = this.fdsByPid.get(pid);
    files?.delete(name);
    if (files?.size === 0) this.fdsByPid.delete(pid);
  }
}

function closeQuietly(fd: number): void {
  cachedFdCount--;
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing to release.
  }
}
