// The Region Advisor's entry point (dist/regionAdvisor.js): the host connection and the view. Only the
// web components it uses are imported, so the bundle carries no others.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  parseAdvisorHostToPanel, REGION_ADVISOR_PROTOCOL_VERSION, type AdvisorPanelToHostMessage,
} from '../../protocol/regionAdvisorMessages';
import { assertNever } from '../../protocol/panelMessages';
import { AdvisorView } from './advisorView';
import { COLUMNS, RANK_ORDER, type SortOrder } from './regionColumns';

/** What `acquireVsCodeApi()` returns inside a webview. */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const post = (message: AdvisorPanelToHostMessage): void => api.postMessage(message);

const view = new AdvisorView({
  setFilters: (filters) => post({ type: 'setFilters', filters }),
  copySummary: () => post({ type: 'copySummary' }),
  // The only state kept across hide and show is the sort order; the host resends the rest in `snapshot`.
  sortChanged: (sort) => api.setState({ sort }),
});
view.sortOrder = restoreSortOrder(api.getState());

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseAdvisorHostToPanel(event.data);
  if (!message) {
    console.warn('Carbon Meter Region Advisor: dropped a malformed message from the host');
    return;
  }
  switch (message.type) {
    case 'snapshot':
      view.render(message);
      return;
    case 'liveIntensity':
      view.showLiveIntensity(message.reading);
      return;
    default:
      assertNever(message);
  }
});

// VS Code switches themes by changing the body's class and the variables on <html>.
const observer = new MutationObserver(() => view.applyTheme());
observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id', 'data-vscode-theme-kind'] });
observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

post({ type: 'ready', protocolVersion: REGION_ADVISOR_PROTOCOL_VERSION });

function restoreSortOrder(state: unknown): SortOrder {
  if (typeof state !== 'object' || state === null) return RANK_ORDER;
  const sort: unknown = (state as { sort?: unknown }).sort;
  if (typeof sort !== 'object' || sort === null) return RANK_ORDER;
  const { column, descending } = sort as { column?: unknown; descending?: unknown };
  const known = COLUMNS.find((candidate) => candidate.id === column);
  return known && typeof descending === 'boolean' ? { column: known.id, descending } : RANK_ORDER;
}
