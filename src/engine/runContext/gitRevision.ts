import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** The commit a run measured, so a figure can be tied to the code that produced it. */
export interface GitRevision {
  /** Full hex object name of HEAD; undefined in a repository with no commit yet. */
  readonly commit: string | undefined;
  /** Branch name, or undefined when HEAD is detached (CI checkouts often are). */
  readonly branch: string | undefined;
}

const OBJECT_NAME = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The repository's git directory: `.git` itself, or the one a worktree's or submodule's `.git` file points to. */
async function findGitDirectory(start: string): Promise<string | undefined> {
  let directory = resolve(start);
  for (;;) {
    const candidate = join(directory, '.git');
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isDirectory()) return candidate;
    if (info?.isFile()) {
      const pointer = /^gitdir:\s*(.+)$/m.exec((await readText(candidate)) ?? '')?.[1]?.trim();
      if (pointer) return isAbsolute(pointer) ? pointer : resolve(directory, pointer);
    }
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** A ref's object name: loose file first, then packed-refs (where `git gc` moves refs). */
async function resolveRef(gitDirectory: string, commonDirectory: string, ref: string): Promise<string | undefined> {
  for (const base of [gitDirectory, commonDirectory]) {
    const loose = (await readText(join(base, ref)))?.trim();
    if (loose && OBJECT_NAME.test(loose)) return loose;
  }
  const packed = (await readText(join(commonDirectory, 'packed-refs'))) ?? '';
  for (const line of packed.split('\n')) {
    const [name, refName] = line.trim().split(' ');
    if (refName === ref && name && OBJECT_NAME.test(name)) return name;
  }
  return undefined;
}

/**
 * Reads HEAD's commit and branch from the files under `.git`, without spawning `git` (it may not be
 * installed, and a spawn per run start costs more than these reads). Undefined outside a repository.
 */
export async function readGitRevision(workingDirectory: string): Promise<GitRevision | undefined> {
  const gitDirectory = await findGitDirectory(workingDirectory);
  if (!gitDirectory) return undefined;
  const head = (await readText(join(gitDirectory, 'HEAD')))?.trim();
  if (!head) return undefined;
  // A linked worktree keeps its HEAD in its own folder and its refs in the main repository's.
  const commonPointer = (await readText(join(gitDirectory, 'commondir')))?.trim();
  const commonDirectory = commonPointer ? resolve(gitDirectory, commonPointer) : gitDirectory;
  const symbolic = /^ref:\s*(\S+)$/.exec(head);
  if (!symbolic) return { commit: OBJECT_NAME.test(head) ? head : undefined, branch: undefined };
  const ref = symbolic[1] as string;
  return {
    commit: await resolveRef(gitDirectory, commonDirectory, ref),
    branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined,
  };
}
