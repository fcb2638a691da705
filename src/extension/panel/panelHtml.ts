// The Carbon Meter panel's HTML document. A pure function, so it is unit-tested without an editor:
// carbonPanel.ts passes the webview's URIs, its cspSource and a fresh nonce.
//
// The CSP has no 'unsafe-inline': Chart.js 4 injects no CSS and sets canvas sizes through the CSSOM,
// and @vscode-elements/elements styles its shadow roots with constructable stylesheets
// (adoptedStyleSheets), neither of which style-src governs. The ids below are the webview's hooks
// (src/webview/panelView.ts) and the end-to-end tests'; keep them stable.

export interface PanelHtmlOptions {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** Fresh per render, from `crypto.randomBytes`; base64 or hex. */
  readonly nonce: string;
  /** `webview.asWebviewUri` of dist/webview.js. */
  readonly scriptUri: string;
  /** `webview.asWebviewUri` of media/panel.css. */
  readonly styleUri: string;
  /** `webview.asWebviewUri` of dist/codicons/codicon.css (codicon.ttf beside it). */
  readonly codiconsUri: string;
}

/**
 * Characters that would end a directive or the policy, or leave the HTML attribute. Quotes are allowed
 * only in `'self'`: code-server's `webview.cspSource` is `'self' https://*.vscode-cdn.net`, while a
 * quoted keyword such as 'unsafe-inline' would widen the policy.
 */
