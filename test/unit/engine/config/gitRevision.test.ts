import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGitRevision } from '../../../../src/engine/runContext/gitRevision';
import { pseudonym, runIdentity } from '../../../../src/engine/runContext/identity';

const COMMIT = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);

describe('gitRevision', () => {
  let root: string;
  beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'cm-git-')); });
  afterEach(async () => { await rm(root, { recursive: true, force: true }); });

  async function fakeRepository(files: Record<string, string>): Promise<void> {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    }
  }

  it('reads the branch and its loose ref from a subfolder of the repository', async () => {
    await fakeRepository({ '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': `${COMMIT}\n`, 'src/app/x.ts': '' });
    assert.deepEqual(await readGitRevision(join(root, 'src/app')), { commit: COMMIT, branch: 'main' });
  });

  it('finds a ref that git gc moved into packed-refs', async () => {
    await fakeRepository({ '.git/HEAD': 'ref: refs/heads/feature/x\n', '.git/packed-refs': `# pack-refs with: peeled fully-peeled sorted\n${OTHER} refs/heads/main\n${COMMIT} refs/heads/feature/x\n` });
    assert.deepEqual(await readGitRevision(root), { commit: COMMIT, branch: 'feature/x' });
  });

  it('gives the commit and no branch for a detached HEAD, as CI checkouts have', async () => {
    await fakeRepository({ '.git/HEAD': `${COMMIT}\n` });
    assert.deepEqual(await readGitRevision(root), { commit: COMMIT, branch: undefined });
  });

  it('follows a linked worktree to its own HEAD and the main repository refs', async () => {
    await fakeRepository({
      'main/.git/refs/heads/topic': `${OTHER}\n`,
      'main/.git/worktrees/wt/HEAD': 'ref: refs/heads/topic\n',
      'main/.git/worktrees/wt/commondir': '../..\n',
      'wt/.git': `gitdir: ${join(root, 'main/.git/worktrees/wt')}\n`,
    });
    assert.deepEqual(await readGitRevision(join(root, 'wt')), { commit: OTHER, branch: 'topic' });
  });

  it('gives no commit in a repository without one yet, and undefined outside any', async () => {
    await fakeRepository({ 'repo/.git/HEAD': 'ref: refs/heads/main\n', 'plain/file': '' });
    assert.deepEqual(await readGitRevision(join(root, 'repo')), { commit: undefined, branch: 'main' });
    // tmpdir() itself is not inside a repository on any machine these tests run on.
    assert.equal(await readGitRevision(join(root, 'plain')), undefined);
  });

  it('agrees with git itself on a real repository', function () {
    try {
      execFileSync('git', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    const repository = join(root, 'real');
    const git = (...args: string[]): string => execFileSync('git', ['-C', repository, ...args], { encoding: 'utf8' }).trim();
    execFileSync('git', ['init', '-q', '-b', 'trunk', repository]);
    execFileSync('sh', ['-c', `cd ${repository} && echo x > f && git add f && git -c user.name=t -c user.email=t@t commit -qm one && git pack-refs --all`]);
    return readGitRevision(repository).then((revision) => {
      assert.deepEqual(revision, { commit: git('rev-parse', 'HEAD'), branch: git('rev-parse', '--abbrev-ref', 'HEAD') });
    });
  });
});

describe('identity', () => {
  it('hashes user and host names by default, stably, and differently per kind', () => {
    const identity = runIdentity('ada', 'ada', false);
    assert.match(identity.userId, /^user-[0-9a-f]{12}$/);
    assert.match(identity.machineId, /^host-[0-9a-f]{12}$/);
    assert.notEqual(identity.userId.slice(5), identity.machineId.slice(5));
    assert.equal(pseudonym('user', 'ada'), identity.userId);
  });

  it('keeps the names when the user opts in', () => {
    assert.deepEqual(runIdentity('ada', 'lab-7', true), { userId: 'ada', machineId: 'lab-7', readable: true });
  });
});
