// What the panel keeps through `vscode.setState` while it is hidden (there is no retainContextWhenHidden):
// enough to redraw at once when it is shown again, before the host's snapshot brings the full picture.
// Samples are thinned harder than on screen, since VS Code serialises the state on every call.
// DOM-free: unit-tested in plain Node.
import { parseHostToPanel, type EquivalentIdView, type RunView } from '../protocol/panelMessages';
import type { EquivalentFactors } from './liveRun';
import { INITIAL_PANEL_STATE, thinRun, type PanelState } from './panelState';

/** Bumped when the persisted shape changes; a state of another version is dropped. */
export const PERSISTED_STATE_VERSION = 1;
/** Samples kept per persisted run. */
export const PERSISTED_MAX_SAMPLES = 150;

export interface PersistedPanelState {
  readonly version: number;
  readonly live: RunView | undefined;
  readonly selectedRunId: string | undefined;
  readonly selected: RunView | undefined;
  readonly recentRuns: PanelState['recentRuns'];
  readonly diagnostics: PanelState['diagnostics'];
  readonly equivalentFactors: EquivalentFactors;
}

export function toPersistedState(state: PanelState): PersistedPanelState {
  return {
    version: PERSISTED_STATE_VERSION,
    live: state.live && thinRun(state.live, PERSISTED_MAX_SAMPLES),
    selectedRunId: state.selectedRunId,
    selected: state.selected && thinRun(state.selected, PERSISTED_MAX_SAMPLES),
    recentRuns: state.recentRuns,
    diagnostics: state.diagnostics,
    equivalentFactors: state.equivalentFactors,
  };
}

const EQUIVALENT_IDS: readonly EquivalentIdView[] = ['car-km', 'tv-hours', 'household-days'];

/**
 * The state saved by an earlier instance of the panel, checked with the protocol's own validators;
 * the initial state when there is none or it does not check out (an older version, a corrupted store).
 * Never throws.
 */
export function restorePanelState(raw: unknown): PanelState {
  try {
    if (typeof raw !== 'object' || raw === null) return INITIAL_PANEL_STATE;
    const saved = raw as Partial<Record<keyof PersistedPanelState, unknown>>;
    if (saved.version !== PERSISTED_STATE_VERSION) return INITIAL_PANEL_STATE;
    // The saved views are exactly what a snapshot and a runDetails message carry.
    const snapshot = parseHostToPanel({ type: 'snapshot', run: saved.live, recentRuns: saved.recentRuns, diagnostics: saved.diagnostics });
    if (snapshot?.type !== 'snapshot') return INITIAL_PANEL_STATE;
    const details = saved.selected === undefined ? undefined : parseHostToPanel({ type: 'runDetails', run: saved.selected });
    const selectedRunId = typeof saved.selectedRunId === 'string' && saved.selectedRunId.length > 0 ? saved.selectedRunId : undefined;
    const selected = details?.type === 'runDetails' && details.run.summary.id === selectedRunId ? details.run : undefined;
    return {
      ...INITIAL_PANEL_STATE,
      live: snapshot.run,
      selectedRunId,
      selected,
      recentRuns: snapshot.recentRuns,
      diagnostics: snapshot.diagnostics,
      equivalentFactors: readFactors(saved.equivalentFactors),
    };
  } catch {
    return INITIAL_PANEL_STATE;
  }
}

function readFactors(raw: unknown): EquivalentFactors {
  if (typeof raw !== 'object' || raw === null) return {};
  const factors: Partial<Record<EquivalentIdView, number>> = {};
  for (const id of EQUIVALENT_IDS) {
    const descriptor = Object.getOwnPropertyDescriptor(raw, id);
    const value: unknown = descriptor && 'value' in descriptor ? descriptor.value : undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) factors[id] = value;
  }
  return factors;
}
