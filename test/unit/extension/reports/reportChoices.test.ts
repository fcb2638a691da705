import { strict as assert } from 'node:assert';
import { FORMAT_CHOICES, reportFileName, runChoice } from '../../../../src/extension/reports/reportChoices';
import { summarizeRun } from '../../../../src/engine/runStore';
import { buildRunRecord } from '../../../fixtures/buildRun';

describe('reportChoices', () => {
  it('offers the four formats of the issue, each with its own extension', () => {
    assert.deepEqual(FORMAT_CHOICES.map((choice) => choice.format), ['csv', 'json', 'html', 'md']);
    assert.equal(new Set(FORMAT_CHOICES.map((choice) => choice.extension)).size, 4);
  });

  it('names a report after the first 8 characters of its run id', () => {
    assert.equal(reportFileName('7f3c9a10-1b2c-4d5e', 'md'), 'carbon-meter-7f3c9a10.md');
    assert.equal(reportFileName('7f3c9a10-1b2c-4d5e', 'csv'), 'carbon-meter-7f3c9a10.csv');
  });

  it('keeps separators out of the file name', () => {
    assert.equal(reportFileName('../../etc', 'json'), 'carbon-meter-etc.json');
    assert.equal(reportFileName('///', 'json'), 'carbon-meter-run.json');
  });

  it('describes a run by its command, emissions, status and project', () => {
    const record = buildRunRecord({ status: 'interrupted' });
    const choice = runChoice(summarizeRun(record), () => '15/03/2024');
    assert.equal(choice.label, 'npm test');
    assert.match(choice.description, /\(estimated\) · interrupted$/);
    assert.equal(choice.detail, 'carbon-meter / unit tests · 15/03/2024 · 7f3c9a10');
    assert.equal(choice.runId, record.id);
  });
});