const CSP_BREAKING = /[;,"<>\r\n]/;
const isSafeSourceExpression = (token: string): boolean => token === "'self'" || !token.includes("'");
const NONCE_PATTERN = /^[A-Za-z0-9+/_=-]{16,}$/;

/**
 * The webviews' Content-Security-Policy: nothing by default, the nonce'd script, and styles, fonts and
 * images from the extension only. Throws a RangeError for a nonce or CSP source that could widen it.
 */
export function webviewContentSecurityPolicy(cspSource: string, nonce: string): string {
  if (!NONCE_PATTERN.test(nonce)) throw new RangeError('The panel nonce must be at least 16 base64 or hex characters');
  const tokens = cspSource.split(/[ \t]+/).filter((token) => token !== '');
  if (tokens.length === 0 || CSP_BREAKING.test(cspSource) || !tokens.every(isSafeSourceExpression)) throw new RangeError(`Unusable CSP source: ${JSON.stringify(cspSource)}`);
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

/** The panel's full HTML document. Throws a RangeError for a nonce or CSP source that could widen the policy. */
export function renderPanelHtml(options: PanelHtmlOptions): string {
  const { nonce } = options;
  const csp = webviewContentSecurityPolicy(options.cspSource, nonce);
  const attr = escapeAttribute;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${attr(options.codiconsUri)}">
<link rel="stylesheet" href="${attr(options.styleUri)}">
<title>Carbon Meter</title>
</head>
<body>
<main class="panel">
  <header class="run-header">
    <div class="run-heading">
      <span id="run-status-icon" class="codicon codicon-pulse" aria-hidden="true"></span>
      <h1 id="run-title">Carbon Meter</h1>
      <vscode-badge id="estimated-badge" hidden title="At least one component's power comes from a model, not a sensor">estimated</vscode-badge>
      <span class="toolbar">
        <vscode-button id="show-live" secondary icon="pulse" hidden>Live run</vscode-button>
        <vscode-button id="refresh" secondary icon="refresh">Refresh</vscode-button>
      </span>
    </div>
    <p class="run-subtitle"><span id="run-status" role="status"></span><span id="run-meta"></span></p>
  </header>
  <div class="layout">
    <div class="main-column">
      <section id="empty-state" class="empty-state" hidden>
        <span class="codicon codicon-pulse" aria-hidden="true"></span>
        <p class="empty-title">No run yet</p>
        <p>Run <strong>Carbon Meter: Track Task…</strong> or track a terminal to see the power and CO₂e of your code here, live.</p>
      </section>
      <div id="run-details" hidden>
        <section aria-label="Figures">
          <dl class="figures">
            <div class="figure figure-main"><dt>Emissions</dt><dd id="figure-emissions">–</dd><dd class="figure-note" id="figure-emissions-note"></dd></div>
            <div class="figure figure-main"><dt>Energy</dt><dd id="figure-energy">–</dd><dd class="figure-note" id="figure-energy-note"></dd></div>
            <div class="figure"><dt>Duration</dt><dd id="figure-duration">–</dd></div>
            <div class="figure"><dt>Average power</dt><dd id="figure-power">–</dd><dd class="figure-note" id="figure-power-note"></dd></div>
            <div class="figure"><dt>Grid intensity</dt><dd id="figure-intensity">–</dd><dd class="figure-note" id="figure-intensity-source"></dd></div>
            <div class="figure"><dt>PUE</dt><dd id="figure-pue">–</dd></div>
            <div class="figure"><dt>Location</dt><dd id="figure-location">–</dd></div>
            <div class="figure"><dt>Counted</dt><dd id="figure-mode">–</dd></div>
          </dl>
        </section>
        <section class="charts" aria-label="Charts">
          <figure class="chart-card">
            <figcaption>Power by component</figcaption>
            <div class="chart-box"><canvas id="power-chart" data-points="0" role="img" aria-label="Power of CPU, GPU and RAM, in watts, over the seconds since the run started"></canvas></div>
            <ul class="chart-legend" aria-hidden="true">
              <li><span class="swatch swatch-cpu"></span>CPU</li>
              <li id="legend-gpu"><span class="swatch swatch-gpu"></span>GPU</li>
              <li><span class="swatch swatch-ram"></span>RAM</li>
            </ul>
          </figure>
          <figure class="chart-card">
            <figcaption>Cumulative emissions</figcaption>
            <div class="chart-box"><canvas id="emissions-chart" data-points="0" role="img" aria-label="CO₂e emitted since the run started"></canvas></div>
          </figure>
        </section>
        <section aria-labelledby="equivalents-heading">
          <h2 id="equivalents-heading">Everyday equivalents</h2>
          <ul id="equivalents" class="equivalents"></ul>
        </section>
        <section aria-labelledby="embodied-heading">
          <h2 id="embodied-heading">Embodied emissions</h2>
          <ul id="embodied" class="embodied"></ul>
        </section>
        <section aria-labelledby="sources-heading">
          <h2 id="sources-heading">Measured by</h2>
          <ul id="sources" class="sources"></ul>
        </section>
        <section aria-labelledby="export-heading">
          <h2 id="export-heading">Export report</h2>
          <div class="button-row">
            <vscode-button data-export="csv" secondary icon="table">CSV</vscode-button>
            <vscode-button data-export="json" secondary icon="json">JSON</vscode-button>
            <vscode-button data-export="html" secondary icon="file-code">HTML</vscode-button>
            <vscode-button data-export="md" secondary icon="markdown">Markdown</vscode-button>
          </div>
          <p id="export-hint" class="hint"></p>
        </section>
      </div>
    </div>
    <aside class="side-column">
      <section aria-labelledby="diagnostics-heading">
        <h2 id="diagnostics-heading">Power sources</h2>
        <div id="diagnostics"></div>
        <vscode-button id="open-diagnostics" secondary icon="info">Open full diagnostics</vscode-button>
      </section>
      <section aria-labelledby="trend-heading">
        <h2 id="trend-heading">Recent weeks</h2>
        <ul id="trend-weeks" class="trend-weeks" aria-label="CO₂e of the stored runs per week, latest last"></ul>
        <h3 class="trend-subheading">Top tasks</h3>
        <ul id="trend-tasks" class="trend-tasks"></ul>
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <div id="history"></div>
      </section>
    </aside>
  </div>
</main>
<script nonce="${attr(nonce)}" src="${attr(options.scriptUri)}"></script>
</body>
</html>
`;
}

/** For a double-quoted attribute value: the policy's own single quotes stay readable. */
export function escapeAttribute(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
