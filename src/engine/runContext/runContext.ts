import { hostname, userInfo } from 'node:os';
import { GitRevision, readGitRevision } from './gitRevision';
import { runIdentity } from './identity';

/** Who ran a run, where, and on which commit: stored in its record so a team can group and trace runs. */
export interface RunContext {
  readonly userId: string;
  readonly machineId: string;
  /** True when the ids are the user's and host's names, by the user's choice; pseudonyms otherwise. */
  readonly readableIds: boolean;
  readonly git: GitRevision | undefined;
}

export interface RunContextInput {
  /** Where the command runs: its repository, if any, gives the commit and branch. */
  readonly workingDirectory: string;
  readonly readableIds: boolean;
  /** Injectable for tests; default the OS's. */
  readonly userName?: string;
  readonly hostName?: string;
}

/** The OS user name; some containers run as a uid with no passwd entry, where userInfo throws. */
function currentUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

export async function readRunContext(input: RunContextInput): Promise<RunContext> {
  const identity = runIdentity(input.userName ?? currentUserName(), input.hostName ?? hostname(), input.readableIds);
  return {
    userId: identity.userId,
    machineId: identity.machineId,
    readableIds: input.readableIds,
    git: await readGitRevision(input.workingDirectory).catch(() => undefined),
  };
}
