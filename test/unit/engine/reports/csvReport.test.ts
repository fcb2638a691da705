import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendEmissionsCsv, describeCsvAppendFailure, EMISSIONS_CSV_COLUMNS, emissionsCsvFields, formatCodeCarbonTimestamp, parseEmissionsCsv,
} from '../../../../src/engine/reports/csvReport';
import { buildRunRecord, DEFAULT_STARTED_AT_MS } from '../../../fixtures/buildRun';

describe('emissions.csv report', () => {
  let directory: string;
  let csvPath: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'carbon-csv-'));
    csvPath = join(directory, 'emissions.csv');
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('writes exactly the 38 CodeCarbon 3.x columns, in order, as the header of a new file', async () => {
    const result = await appendEmissionsCsv(csvPath, buildRunRecord());
    const [headerLine] = (await readFile(csvPath, 'utf8')).split('\n');
    assert.equal(headerLine, 'timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,'
      + 'cpu_power,gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,water_consumed,'
      + 'country_name,country_iso_code,region,cloud_provider,cloud_region,os,python_version,codecarbon_version,'
      + 'cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,'
      + 'cpu_utilization_percent,gpu_utilization_percent,ram_utilization_percent,ram_used_gb,on_cloud,pue,wue');
    assert.equal(EMISSIONS_CSV_COLUMNS.length, 38);
    assert.equal(result.wroteHeader, true);
  });

  it('writes the hand-computed run in CodeCarbon units and pandas float format', async () => {
    await appendEmissionsCsv(csvPath, buildRunRecord());
    const { rows } = parseEmissionsCsv(await readFile(csvPath, 'utf8'));
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0], {
      timestamp: '2024-03-15T10:02:00',
      project_name: 'carbon-meter',
      run_id: '7f3c9a10-1b2c-4d5e-8f90-a1b2c3d4e5f6',
      experiment_id: 'unit tests',
      duration: '120.0',
      emissions: '3.92e-05',
      emissions_rate: '3.2666666666666663e-07',
      cpu_power: '18.0',
      gpu_power: '0.0',
      ram_power: '3.0',
      cpu_energy: '0.0006',
      gpu_energy: '0.0',
      ram_energy: '0.0001',
      energy_consumed: '0.0007',
      water_consumed: '0.0',
      country_name: 'France',
      country_iso_code: 'FRA',
      region: '',
      cloud_provider: '',
      cloud_region: '',
      os: 'Linux-6.8.0-x86_64-with-glibc2.39',
      python_version: '',
      codecarbon_version: '',
      cpu_count: '12',
      cpu_model: 'Intel Core i7-8700',
      gpu_count: '0',
      gpu_model: '',
      longitude: '',
      latitude: '',
      ram_total_size: '16.0',
      tracking_mode: 'process',
      cpu_utilization_percent: '50.0',
      gpu_utilization_percent: '',
      ram_utilization_percent: '25.0',
      ram_used_gb: '4.0',
      on_cloud: 'N',
      pue: '1.0',
      wue: '0.0',
    });
  });

  it('uses the whole machine energy in machine mode', () => {
    const fields = emissionsCsvFields(buildRunRecord({ trackingMode: 'machine' }));
    assert.equal(fields.cpu_energy, '0.0012');
    assert.equal(fields.energy_consumed, '0.0013');
    assert.equal(fields.tracking_mode, 'machine');
  });

  it('formats the timestamp as local %Y-%m-%dT%H:%M:%S like CodeCarbon', () => {
    assert.equal(formatCodeCarbonTimestamp(new Date(2025, 0, 2, 3, 4, 5, 678).getTime()), '2025-01-02T03:04:05');
  });

  it('appends a second row without touching the bytes of the first', async () => {
    await appendEmissionsCsv(csvPath, buildRunRecord());
    const before = await readFile(csvPath);
    const result = await appendEmissionsCsv(csvPath, buildRunRecord({ id: 'second-run' }));
    const after = await readFile(csvPath);
    assert.equal(result.wroteHeader, false);
    assert.deepEqual(after.subarray(0, before.length), before);
    const { rows } = parseEmissionsCsv(after.toString('utf8'));
    assert.deepEqual(rows.map((row) => row.run_id), ['7f3c9a10-1b2c-4d5e-8f90-a1b2c3d4e5f6', 'second-run']);
  });

  it('keeps a file with other columns aside as a .bak and starts a new one', async () => {
    const oldText = 'timestamp,project_name,run_id,duration,emissions\n2021-01-01T00:00:00,old,abc,1.0,0.1\n';
    await writeFile(csvPath, oldText);
    const result = await appendEmissionsCsv(csvPath, buildRunRecord(), { nowMs: () => DEFAULT_STARTED_AT_MS });
    assert.equal(result.backupPath, `${csvPath}.20240315T100000.bak`);
    assert.match(result.message ?? '', /emissions\.csv\.20240315T100000\.bak/);
    assert.equal(await readFile(result.backupPath ?? '', 'utf8'), oldText);
    assert.equal(parseEmissionsCsv(await readFile(csvPath, 'utf8')).rows.length, 1);
  });

  it('never overwrites an earlier backup taken in the same second', async () => {
    const nowMs = (): number => DEFAULT_STARTED_AT_MS;
    await writeFile(csvPath, 'a,b\n1,2\n');
    await appendEmissionsCsv(csvPath, buildRunRecord(), { nowMs });
    await writeFile(csvPath, 'c,d\n3,4\n');
    const second = await appendEmissionsCsv(csvPath, buildRunRecord(), { nowMs });
    assert.equal(second.backupPath, `${csvPath}.20240315T100000_1.bak`);
    assert.deepEqual((await readdir(directory)).sort(), ['emissions.csv', 'emissions.csv.20240315T100000.bak', 'emissions.csv.20240315T100000_1.bak']);
    assert.equal(await readFile(`${csvPath}.20240315T100000.bak`, 'utf8'), 'a,b\n1,2\n');
  });

  it('treats an empty file as new and writes the header', async () => {
    await writeFile(csvPath, '');
    const result = await appendEmissionsCsv(csvPath, buildRunRecord());
    assert.equal(result.wroteHeader, true);
    assert.equal(result.backupPath, undefined);
    assert.equal(parseEmissionsCsv(await readFile(csvPath, 'utf8')).rows.length, 1);
  });

  it('follows the column order of an existing file with the same columns', async () => {
    const reordered = ['run_id', ...EMISSIONS_CSV_COLUMNS.filter((column) => column !== 'run_id')];
    await writeFile(csvPath, `${reordered.join(',')}\n`);
    await appendEmissionsCsv(csvPath, buildRunRecord());
    const text = await readFile(csvPath, 'utf8');
    assert.ok(text.split('\n')[1]?.startsWith('7f3c9a10-1b2c-4d5e-8f90-a1b2c3d4e5f6,2024-03-15T10:02:00,'));
  });

  it('starts its row on a new line when the previous writer died mid-row', async () => {
    await appendEmissionsCsv(csvPath, buildRunRecord({ id: 'first' }));
    await writeFile(csvPath, `${await readFile(csvPath, 'utf8')}2024-01-01T00:00:00,torn`);
    await appendEmissionsCsv(csvPath, buildRunRecord({ id: 'third' }));
    const text = await readFile(csvPath, 'utf8');
    assert.ok(text.includes('2024-01-01T00:00:00,torn\n'), 'the torn row is kept as it was');
    const { rows, skippedRows } = parseEmissionsCsv(text);
    assert.deepEqual(rows.map((row) => row.run_id), ['first', 'third']);
    assert.equal(skippedRows, 1);
  });

  it('appends to a file of many runs reading only its header and its last byte', async () => {
    for (let run = 0; run < 3; run++) await appendEmissionsCsv(csvPath, buildRunRecord({ id: `run-${run}` }));
    const rowsText = (await readFile(csvPath, 'utf8')).split('\n').slice(1).join('\n');
    // About 200 rows, well past the part of the file that is read; the last one torn by a writer that died.
    await writeFile(csvPath, `${await readFile(csvPath, 'utf8')}${rowsText.repeat(70)}2024-01-01T00:00:00,torn`);
    await appendEmissionsCsv(csvPath, buildRunRecord({ id: 'last' }));
    const { rows } = parseEmissionsCsv(await readFile(csvPath, 'utf8'));
    const { skippedRows } = parseEmissionsCsv(await readFile(csvPath, 'utf8'));
    assert.ok(rows.length > 200, `${rows.length} rows`);
    assert.equal(rows.at(-1)?.run_id, 'last');
    assert.equal(rows.at(-2)?.run_id, 'run-2');
    assert.equal(skippedRows, 1, 'the torn row');
  });

  it('quotes a project name with a comma and a quote as pandas does, and reads it back', async () => {
    const projectName = 'Acme, "fast" build';
    await appendEmissionsCsv(csvPath, buildRunRecord({ projectName }));
    const text = await readFile(csvPath, 'utf8');
    assert.ok(text.includes(',"Acme, ""fast"" build",'));
    assert.equal(parseEmissionsCsv(text).rows[0]?.project_name, projectName);
  });

  it('creates a missing folder (deleted while a run went on) before starting the file', async () => {
    const nested = join(directory, 'deleted', 'store', 'emissions.csv');
    const result = await appendEmissionsCsv(nested, buildRunRecord());
    assert.equal(result.wroteHeader, true);
    assert.equal(parseEmissionsCsv(await readFile(nested, 'utf8')).rows.length, 1);
  });

  it('leaves no temporary file behind when it creates the file', async () => {
    await appendEmissionsCsv(csvPath, buildRunRecord({ id: 'a' }));
    await appendEmissionsCsv(csvPath, buildRunRecord({ id: 'b' }));
    assert.deepEqual(await readdir(directory), ['emissions.csv']);
  });

  it('writes one header when many appends to a missing file race in one process', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, index) => appendEmissionsCsv(csvPath, buildRunRecord({ id: `run-${index}` }))));
    const text = await readFile(csvPath, 'utf8');
    const parsed = parseEmissionsCsv(text);
    assert.equal(text.split('\n').filter((line) => line.startsWith('timestamp,')).length, 1);
    assert.equal(parsed.skippedRows, 0);
    assert.deepEqual(parsed.rows.map((row) => row.run_id).sort(), Array.from({ length: 30 }, (_, index) => `run-${index}`).sort());
    assert.deepEqual(await readdir(directory), ['emissions.csv']);
  });

  it('keeps one backup of a file with other columns when many appends race on it', async () => {
    const oldText = 'a,b\n1,2\n';
    await writeFile(csvPath, oldText);
    const results = await Promise.all(Array.from({ length: 10 }, (_, index) => appendEmissionsCsv(csvPath, buildRunRecord({ id: `run-${index}` }))));
    const backups = (await readdir(directory)).filter((name) => name.endsWith('.bak'));
    assert.equal(backups.length, 1, backups.join(', '));
    assert.equal(await readFile(join(directory, backups[0] as string), 'utf8'), oldText);
    assert.equal(results.filter((result) => result.backupPath !== undefined).length, 1);
    assert.equal(parseEmissionsCsv(await readFile(csvPath, 'utf8')).rows.length, 10);
  });

  it('skips and counts garbage rows, and a file of zeros has other columns and is kept aside', async () => {
    const parsed = parseEmissionsCsv('a,b\n1,2\n\u0000\u0000\u0000\n3,4\nx,y,z\n');
    assert.deepEqual(parsed.rows, [{ a: '1', b: '2' }, { a: '3', b: '4' }]);
    assert.equal(parsed.skippedRows, 2);
    await writeFile(csvPath, Buffer.alloc(4096));
    const result = await appendEmissionsCsv(csvPath, buildRunRecord(), { nowMs: () => DEFAULT_STARTED_AT_MS });
    assert.deepEqual(await readFile(result.backupPath ?? ''), Buffer.alloc(4096));
    assert.equal(parseEmissionsCsv(await readFile(csvPath, 'utf8')).rows.length, 1);
  });

  it('explains a full or read-only disk when a row cannot be appended, and how to get the row back', () => {
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: 'ENOSPC' });
    assert.equal(describeCsvAppendFailure('/data/emissions.csv', 'abc', full),
      'could not append run abc to /data/emissions.csv: the disk is full (ENOSPC). The run is kept in its JSON record; '
      + 'once storage is back, `carbon-meter report abc --format csv` prints its row.');
    const readOnly = Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS' });
    assert.match(describeCsvAppendFailure('/data/emissions.csv', 'abc', readOnly), /: the file system is read-only \(EROFS\)\./);
  });

  it('parses quoted line breaks and CRLF line endings', () => {
    const parsed = parseEmissionsCsv('a,b\r\n"x\ny",2\r\n');
    assert.deepEqual(parsed.header, ['a', 'b']);
    assert.deepEqual(parsed.rows, [{ a: 'x\ny', b: '2' }]);
  });
});
