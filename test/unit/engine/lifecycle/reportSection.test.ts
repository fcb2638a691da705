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

  it('leaves the other formats byte for byte as they were', () => {
    const record = buildRunRecord();
    for (const format of ['json', 'csv', 'html'] as const) assert.equal(formatRunReport(record, format, [], { data }), formatRunReport(record, format, []));
  });

  it('says why the section is missing instead of losing the report', () => {
    const text = formatRunReport(buildRunRecord(), 'md', [], { data, choices: { cloudInstance: 'aws:nope' } });
    assert.match(text, /## Embodied emissions\n\nNot computed: No embodied figure for cloud instance "aws:nope"/);
  });
});
