// The Region Advisor panel's HTML document. A pure function, so it is unit-tested without an editor:
// regionAdvisorPanel.ts passes the webview's URIs, its cspSource and a fresh nonce. Same strict CSP as
// the Carbon Meter panel (panelHtml.ts). The ids are the webview's hooks (src/webview/regionAdvisor/)
// and the end-to-end test's: `#region-table` rows are `tr[data-region="provider:region"]` (with
// `data-emissions-kg`), `#region-chart` is the bar chart's canvas, `#country-filter` and `#max-distance`
// the country and distance filters, `#excluded-details` the regions left out. Keep them stable.
import { escapeAttribute, webviewContentSecurityPolicy } from '../panel/panelHtml';

export interface RegionAdvisorHtmlOptions {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** Fresh per render, from `crypto.randomBytes`; base64 or hex. */
  readonly nonce: string;
  /** `webview.asWebviewUri` of dist/regionAdvisor.js. */
  readonly scriptUri: string;
  /** `webview.asWebviewUri` of media/panel.css (shared header and text styles). */
  readonly panelStyleUri: string;
  /** `webview.asWebviewUri` of media/regionAdvisor.css. */
  readonly styleUri: string;
  /** `webview.asWebviewUri` of dist/codicons/codicon.css. */
  readonly codiconsUri: string;
}

/** The Region Advisor's full HTML document. Throws a RangeError for a nonce or CSP source that could widen the policy. */
export function renderRegionAdvisorHtml(options: RegionAdvisorHtmlOptions): string {
  const csp = webviewContentSecurityPolicy(options.cspSource, options.nonce);
  const attr = escapeAttribute;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${attr(options.codiconsUri)}">
<link rel="stylesheet" href="${attr(options.panelStyleUri)}">
<link rel="stylesheet" href="${attr(options.styleUri)}">
<title>Region Advisor</title>
</head>
<body>
<main class="advisor">
  <header class="run-header">
    <div class="run-heading">
      <span class="codicon codicon-globe" aria-hidden="true"></span>
      <h1>Region Advisor</h1>
      <span class="toolbar">
        <vscode-button id="copy-summary" secondary icon="copy" disabled>Copy summary</vscode-button>
      </span>
    </div>
    <p class="run-subtitle" id="advisor-run"></p>
  </header>
  <section id="advisor-empty" class="empty-state" hidden>
    <span class="codicon codicon-globe" aria-hidden="true"></span>
    <p class="empty-title">No run yet</p>
    <p>Run <strong>Carbon Meter: Track Task…</strong> first: the advisor ranks cloud regions by what that run would emit there.</p>
  </section>
  <div id="advisor-body" hidden>
    <dl class="figures advisor-figures">
      <div class="figure figure-main"><dt>Here</dt><dd id="here-emissions">–</dd><dd class="figure-note" id="here-detail"></dd></div>
      <div class="figure figure-main"><dt>Best region</dt><dd id="best-emissions">–</dd><dd class="figure-note" id="best-detail"></dd></div>
      <div class="figure"><dt>Live intensity here</dt><dd id="live-intensity">off</dd><dd class="figure-note" id="live-detail"></dd></div>
    </dl>
    <section class="filters" aria-label="Filters">
      <div class="filter-group" id="provider-filters" role="group" aria-label="Providers"></div>
      <label class="filter-select">Continent
        <vscode-single-select id="continent-filter" aria-label="Continent"></vscode-single-select>
      </label>
      <label class="filter-select">Country
        <vscode-single-select id="country-filter" aria-label="Country"></vscode-single-select>
      </label>
      <span class="filter-select distance-filter">
        <label class="filter-select">Max distance
          <vscode-textfield id="max-distance" type="number" min="0" step="100" placeholder="any" aria-label="Maximum distance from here in km" aria-describedby="distance-hint"></vscode-textfield>
          km</label>
        <span id="distance-hint" class="hint distance-hint"></span>
      </span>
      <vscode-checkbox id="measured-only" toggle label="Measured data only">Measured data only</vscode-checkbox>
      <span id="region-count" class="hint" role="status"></span>
    </section>
    <figure class="chart-card advisor-chart">
      <figcaption>Top regions against here, CO₂e of this run</figcaption>
      <div class="bar-box"><canvas id="region-chart" data-bars="0" role="img" aria-label="CO₂e of this run in the ten lowest-emitting regions and here"></canvas></div>
    </figure>
    <div class="table-wrap">
      <table id="region-table" class="region-table">
        <thead><tr id="region-table-head"></tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <p class="hint">CO₂e = the run's energy × PUE × the region's yearly grid intensity. <span class="codicon codicon-warning" aria-hidden="true"></span> marks estimated figures (a country or state average, or an assumed PUE); <span class="codicon codicon-location" aria-hidden="true"></span> the region the run ran in.</p>
    <details id="excluded-details" class="excluded" hidden>
      <summary id="excluded-note" class="hint"></summary>
      <ul id="excluded-list" class="excluded-list"></ul>
    </details>
  </div>
</main>
<script nonce="${attr(options.nonce)}" src="${attr(options.scriptUri)}"></script>
</body>
</html>
`;
}
