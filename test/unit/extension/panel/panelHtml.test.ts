import * as assert from 'node:assert/strict';
import { renderPanelHtml, type PanelHtmlOptions } from '../../../../src/extension/panel/panelHtml';

const OPTIONS: PanelHtmlOptions = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'c2VjcmV0LW5vbmNlLTEyMzQ1Ng==',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css',
  codiconsUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicons/codicon.css',
};

function tags(html: string, name: string): string[] {
  return html.match(new RegExp(`<${name}\\b[^>]*>`, 'gi')) ?? [];
}

describe('panel HTML', () => {
  const html = renderPanelHtml(OPTIONS);

  it('carries the strict CSP: nothing by default, scripts by nonce, styles, fonts and images from the webview only', () => {
    const meta = tags(html, 'meta').find((tag) => /http-equiv="Content-Security-Policy"/i.test(tag));
    assert.ok(meta, 'a CSP meta tag');
    const policy = /content="([^"]*)"/.exec(meta)?.[1];
    assert.equal(policy, [
      "default-src 'none'",
      "script-src 'nonce-c2VjcmV0LW5vbmNlLTEyMzQ1Ng=='",
      `style-src ${OPTIONS.cspSource}`,
      `font-src ${OPTIONS.cspSource}`,
      `img-src ${OPTIONS.cspSource} data:`,
    ].join('; '));
    assert.ok(!html.includes('unsafe-inline') && !html.includes('unsafe-eval'));
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<link'), 'the policy comes before anything it governs');
  });

  it('loads one script, the bundle, with the nonce', () => {
    const scripts = tags(html, 'script');
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0], `<script nonce="${OPTIONS.nonce}" src="${OPTIONS.scriptUri}">`);
    assert.match(html, /<script[^>]*><\/script>/, 'with no inline code');
  });

  it('has no inline styles or event handlers for the CSP to block', () => {
    assert.doesNotMatch(html, /<style\b/i);
    assert.doesNotMatch(html, /\sstyle=/i);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    assert.doesNotMatch(html, /javascript:/i);
  });

  it('links the codicon stylesheet where vscode-elements looks for it, and the panel stylesheet', () => {
    assert.ok(html.includes(`<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${OPTIONS.codiconsUri}">`));
    assert.ok(html.includes(`<link rel="stylesheet" href="${OPTIONS.styleUri}">`));
  });

  it('has every hook the webview and the end-to-end tests use, each id once', () => {
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
    assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.join(', ')}`);
    for (const id of ['run-title', 'run-status', 'figure-emissions', 'figure-energy', 'power-chart', 'emissions-chart', 'equivalents', 'diagnostics', 'history', 'empty-state']) {
      assert.ok(ids.includes(id), `#${id}`);
    }
    for (const id of ['power-chart', 'emissions-chart']) {
      assert.match(html, new RegExp(`<canvas id="${id}" data-points="0"`));
    }
    for (const format of ['csv', 'json', 'html', 'md']) assert.equal(html.split(`data-export="${format}"`).length, 2, format);
    assert.match(html, /Run <strong>Carbon Meter: Track Task…<\/strong> or track a terminal/);
  });

  it('escapes the URIs it is given, so none can break out of its attribute', () => {
    const hostile = renderPanelHtml({ ...OPTIONS, scriptUri: 'x"><script>alert(1)</script>', styleUri: "a' onload='b", codiconsUri: 'c&d<e>' });
    assert.equal(tags(hostile, 'script').length, 1);
    assert.ok(hostile.includes('src="x&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"'));
    assert.ok(hostile.includes(`href="a' onload='b"`), 'a single quote cannot end a double-quoted value');
    assert.ok(hostile.includes('href="c&#38;d&#60;e&#62;"'));
  });

  it('refuses a nonce or CSP source that could widen the policy', () => {
    for (const nonce of ['', 'short', "abcdefghijklmnop' 'unsafe-inline", 'abcdefghijklmnop"q']) {
      assert.throws(() => renderPanelHtml({ ...OPTIONS, nonce }), RangeError, nonce);
    }
    for (const cspSource of ['', ' ', "https://a; script-src 'unsafe-inline'", "https://a 'unsafe-inline'", "'unsafe-eval'", 'https://a,', 'https://a"><script>', 'https://a\nscript-src *']) {
      assert.throws(() => renderPanelHtml({ ...OPTIONS, cspSource }), RangeError, cspSource);
    }
  });

  it('accepts the CSP sources VS Code and code-server give: one host, or several expressions with \'self\'', () => {
    for (const cspSource of ["'self' https://*.vscode-cdn.net", 'https://a https://b', 'vscode-webview://abc']) {
      const html = renderPanelHtml({ ...OPTIONS, cspSource });
      assert.ok(html.includes(`style-src ${cspSource};`), cspSource);
    }
  });

  it('accepts the nonces carbonPanel makes: 16 random bytes in base64, or hex', () => {
    assert.doesNotThrow(() => renderPanelHtml({ ...OPTIONS, nonce: 'q83vEjRWeJq8/+7d3MzLqg==' }));
    assert.doesNotThrow(() => renderPanelHtml({ ...OPTIONS, nonce: '0123456789abcdef0123456789abcdef' }));
  });
});
