import * as assert from 'node:assert/strict';
import { renderRegionAdvisorHtml, type RegionAdvisorHtmlOptions } from '../../../../src/extension/regionAdvisor/regionAdvisorHtml';

const SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const OPTIONS: RegionAdvisorHtmlOptions = {
  cspSource: SOURCE,
  nonce: 'c2VjcmV0LW5vbmNlLTEyMzQ1Ng==',
  scriptUri: `${SOURCE}/ext/dist/regionAdvisor.js`,
  panelStyleUri: `${SOURCE}/ext/media/panel.css`,
  styleUri: `${SOURCE}/ext/media/regionAdvisor.css`,
  codiconsUri: `${SOURCE}/ext/dist/codicons/codicon.css`,
};

describe('Region Advisor HTML', () => {
  const html = renderRegionAdvisorHtml(OPTIONS);

  it('carries the same strict CSP as the panel, before anything it governs', () => {
    const policy = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
    assert.equal(policy, `default-src 'none'; script-src 'nonce-${OPTIONS.nonce}'; style-src ${SOURCE}; font-src ${SOURCE}; img-src ${SOURCE} data:`);
    assert.ok(!html.includes('unsafe-inline') && !html.includes('unsafe-eval'));
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<link'));
  });

  it('loads one script, its own bundle, with the nonce, and no inline code or style', () => {
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, [`<script nonce="${OPTIONS.nonce}" src="${OPTIONS.scriptUri}">`]);
    assert.ok(!/<style\b|\sstyle="/.test(html));
  });

  it('has the hooks the webview and the end-to-end test use', () => {
    for (const id of ['region-table', 'region-chart', 'copy-summary', 'continent-filter', 'measured-only', 'provider-filters', 'country-filter',
      'max-distance', 'distance-hint', 'excluded-details', 'excluded-note', 'excluded-list']) {
      assert.ok(html.includes(`id="${id}"`), id);
    }
  });

  it('refuses a nonce or CSP source that could widen the policy', () => {
    assert.throws(() => renderRegionAdvisorHtml({ ...OPTIONS, nonce: 'short' }), RangeError);
    assert.throws(() => renderRegionAdvisorHtml({ ...OPTIONS, cspSource: "https://x 'unsafe-inline'" }), RangeError);
  });
});
