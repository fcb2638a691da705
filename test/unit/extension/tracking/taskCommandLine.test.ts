import { strict as assert } from 'node:assert';
import { taskCommandLine, taskKey } from '../../../../src/extension/tracking/taskCommandLine';

describe('taskCommandLine', () => {
  it('uses a shell task\'s command line', () => {
    assert.equal(taskCommandLine({ name: 'build', execution: { commandLine: 'npm run build' } as never }), 'npm run build');
  });

  it('joins a shell task\'s command and quoted arguments', () => {
    assert.equal(taskCommandLine({ name: 'burn', execution: { command: 'node', args: ['cpuBurn.mjs', { value: '20', quoting: 1 }] } as never }), 'node cpuBurn.mjs 20');
  });

  it('joins a process task\'s process and arguments', () => {
    assert.equal(taskCommandLine({ name: 'test', execution: { process: 'make', args: ['-j2', 'test'] } as never }), 'make -j2 test');
  });

  it('falls back to the task name for a custom execution', () => {
    assert.equal(taskCommandLine({ name: 'custom', execution: {} as never }), 'custom');
    assert.equal(taskCommandLine({ name: 'none', execution: undefined }), 'none');
  });
});

describe('taskKey', () => {
  it('tells tasks of the same name from different sources apart', () => {
    assert.notEqual(taskKey({ name: 'build', source: 'npm' }), taskKey({ name: 'build', source: 'Workspace' }));
    assert.equal(taskKey({ name: 'build', source: 'npm' }), taskKey({ name: 'build', source: 'npm' }));
  });
});
