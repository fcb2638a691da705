import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendEmissionsCsv } from '../../../../../src/engine/reports/csvReport';
import { formatTeamReportHtml, formatTeamReportJson, formatTeamReportMarkdown } from '../../../../../src/engine/reports/team/formatTeamReport';
import { groupTeamRuns, parseGroupBy, weekStartMs } from '../../../../../src/engine/reports/team/groupTeamRuns';
import { readTeamRuns } from '../../../../../src/engine/reports/team/readTeamRuns';
import { teamRunsFromEmissionsCsv } from '../../../../../src/engine/reports/team/teamRun';
import { createRunStore } from '../../../../../src/engine/runStore';
import { buildRunRecord } from '../../../../fixtures/buildRun';

const CODECARBON_CSV = join(__dirname, '../../../../fixtures/codecarbon/emissions-2x.csv');
const DAY_MS = 86_400_000;

describe('team report', () => {
  let directory: string;
  beforeEach(async () => { directory = await mkdtemp(join(tmpdir(), 'cm-team-')); });
  afterEach(async () => { await rm(directory, { recursive: true, force: true }); });

  it('reads a CSV CodeCarbon 2.x wrote, skipping and counting the rows it cannot use', () => {
    const reading = teamRunsFromEmissionsCsv(readFileSync(CODECARBON_CSV, 'utf8'), 'cc.csv');
    assert.equal(reading.runs.length, 3);
    assert.equal(reading.skipped, 2, 'the unparseable duration and the torn row');
    const [first] = reading.runs;
    assert.deepEqual(first && { project: first.project, experiment: first.experiment, task: first.task, energyKWh: first.energyKWh, emissionsKg: first.emissionsKg },
      { project: 'bert-finetune', experiment: 'default', task: '', energyKWh: 0.3044, emissionsKg: 0.0215 });
    assert.equal(first?.endedAtMs, new Date(2024, 2, 4, 9, 15, 2).getTime(), 'CodeCarbon writes local time');
    assert.match(reading.problems[0] ?? '', /cc\.csv: 2 row\(s\) skipped/);
  });

  it('says a CSV without the needed columns is not an emissions.csv', () => {
    const reading = teamRunsFromEmissionsCsv('a,b\n1,2\n', 'other.csv');
    assert.deepEqual([reading.runs.length, reading.problems], [0, ['other.csv: not an emissions.csv (no timestamp, project_name, duration, emissions, energy_consumed column)']]);
  });

  it('counts a run found in a store and in its emissions.csv once, and adds other CSV files', async () => {
    const storeDir = join(directory, 'store');
    const store = createRunStore({ directory: storeDir });
    const now = Date.now();
    const records = [
      buildRunRecord({ id: 'r1', projectName: 'shop', experimentName: 'ci', command: 'npm test', endedAtMs: now - DAY_MS, energyKWh: 0.002, emissionsKg: 0.001 }),
      buildRunRecord({ id: 'r2', projectName: 'shop', experimentName: 'ci', command: 'npm test', endedAtMs: now - 2 * DAY_MS, energyKWh: 0.004, emissionsKg: 0.002 }),
      buildRunRecord({ id: 'r3', projectName: 'shop', experimentName: 'local', command: 'npm run build', endedAtMs: now - 3 * DAY_MS, energyKWh: 0.001, emissionsKg: 0.0005 }),
    ];
    for (const record of records) {
      await store.finishRun(record);
      await appendEmissionsCsv(join(storeDir, 'emissions.csv'), record);
    }
    store.dispose();
    const reading = await readTeamRuns([storeDir, CODECARBON_CSV, join(directory, 'missing')]);
    assert.equal(reading.runs.length, 3 + 3);
    assert.deepEqual(reading.problems.filter((problem) => problem.includes('missing')), [`${join(directory, 'missing')}: no such file or folder`]);

    const report = groupTeamRuns(reading.runs, ['project', 'experiment']);
    const shopCi = report.groups.find((group) => group.values.join('/') === 'shop/ci');
    assert.deepEqual(shopCi && [shopCi.runs, shopCi.energyKWh, shopCi.emissionsKg], [2, 0.006, 0.003]);
    assert.equal(report.groups[0]?.values[0], 'bert-finetune', 'largest emissions first');
    assert.ok(Math.abs(report.total.emissionsKg - (0.0035 + 0.0215 + 0.0108 + 0.0012)) < 1e-12);
    assert.deepEqual(report.topTasks.map((task) => [task.task, task.runs]), [['npm test', 2], ['npm run build', 1]]);
  });

  it('gives every week from the first run to the last, empty ones included, Monday to Monday', () => {
    const monday = Date.UTC(2024, 2, 4);
    assert.equal(weekStartMs(monday + 3 * DAY_MS + 5), monday);
    assert.equal(new Date(weekStartMs(Date.UTC(2024, 2, 10, 23))).getUTCDay(), 1);
    const run = (endedAtMs: number): Parameters<typeof groupTeamRuns>[0][number] => ({
      id: undefined, project: 'p', experiment: 'e', task: '', endedAtMs, durationSeconds: 1, energyKWh: 1, emissionsKg: 1, source: 's',
    });
    const report = groupTeamRuns([run(monday + DAY_MS), run(monday + 22 * DAY_MS)], ['project']);
    assert.deepEqual(report.weeks.map((week) => week.runs), [1, 0, 0, 1]);
  });

  it('escapes every name from a store or CSV in HTML and Markdown', () => {
    const reading = teamRunsFromEmissionsCsv(readFileSync(CODECARBON_CSV, 'utf8'), 'cc.csv');
    const report = groupTeamRuns(reading.runs, ['project']);
    const read = { sources: ['cc.csv'], skipped: reading.skipped, problems: reading.problems };
    const html = formatTeamReportHtml(report, read);
    assert.equal(html.includes('<img'), false);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    // In Markdown a backslash-escaped < is literal text, never a tag.
    assert.doesNotMatch(formatTeamReportMarkdown(report, read), /(^|[^\\])<img/);
    assert.ok(formatTeamReportMarkdown(report, read).includes('\\<img'));
    const json = JSON.parse(formatTeamReportJson(report, read)) as { groups: { values: string[] }[]; skipped: number };
    assert.equal(json.skipped, 2);
    assert.ok(json.groups.some((group) => group.values[0] === '<img src=x onerror=alert(1)>'), 'JSON keeps the value as it is');
  });

  it('parses --group-by and refuses unknown or repeated keys', () => {
    assert.deepEqual(parseGroupBy('project, experiment,task'), ['project', 'experiment', 'task']);
    assert.match(String(parseGroupBy('project,team')), /unknown key "team"/);
    assert.match(String(parseGroupBy('task,task')), /twice/);
    assert.match(String(parseGroupBy(' , ')), /needs one or more/);
  });
});
