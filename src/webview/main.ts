// The panel's entry point (dist/webview.js): wires the host connection, the state and the view.
// Only the web components the panel uses are imported, so the bundle carries no others.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import { PROTOCOL_VERSION } from '../protocol/panelMessages';
import { HostConnection } from './hostConnection';
import { reducePanel, type PanelEvent, type PanelState } from './panelState';
import { PanelView } from './panelView';
import { restorePanelState, toPersistedState } from './persistedState';

/** How long state changes are gathered before one `setState`, which VS Code serialises each time. */
const PERSIST_DELAY_MS = 2_000;

const connection = new HostConnection();
let state: PanelState = restorePanelState(connection.getState());
let persistTimer: ReturnType<typeof setTimeout> | undefined;

const view = new PanelView(dispatch);
view.render(state);
connection.onMessage((message) => dispatch({ type: 'host', message }));
observeTheme(() => view.applyTheme());
// Hidden panels are torn down (no retainContextWhenHidden): save at once rather than lose the last seconds.
window.addEventListener('pagehide', persistNow);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') persistNow();
});
connection.post({ type: 'ready', protocolVersion: PROTOCOL_VERSION });

function dispatch(event: PanelEvent): void {
  const transition = reducePanel(state, event);
  for (const message of transition.outgoing) connection.post(message);
  if (transition.state === state) return;
  state = transition.state;
  view.render(state);
  schedulePersist();
}

function schedulePersist(): void {
  persistTimer ??= setTimeout(persistNow, PERSIST_DELAY_MS);
}

function persistNow(): void {
  clearTimeout(persistTimer);
  persistTimer = undefined;
  connection.setState(toPersistedState(state));
}

/**
 * Calls `onChange` when VS Code switches themes: it sets the kind as a body class
 * (vscode-light, vscode-dark, vscode-high-contrast, vscode-high-contrast-light), the theme's id as a
 * body attribute, and the colours as CSS variables on <html>.
 */
function observeTheme(onChange: () => void): void {
  // One callback per batch of mutations, however many attributes changed together.
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}
