import * as assert from 'node:assert/strict';
import type { HostToPanelMessage, RunView } from '../../../src/protocol/panelMessages';
import {
  exportableRunId,
  INITIAL_PANEL_STATE,
  reducePanel,
  shownRun,
  type PanelEvent,
  type PanelState,
} from '../../../src/webview/panelState';
import { MAX_CHART_POINTS } from '../../../src/webview/samples';
import { buildDiagnostics, buildRun, buildSample, buildSummary, KG_PER_SAMPLE, snapshot } from './viewBuilders';

const host = (message: HostToPanelMessage): PanelEvent => ({ type: 'host', message });

/** Applies the events in order; returns the final state and every message sent on the way. */
function play(events: PanelEvent[], from: PanelState = INITIAL_PANEL_STATE) {
  let state = from;
  const sent: unknown[] = [];
  for (const event of events) {
    const transition = reducePanel(state, event);
    state = transition.state;
    sent.push(...transition.outgoing);
  }
  return { state, sent };
}

const running = (samples = 10, id = 'live'): RunView => buildRun(samples, { id, status: 'running', exitCode: undefined });
const pastRuns = [
  buildSummary({ id: 'old', startedAtMs: 1_000 }),
  buildSummary({ id: 'newest', startedAtMs: 5_000 }),
  buildSummary({ id: 'middle', startedAtMs: 3_000 }),
];

