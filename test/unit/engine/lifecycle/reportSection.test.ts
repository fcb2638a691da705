import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadEmbodiedData } from '../../../../src/engine/lifecycle/embodiedData';
import { formatRunReport } from '../../../../src/engine/reports/formatRunReport';
import { buildRunRecord } from '../../../fixtures/buildRun';

const data = loadEmbodiedData(join(__dirname, '..', '..', '..', '..', 'data'));

describe('formatRunReport with embodied emissions', () => {
  it('adds the embodied section to the Markdown report, after the report as it was', () => {
    const record = buildRunRecord();
    const plain = formatRunReport(record, 'md', []);
    const withEmbodied = formatRunReport(record, 'md', [], { data });
    assert.ok(withEmbodied.startsWith(plain));
    const section = withEmbodied.slice(plain.length);
    assert.match(section, /^\n## Embodied emissions \(SCI: M = TE × TR\/EL × RR\)\n\nOperational 39\.2 mg CO₂e \+ embodied [\d.]+ mg CO₂e = [\d.]+ mg CO₂e\.\n/);
    // 296 kg (median desktop) × (120 s / 4 years) × 0.5 of the CPU time = 141 mg.
    assert.match(section, /^\| a typical desktop \(desktop CPU "Intel Core i7-8700"\) \| 141 mg CO₂e \| 296 kg: Boavizta .*, median of \d+ desktops \| 0\.0333 h: the run's duration \| 4 years: .* \| 50 %: the task's share of the machine's CPU time .* \|$/m);
  });

  it('leaves JSON and CSV byte for byte as they were', () => {
    const record = buildRunRecord();
    for (const format of ['json', 'csv'] as const) assert.equal(formatRunReport(record, format, [], { data }), formatRunReport(record, format, []));
  });

  it('adds the same figures to the HTML report before its footer, escaped', () => {
    const record = buildRunRecord({ machine: { ...buildRunRecord().machine, cpuModel: 'Intel Core i7-8700 <script>' } });
    const plain = formatRunReport(record, 'html', []);
    const html = formatRunReport(record, 'html', [], { data });
    const footer = plain.indexOf('<footer>');
    assert.equal(html.slice(0, footer), plain.slice(0, footer), 'the report as it was, up to the footer');
    const section = html.slice(footer, html.indexOf('<footer>'));
    assert.match(section, /^<h2>Embodied emissions \(SCI: M = TE × TR\/EL × RR\)<\/h2>\n<p>Operational 39\.2 mg CO₂e \+ embodied/);
    assert.match(section, /<td class="number">141 mg CO₂e<\/td><td>TE 296 kg CO₂e \(Boavizta .*\) × TR 0\.0333 h \(the run&#39;s duration\) ÷ EL 4 years/);
    assert.ok(section.includes('&lt;script&gt;') && !section.includes('<script>'));
  });

  it('says why the section is missing instead of losing the report', () => {
    const text = formatRunReport(buildRunRecord(), 'md', [], { data, choices: { cloudInstance: 'aws:nope' } });
    assert.match(text, /## Embodied emissions\n\nNot computed: No embodied figure for cloud instance "aws:nope"/);
  });
});
