import * as assert from 'node:assert/strict';
import { computeEquivalents, EquivalentsData } from '../../../../src/engine/reports/equivalents';
import { formatHtmlReport } from '../../../../src/engine/reports/htmlReport';
import { formatMarkdownReport, markdownCodeSpan } from '../../../../src/engine/reports/markdownReport';
import { buildRunRecord } from '../../../fixtures/buildRun';
import equivalentsFixture from '../../../fixtures/runs/equivalents.json';

const data = equivalentsFixture as EquivalentsData;
const XSS = '<img src=x onerror=alert(1)>';

describe('Markdown report', () => {
  it('opens with an impact statement carrying the figures, sources and estimate markers', () => {
    const record = buildRunRecord();
    const markdown = formatMarkdownReport(record, computeEquivalents(record.emissionsKg, data));
    const statement = markdown.split('\n').find((line) => line.startsWith('> ')) ?? '';
    assert.equal(statement, '> Running `npm test` on Intel Core i7-8700 (estimated, TDP model) in France'
      + ' (56 gCO₂e/kWh, Ember 2023 via OWID (CC BY 4.0), PUE 1.0) used 0.7 Wh and emitted 39.2 mg CO₂e,'
      + ' equivalent to 2.45 × 10⁻⁴ km driven by an average car or 0.00196 hours of television.');
  });

  it('tabulates machine, idle and task energy per component with the estimated sources marked', () => {
    const markdown = formatMarkdownReport(buildRunRecord(), []);
    assert.ok(markdown.includes('| CPU | 1.2 Wh | 0.6 Wh | 0.6 Wh | TDP model *(estimated)* |'));
    assert.ok(markdown.includes('| Total | 1.3 Wh | 0.7 Wh | 0.7 Wh |  |'));
    assert.ok(markdown.includes('| Intensity source | Ember 2023 via OWID (CC BY 4.0) |'));
    assert.ok(markdown.includes('| Duration | 2 min 00 s |'));
  });

  it('says an interrupted run only covers what was recorded', () => {
    const markdown = formatMarkdownReport(buildRunRecord({ status: 'interrupted', exitCode: undefined }), []);
    assert.match(markdown, /interrupted; figures cover it up to its last recorded sample/);
  });

  it('escapes user text so it cannot become Markdown or HTML', () => {
    const markdown = formatMarkdownReport(buildRunRecord({ projectName: XSS, experimentName: 'a|b' }), []);
    assert.ok(!/(^|[^\\])<img/m.test(markdown), 'every < is backslash-escaped');
    assert.ok(markdown.includes('\\<img src=x onerror=alert(1)\\>'));
    assert.ok(markdown.includes('a\\|b'));
  });

  it('keeps a command with backticks inside its code span', () => {
    assert.equal(markdownCodeSpan('echo `date`'), '`` echo `date` ``');
    assert.equal(markdownCodeSpan('`x`'), '`` `x` ``');
  });
});

describe('HTML report', () => {
  it('is a standalone page with the impact statement', () => {
    const record = buildRunRecord();
    const html = formatHtmlReport(record, computeEquivalents(record.emissionsKg, data));
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(html.includes('<meta charset="utf-8">'));
    assert.ok(html.includes('Running <code>npm test</code> on Intel Core i7-8700 (estimated, TDP model) in France'));
    assert.ok(html.includes('used 0.7 Wh and emitted 39.2 mg CO₂e'));
    assert.ok(html.includes('TDP model <span class="estimated">estimated</span>'));
    assert.ok(!/<script|src=["']?http/i.test(html), 'nothing loaded from outside the file');
  });

  it('escapes every user-controlled string, including a script-injecting task name', () => {
    const record = buildRunRecord({
      command: XSS,
      projectName: XSS,
      experimentName: XSS,
      machine: { ...buildRunRecord().machine, cpuModel: XSS, gpuModel: XSS, gpuCount: 1, os: XSS },
      location: { ...buildRunRecord().location, countryName: XSS, region: XSS },
      intensity: { ...buildRunRecord().intensity, source: XSS },
      sources: [{ component: 'cpu', sourceId: 'rapl', estimated: false, description: XSS }],
    });
    const html = formatHtmlReport(record, [{ id: 'car-km', label: XSS, amount: 1, source: XSS }]);
    assert.ok(!html.includes('<img'), 'no raw tag survives');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('<code>&lt;img src=x onerror=alert(1)&gt;</code>'));
  });
});
