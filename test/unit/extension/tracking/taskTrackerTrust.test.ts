import '../useFakeVscode';
import * as assert from 'node:assert/strict';
import { fake } from '../fakeVscode';
import { SettingsReader } from '../../../../src/extension/settings/settingsReader';
import { TaskTracker } from '../../../../src/extension/tracking/taskTracker';
import type { RunTracker, StartRunRequest } from '../../../../src/extension/tracking/runTracker';

/** A RunTracker that only records what it was asked to measure. */
function recordingTracker(): { tracker: RunTracker; started: StartRunRequest[] } {
  const started: StartRunRequest[] = [];
  const tracker = {
    start: async (request: StartRunRequest) => {
      started.push(request);
      return undefined;
    },
  } as unknown as RunTracker;
  return { tracker, started };
}

const buildTask = { name: 'build', source: 'Workspace', definition: { type: 'shell' }, execution: { commandLine: 'make' }, scope: undefined };

describe('TaskTracker in an untrusted workspace', () => {
  beforeEach(() => fake.reset());

  it('neither lists nor runs the workspace\'s tasks, and says why with a way to manage trust', async () => {
    fake.isTrusted = false;
    fake.answer = 'Manage Workspace Trust';
    const { tracker } = recordingTracker();
    const tasks = new TaskTracker(tracker, () => ({ autoTrackTasks: false }) as never);
    await tasks.pickAndTrack();
    await tasks.track(buildTask as never);
    assert.equal(fake.fetchTasksCalls, 0);
    assert.deepEqual(fake.executedTasks, []);
    assert.equal(fake.messages.length, 2);
    assert.match(fake.messages[0]?.text ?? '', /Restricted Mode/);
    assert.deepEqual(fake.executedCommands, ['workbench.trust.manage', 'workbench.trust.manage']);
    tasks.dispose();
  });

  it('does not measure every task because the workspace turned autoTrackTasks on; does once the workspace is trusted', () => {
    fake.isTrusted = false;
    fake.settings.set('carbonMeter.autoTrackTasks', { defaultValue: false, workspaceValue: true });
    const settings = new SettingsReader(() => undefined);
    const { tracker, started } = recordingTracker();
    const tasks = new TaskTracker(tracker, () => settings.current);
    const execution = { task: buildTask, terminate: () => undefined };
    fake.taskProcessStarted.fire({ execution, processId: 4242 });
    assert.equal(started.length, 0);
    fake.grantTrust();
    fake.taskProcessStarted.fire({ execution: { ...execution }, processId: 4243 });
    assert.deepEqual(started.map((request) => request.rootPid), [4243]);
    tasks.dispose();
    settings.dispose();
  });

  it('runs and tracks a task once trusted', async () => {
    const { tracker } = recordingTracker();
    const tasks = new TaskTracker(tracker, () => ({ autoTrackTasks: false }) as never);
    await tasks.track(buildTask as never);
    assert.deepEqual(fake.executedTasks, [buildTask]);
    tasks.dispose();
  });
});
