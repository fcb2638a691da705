import * as assert from 'node:assert/strict';
import { groupHistory, totalsOf, withRun } from '../../../src/webview/history';
import { buildSummary, STARTED_AT_MS } from './viewBuilders';

const HOUR_MS = 3_600_000;

function run(id: string, projectName: string, experimentName: string, hoursAgo: number, energyKWh = 0.001, emissionsKg = 0.0001) {
  return buildSummary({ id, projectName, experimentName, startedAtMs: STARTED_AT_MS - hoursAgo * HOUR_MS, energyKWh, emissionsKg });
}

describe('panel history', () => {
  it('groups runs by project, then experiment, the group with the newest run first', () => {
    const groups = groupHistory([
      run('a', 'web', 'build', 5),
      run('b', 'ml', 'resnet', 1),
      run('c', 'web', 'test', 2),
      run('d', 'ml', 'baseline', 3),
      run('e', 'web', 'build', 4),
    ]);
    assert.deepEqual(groups.map((project) => project.projectName), ['ml', 'web']);
    const web = groups[1];
    assert.deepEqual(web?.experiments.map((experiment) => experiment.experimentName), ['test', 'build']);
    assert.deepEqual(web?.experiments[1]?.runs.map((entry) => entry.id), ['e', 'a']);
  });

  it('adds up energy, emissions and runs per experiment and per project', () => {
    const groups = groupHistory([
      run('a', 'web', 'build', 1, 0.002, 0.0002),
      run('b', 'web', 'build', 2, 0.003, 0.0003),
      run('c', 'web', 'test', 3, 0.005, 0.0005),
    ]);
    const web = groups[0];
    assert.equal(web?.totals.runCount, 3);
    assert.ok(Math.abs((web?.totals.energyKWh ?? 0) - 0.01) < 1e-15);
    assert.ok(Math.abs((web?.totals.emissionsKg ?? 0) - 0.001) < 1e-15);
    const build = web?.experiments[0];
    assert.equal(build?.experimentName, 'build');
    assert.equal(build?.totals.runCount, 2);
    assert.ok(Math.abs((build?.totals.energyKWh ?? 0) - 0.005) < 1e-15);
  });

  it('counts a run listed twice once, with its later entry', () => {
    const groups = groupHistory([run('a', 'web', 'build', 1, 0.001), run('a', 'web', 'build', 1, 0.004)]);
    assert.equal(groups[0]?.totals.runCount, 1);
    assert.equal(groups[0]?.totals.energyKWh, 0.004);
  });

  it('keeps runs without a project or experiment name in their own group', () => {
    const groups = groupHistory([run('a', '', '', 1), run('b', 'web', 'build', 2)]);
    assert.deepEqual(groups.map((project) => project.projectName), ['', 'web']);
  });

  it('has no groups and zero totals for no runs', () => {
    assert.deepEqual(groupHistory([]), []);
    assert.deepEqual(totalsOf([]), { energyKWh: 0, emissionsKg: 0, runCount: 0 });
  });

  it('puts a run in place of its stale entry, or first when it is not listed', () => {
    const listed = [run('a', 'web', 'build', 1), run('b', 'web', 'build', 2)];
    const fresher = run('b', 'web', 'build', 2, 0.5);
    assert.deepEqual(withRun(listed, fresher).map((entry) => [entry.id, entry.energyKWh]), [['a', 0.001], ['b', 0.5]]);
    assert.deepEqual(withRun(listed, run('c', 'web', 'build', 0)).map((entry) => entry.id), ['c', 'a', 'b']);
    assert.equal(listed[1]?.energyKWh, 0.001, 'the list it was given is left alone');
  });
});
