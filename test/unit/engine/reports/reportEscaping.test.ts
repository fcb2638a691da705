import * as assert from 'node:assert/strict';
import type { EquivalentAmount } from '../../../../src/engine/reports/equivalents';
import { escapeHtml } from '../../../../src/engine/reports/escapeHtml';
import { formatHtmlReport } from '../../../../src/engine/reports/htmlReport';
import { escapeMarkdown, formatMarkdownImpactStatement, formatMarkdownReport, markdownCodeSpan } from '../../../../src/engine/reports/markdownReport';
import type { RunRecord } from '../../../../src/engine/reports/runRecord';
import { buildRunRecord } from '../../../fixtures/buildRun';

/** Fields the renderers choose words by: a value outside their union never reaches a record through the store's checks. */
const CHOSEN_FROM_A_LIST = new Set(['status', 'trackingMode', 'location.basis', 'intensity.scope', 'sources.*.component']);

/** A payload that names its field, so a failure says which one leaked; HTML, Markdown links, tables and headings in one. */
const payload = (path: string) => `<img src=x onerror=alert('${path}')><script>x()</script>[a](javascript:alert(1))|*_${'`'}\n# ${path}`;

/** Replaces every string in `value` (but the chosen-from-a-list ones) by the payload of its path; collects the paths. */
function withPayloads(value: unknown, paths: string[], path = ''): unknown {
  if (typeof value === 'string') {
    if (CHOSEN_FROM_A_LIST.has(path.replace(/\.\d+\./g, '.*.'))) return value;
    paths.push(path);
    return payload(path);
  }
  if (Array.isArray(value)) return value.map((item, index) => withPayloads(item, paths, `${path}.${index}`.replace(/^\./, '')));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withPayloads(item, paths, path ? `${path}.${key}` : key)]));
  }
  return value;
}

function hostileRecord(): { record: RunRecord; equivalents: EquivalentAmount[]; paths: string[] } {
  const base = buildRunRecord({
    machine: { ...buildRunRecord().machine, gpuCount: 1, gpuModel: 'GPU' },
    location: { ...buildRunRecord().location, region: 'CA', cloudProvider: 'gcp', cloudRegion: 'europe-west1' },
  });
  const paths: string[] = [];
  const record = withPayloads(base, paths) as RunRecord;
  const equivalents = withPayloads([{ id: 'car-km', label: 'km', amount: 1, source: 'EPA' }], paths, 'equivalents') as EquivalentAmount[];
  return { record, equivalents, paths };
}

/** `text` with every correctly escaped copy of a payload removed: what is left must hold no part of one. */
function withoutEscapedPayloads(text: string, paths: readonly string[], escapes: readonly ((text: string) => string)[]): string {
  let rest = text;
  for (const path of paths) for (const escape of escapes) rest = rest.split(escape(payload(path))).join('');
  return rest;
}

const FRAGMENTS = /onerror|<script|javascript:|<img/;

describe('reports escape every user-controlled string', () => {
  it('HTML: every string field of the record, at any depth, appears only escaped', () => {
    const { record, equivalents, paths } = hostileRecord();
    const html = formatHtmlReport(record, equivalents);
    assert.doesNotMatch(html, /<img|<script/i, 'no tag from the record survives');
    const rest = withoutEscapedPayloads(html, paths, [escapeHtml]);
    assert.doesNotMatch(rest, FRAGMENTS);
    // Not vacuous: the fields a user controls are shown, each escaped.
    for (const path of ['command', 'projectName', 'experimentName', 'id', 'location.countryName', 'machine.cpuModel', 'machine.gpuModel', 'intensity.source', 'sources.0.description']) {
      assert.ok(html.includes(escapeHtml(payload(path))), `${path} is not in the report`);
    }
  });

  it('Markdown: every string field appears only escaped or inside a code span, so none becomes a tag, a link, a table cell or a heading', () => {
    const { record, equivalents, paths } = hostileRecord();
    for (const markdown of [formatMarkdownReport(record, equivalents), formatMarkdownImpactStatement(record, equivalents)]) {
      const rest = withoutEscapedPayloads(markdown, paths, [escapeMarkdown, markdownCodeSpan]);
      assert.doesNotMatch(rest, FRAGMENTS);
      assert.doesNotMatch(markdown, /^# (?!Carbon|Energy)/m, 'no heading from a field');
    }
    const markdown = formatMarkdownReport(record, equivalents);
    for (const path of ['projectName', 'experimentName', 'location.countryName', 'machine.cpuModel', 'intensity.source']) {
      assert.ok(markdown.includes(escapeMarkdown(payload(path))), `${path} is not in the report`);
    }
    assert.ok(markdown.includes(markdownCodeSpan(payload('command'))));
  });

  it('the escapes themselves: every character Markdown or HTML would act on is neutralised, on their own terms', () => {
    const text = payload('command');
    assert.doesNotMatch(escapeHtml(text), /[<>"']/);
    const markdown = escapeMarkdown(text);
    assert.doesNotMatch(markdown, /[\r\n]/);
    // Each of these is preceded by a backslash that is not itself escaped.
    assert.doesNotMatch(markdown, /(^|[^\\])(\\\\)*[<>[\]|*_`#&~]/);
    const span = markdownCodeSpan(text);
    assert.doesNotMatch(span, /[\r\n]/);
    const fence = /^`+/.exec(span)?.[0] ?? '';
    assert.ok(!span.slice(fence.length, -fence.length).includes(fence), 'the fence is longer than any backtick run inside');
  });
});