describe('panel state', () => {
  it('keeps the weekly trend and top tasks of the latest snapshot, and none from a host that sends none', () => {
    const projects = { weeks: [{ weekStartMs: 345_600_000, runs: 2, energyKWh: 0.1, emissionsKg: 0.02 }], topTasks: [] };
    const withProjects = play([host({ type: 'snapshot', run: undefined, recentRuns: pastRuns, diagnostics: undefined, projects })]).state;
    assert.equal(withProjects.projects, projects);
    assert.equal(play([host(snapshot(undefined, pastRuns))], withProjects).state.projects, undefined);
  });

  it('shows the run a snapshot brings, with its history and diagnostics, and sends nothing', () => {
    const diagnostics = buildDiagnostics();
    const { state, sent } = play([host(snapshot(running(), pastRuns, diagnostics))]);
    const shown = shownRun(state);
    assert.equal(shown.kind, 'run');
    assert.equal(shown.kind === 'run' && shown.run.summary.id, 'live');
    assert.equal(state.recentRuns, pastRuns);
    assert.equal(state.diagnostics, diagnostics);
    assert.deepEqual(sent, []);
  });

  it('shows nothing before any run, and the empty state stays until one comes', () => {
    const { state, sent } = play([host(snapshot(undefined))]);
    assert.deepEqual(shownRun(state), { kind: 'none' });
    assert.deepEqual(sent, []);
  });

  it('with no run tracked, opens the newest past run and asks for its details', () => {
    const { state, sent } = play([host(snapshot(undefined, pastRuns))]);
    assert.deepEqual(sent, [{ type: 'selectRun', runId: 'newest' }]);
    const shown = shownRun(state);
    assert.equal(shown.kind, 'loading');
    assert.equal(shown.kind === 'loading' && shown.summary?.id, 'newest', 'its history entry fills the figures meanwhile');
  });

  it('thins a long run from a snapshot to what the charts draw', () => {
    const { state } = play([host(snapshot(running(10_000)))]);
    assert.ok((state.live?.samples.length ?? 0) <= MAX_CHART_POINTS);
    assert.equal(state.live?.samples.at(-1)?.emissionsKg, KG_PER_SAMPLE * 10_000);
  });

  it('moves the live run on with each of its samples', () => {
    const { state } = play([host(snapshot(running(10))), host({ type: 'sample', sample: buildSample(11, { runId: 'live' }) })]);
    assert.equal(state.live?.samples.length, 11);
    assert.equal(state.live?.summary.durationSeconds, 11);
    assert.ok(Math.abs((state.live?.summary.emissionsKg ?? 0) - KG_PER_SAMPLE * 11) < 1e-15);
    // Equivalents follow, from the factors the snapshot's run revealed.
    const car = state.live?.equivalents.find((equivalent) => equivalent.id === 'car-km');
    assert.ok(Math.abs((car?.amount ?? 0) - (KG_PER_SAMPLE * 11) / 0.133) < 1e-12);
  });

  it('asks once for a fresh snapshot when samples of an unknown run arrive', () => {
    const stray = host({ type: 'sample', sample: buildSample(1, { runId: 'other' }) });
    const { state, sent } = play([host(snapshot(running())), stray, stray, stray]);
    assert.deepEqual(sent, [{ type: 'refresh' }]);
    assert.equal(state.live?.samples.length, 10, 'the live run is untouched');
    const after = play([host(snapshot(running())), stray], state);
    assert.deepEqual(after.sent, [{ type: 'refresh' }], 'a snapshot answers the refresh, so the next stray asks again');
  });

  it('drops samples that arrive after their run finished', () => {
    const finished = buildSummary({ id: 'live', status: 'finished', exitCode: 0, emissionsKg: KG_PER_SAMPLE * 10 });
    const { state } = play([
      host(snapshot(running(10))),
      host({ type: 'runFinished', summary: finished }),
      host({ type: 'sample', sample: buildSample(11, { runId: 'live' }) }),
    ]);
    assert.equal(state.live?.samples.length, 10);
    assert.equal(state.live?.summary.status, 'finished');
  });

  it('when the live run finishes: shows its final summary, lists it, and asks for the final record', () => {
    const finished = buildSummary({ id: 'live', status: 'failed', exitCode: 2 });
    const { state, sent } = play([host(snapshot(running(), pastRuns)), host({ type: 'runFinished', summary: finished })]);
    assert.equal(state.live?.summary, finished);
    assert.equal(state.recentRuns[0], finished);
    assert.equal(state.recentRuns.length, pastRuns.length + 1);
    assert.deepEqual(sent, [{ type: 'selectRun', runId: 'live' }]);

    const record = buildRun(12, { id: 'live', status: 'failed', exitCode: 2 });
    const answered = play([host({ type: 'runDetails', run: record })], state);
    assert.equal(answered.state.live?.samples.length, 12);
    const shown = shownRun(answered.state);
    assert.ok(shown.kind === 'run' && shown.live);
  });

  it('updates the history entry of a run that finished elsewhere, without touching the live run', () => {
    const finished = { ...pastRuns[0]!, emissionsKg: 1 };
    const { state, sent } = play([host(snapshot(running(), pastRuns)), host({ type: 'runFinished', summary: finished })]);
    assert.equal(state.recentRuns.length, pastRuns.length);
    assert.equal(state.recentRuns.find((entry) => entry.id === 'old')?.emissionsKg, 1);
    assert.equal(state.live?.summary.status, 'running');
    assert.deepEqual(sent, []);
  });

  it('opens a past run from the history: asks for it, then shows the answer', () => {
    const start = play([host(snapshot(running(), pastRuns))]).state;
    const picked = play([{ type: 'selectRun', runId: 'middle' }], start);
    assert.deepEqual(picked.sent, [{ type: 'selectRun', runId: 'middle' }]);
    assert.equal(shownRun(picked.state).kind, 'loading');

    const details = buildRun(5, { id: 'middle' });
    const answered = play([host({ type: 'runDetails', run: details })], picked.state);
    const shown = shownRun(answered.state);
    assert.ok(shown.kind === 'run' && !shown.live && shown.run.summary.id === 'middle');
    assert.equal(answered.state.live?.summary.id, 'live', 'the live run keeps going underneath');

    const back = play([{ type: 'showLive' }], answered.state);
    const live = shownRun(back.state);
    assert.ok(live.kind === 'run' && live.live);
    assert.deepEqual(back.sent, []);
  });

  it("drops details that answer a request the user has moved on from", () => {
    const start = play([host(snapshot(running(), pastRuns)), { type: 'selectRun', runId: 'middle' }, { type: 'selectRun', runId: 'old' }]).state;
    const late = play([host({ type: 'runDetails', run: buildRun(5, { id: 'middle' }) })], start);
    assert.equal(late.state, start);
  });

  it('picking the live run in the history shows it without asking the host', () => {
    const start = play([host(snapshot(running(), pastRuns)), { type: 'selectRun', runId: 'old' }]).state;
    const { state, sent } = play([{ type: 'selectRun', runId: 'live' }], start);
    assert.equal(state.selectedRunId, undefined);
    assert.deepEqual(sent, []);
  });

  it('a new run takes over from a past run being looked at; a snapshot of the same run does not', () => {
    const looking = play([
      host(snapshot(running(10, 'live'), pastRuns)),
      { type: 'selectRun', runId: 'old' },
      host({ type: 'runDetails', run: buildRun(3, { id: 'old' }) }),
    ]).state;
    const same = play([host(snapshot(running(12, 'live'), pastRuns))], looking);
    assert.equal(same.state.selectedRunId, 'old');
    assert.deepEqual(same.sent, [], 'the details it has are still the ones picked');
    const next = play([host(snapshot(running(1, 'next'), pastRuns))], looking);
    assert.equal(next.state.selectedRunId, undefined);
    const shown = shownRun(next.state);
    assert.ok(shown.kind === 'run' && shown.run.summary.id === 'next');
  });

  it('after being hidden while its run finished, takes the final summary from the history and asks for the record', () => {
    const hidden = play([host(snapshot(running(10, 'live')))]).state;
    const finished = buildSummary({ id: 'live', status: 'finished', exitCode: 0 });
    const { state, sent } = play([host(snapshot(undefined, [finished, ...pastRuns]))], hidden);
    assert.equal(state.live?.summary, finished);
    assert.deepEqual(sent, [{ type: 'selectRun', runId: 'live' }]);
  });

  it('exports the shown run once it has finished, in the format asked', () => {
    const live = play([host(snapshot(running(), pastRuns))]).state;
    assert.equal(exportableRunId(live), undefined);
    assert.deepEqual(reducePanel(live, { type: 'export', format: 'csv' }).outgoing, [], 'not while it runs');

    const past = play([{ type: 'selectRun', runId: 'old' }], live).state;
    assert.deepEqual(reducePanel(past, { type: 'export', format: 'md' }).outgoing, [{ type: 'exportReport', runId: 'old', format: 'md' }],
      'a finished run from the history can be exported before its details arrive');
    assert.deepEqual(reducePanel(INITIAL_PANEL_STATE, { type: 'export', format: 'json' }).outgoing, []);
  });

  it('passes refresh and diagnostics requests on to the host', () => {
    assert.deepEqual(reducePanel(INITIAL_PANEL_STATE, { type: 'refresh' }).outgoing, [{ type: 'refresh' }]);
    assert.deepEqual(reducePanel(INITIAL_PANEL_STATE, { type: 'openDiagnostics' }).outgoing, [{ type: 'openDiagnostics' }]);
  });
});
