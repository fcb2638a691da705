import * as assert from 'node:assert/strict';
import { INITIAL_PANEL_STATE, reducePanel, type PanelState } from '../../../src/webview/panelState';
import {
  PERSISTED_MAX_SAMPLES,
  PERSISTED_STATE_VERSION,
  restorePanelState,
  toPersistedState,
} from '../../../src/webview/persistedState';
import { buildDiagnostics, buildRun, buildSummary, snapshot } from './viewBuilders';

/** VS Code serialises what setState is given. */
const stored = (state: PanelState): unknown => JSON.parse(JSON.stringify(toPersistedState(state)));

function stateWithEverything(): PanelState {
  let state = reducePanel(INITIAL_PANEL_STATE, {
    type: 'host',
    message: snapshot(buildRun(1_000, { id: 'live', status: 'running', exitCode: undefined }), [buildSummary({ id: 'old' })], buildDiagnostics()),
  }).state;
  state = reducePanel(state, { type: 'selectRun', runId: 'old' }).state;
  return reducePanel(state, { type: 'host', message: { type: 'runDetails', run: buildRun(400, { id: 'old' }) } }).state;
}

describe('panel persisted state', () => {
  it('brings back the live run, the picked run, history, diagnostics and equivalent factors', () => {
    const state = stateWithEverything();
    const restored = restorePanelState(stored(state));
    assert.equal(restored.live?.summary.id, 'live');
    assert.equal(restored.live?.summary.status, 'running');
    assert.equal(restored.selectedRunId, 'old');
    assert.equal(restored.selected?.summary.id, 'old');
    assert.deepEqual(restored.recentRuns, state.recentRuns);
    assert.deepEqual(restored.diagnostics, state.diagnostics);
    assert.deepEqual(restored.equivalentFactors, state.equivalentFactors);
    assert.ok(Object.keys(restored.equivalentFactors).length > 0);
  });

  it('keeps few samples per run, with the final figures intact', () => {
    const state = stateWithEverything();
    const persisted = toPersistedState(state);
    assert.ok((persisted.live?.samples.length ?? 0) <= PERSISTED_MAX_SAMPLES);
    assert.ok((persisted.selected?.samples.length ?? 0) <= PERSISTED_MAX_SAMPLES);
    assert.equal(persisted.live?.samples.at(-1)?.emissionsKg, state.live?.samples.at(-1)?.emissionsKg);
  });

  it('starts afresh from nothing, another version, or a store that does not check out', () => {
    const good = stored(stateWithEverything()) as Record<string, unknown>;
    const broken: unknown[] = [
      undefined, null, 'state', 42,
      { ...good, version: PERSISTED_STATE_VERSION + 1 },
      { ...good, live: { summary: 'not a summary' } },
      { ...good, recentRuns: 'none' },
      new Proxy({}, { get: () => { throw new Error('trap'); } }),
    ];
    for (const raw of broken) assert.deepEqual(restorePanelState(raw), INITIAL_PANEL_STATE);
  });

  it('drops picked details that belong to another run, and factors that are not numbers', () => {
    const good = stored(stateWithEverything()) as Record<string, unknown>;
    const mismatched = restorePanelState({ ...good, selectedRunId: 'someone-else' });
    assert.equal(mismatched.selectedRunId, 'someone-else');
    assert.equal(mismatched.selected, undefined);
    const factors = restorePanelState({ ...good, equivalentFactors: { 'car-km': -1, 'tv-hours': 'x', 'household-days': 2, flights: 3 } });
    assert.deepEqual(factors.equivalentFactors, { 'household-days': 2 });
  });
});
