import * as assert from 'node:assert/strict';
import { COLUMNS, dataText, nextSortOrder, RANK_ORDER, sortRows } from '../../../../src/webview/regionAdvisor/regionColumns';
import { buildRow } from './regionRowBuilder';

const rows = [
  buildRow({ rank: 1, provider: 'ovh', region: 'bhs', emissionsKg: 0.0036, carbonFreePercent: undefined }),
  buildRow({ rank: 2, tied: true, provider: 'gcp', region: 'b', emissionsKg: 0.04, carbonFreePercent: 98 }),
  buildRow({ rank: 2, tied: true, provider: 'aws', region: 'c', emissionsKg: 0.04, carbonFreePercent: 60 }),
  buildRow({ rank: 4, provider: 'azure', region: 'd', emissionsKg: 0.9, carbonFreePercent: undefined }),
];
const keys = (sorted: typeof rows) => sorted.map((row) => `${row.provider}:${row.region}`);

describe('Region Advisor table', () => {
  it('keeps the host\'s rank order by default', () => {
    assert.deepEqual(keys(sortRows(rows, RANK_ORDER)), ['ovh:bhs', 'gcp:b', 'aws:c', 'azure:d']);
  });

  it('sorts text alphabetically and flips on a second click', () => {
    const ascending = nextSortOrder(RANK_ORDER, 'provider');
    assert.deepEqual(keys(sortRows(rows, ascending)), ['aws:c', 'azure:d', 'gcp:b', 'ovh:bhs']);
    const descending = nextSortOrder(ascending, 'provider');
    assert.deepEqual(descending, { column: 'provider', descending: true });
    assert.deepEqual(keys(sortRows(rows, descending)), ['ovh:bhs', 'gcp:b', 'azure:d', 'aws:c']);
  });

  it('puts rows without a value last in either direction, and keeps equal values in rank order', () => {
    assert.deepEqual(keys(sortRows(rows, { column: 'cfe', descending: true })), ['gcp:b', 'aws:c', 'ovh:bhs', 'azure:d']);
    assert.deepEqual(keys(sortRows(rows, { column: 'cfe', descending: false })), ['aws:c', 'gcp:b', 'ovh:bhs', 'azure:d']);
    assert.deepEqual(keys(sortRows(rows, { column: 'emissions', descending: false })), ['ovh:bhs', 'gcp:b', 'aws:c', 'azure:d']);
  });

  it('writes ties, savings, percentages and the data year', () => {
    const text = (id: string, row = rows[1]) => COLUMNS.find((column) => column.id === id)?.text(row ?? buildRow()) ?? '';
    assert.equal(text('rank'), '=2');
    assert.equal(text('emissions'), '40 g');
    assert.equal(text('savingKg', buildRow({ savingKg: -0.1 })), '-100 g');
    assert.equal(text('savingPercent', buildRow({ savingPercent: -12.3 })), '-12 %');
    assert.equal(text('savingPercent', buildRow({ savingPercent: undefined })), '');
    assert.equal(dataText(buildRow()), '2024 · Google Cloud region carbon data 2024');
    assert.equal(dataText(buildRow({ intensityYear: undefined, intensitySource: 'Ember' })), 'Ember');
  });
});
