import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { findDevice, inferDeviceCategory, matchDeviceEmbodied } from '../../../../src/engine/lifecycle/deviceEmbodied';
import { loadEmbodiedData, parseEmbodiedData } from '../../../../src/engine/lifecycle/embodiedData';
import { formatRunEmbodiedMarkdown, formatRunEmbodiedText } from '../../../../src/engine/lifecycle/formatEmbodied';
import { computeRunEmbodied } from '../../../../src/engine/lifecycle/runEmbodied';
import { buildRunRecord } from '../../../fixtures/buildRun';

const data = loadEmbodiedData(join(__dirname, '..', '..', '..', '..', 'data'));
const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${actual} ≠ ${expected}`);

describe('computeRunEmbodied', () => {
  it('gives a desktop run its share: median desktop, 2 minutes of 4 years, half the CPU time', () => {
    const desktop = data.categories.find((c) => c.category === 'desktop');
    assert.ok(desktop);
    // The default record: 120 s in process mode, the task 0.0006 of the machine's 0.0012 kWh of CPU energy.
    const embodied = computeRunEmbodied(buildRunRecord(), data);
    assert.equal(embodied.items.length, 1);
    const [host] = embodied.items;
    assert.ok(host);
    close(host.embodiedKg, (desktop.medianEmbodiedKg * (120 / 3600) * 0.5) / (desktop.medianLifetimeYears * 8760));
    assert.equal(host.label, 'a typical desktop (desktop CPU "Intel Core i7-8700")');
    assert.match(host.totalEmbodiedKg.source, /^Boavizta environmental-footprint-data \(ODbL 1\.0 \(contents DbCL 1\.0\)\), median of \d+ desktops$/);
    assert.equal(host.reservedShare.value, 0.5);
    close(embodied.totalKg, embodied.embodiedKg + 0.0000392);
  });

  it('counts a cloud host whole, GPUs included, in machine mode on aws:p4d.24xlarge', () => {
    const record = buildRunRecord({ trackingMode: 'machine', durationSeconds: 3600, machine: { ...buildRunRecord().machine, cpuModel: 'Intel Xeon Platinum 8275CL', gpuCount: 8, gpuModel: 'NVIDIA A100-SXM4-40GB', onCloud: true } });
    const embodied = computeRunEmbodied(record, data, { cloudInstance: 'AWS:p4d.24xlarge' });
    assert.deepEqual(embodied.items.map((i) => i.component), ['host']);
    // CCF: 4,676.79 kg for the host with its 8 A100s (1,200 kg of them), 96 of 96 vCPUs, 4 years.
    close(embodied.embodiedKg, 4676.79 / 35_040);
    assert.match(embodied.items[0]?.label ?? '', /aws:p4d\.24xlarge host, its 8 GPUs included/);
  });

  it('adds the GPUs at CCF\'s 150 kg each when the machine is not a known cloud host, at the task\'s GPU share', () => {
    const record = buildRunRecord({
      durationSeconds: 3600, machine: { ...buildRunRecord().machine, cpuModel: 'AMD EPYC 7413 24-Core Processor', gpuCount: 2, gpuModel: 'NVIDIA A40' },
      machineEnergyKWh: { cpu: 0.1, gpu: 0.4, ram: 0.01 }, taskEnergyKWh: { cpu: 0.1, gpu: 0.1, ram: 0.01 },
    });
    const embodied = computeRunEmbodied(record, data);
    const gpus = embodied.items.find((i) => i.component === 'gpus');
    assert.ok(gpus);
    close(gpus.embodiedKg, (300 * 1 * 0.25) / 35_040);
    assert.equal(gpus.totalEmbodiedKg.source, '2 × 150 kg (Cloud Carbon Footprint embodied coefficients (Apache-2.0), per GPU)');
    assert.match(embodied.items[0]?.label ?? '', /typical server \(server CPU "AMD EPYC/);
  });

  it('takes the user\'s own figures over the data, and says so', () => {
    const embodied = computeRunEmbodied(buildRunRecord({ trackingMode: 'machine', durationSeconds: 3600 }), data, { deviceEmbodiedKg: 876, deviceLifetimeYears: 3 });
    close(embodied.embodiedKg, 876 / (3 * 8760));
    assert.deepEqual([embodied.items[0]?.totalEmbodiedKg.source, embodied.items[0]?.expectedLifetimeHours.source], ['your figure', 'your figure']);
  });

  it('finds a named device, and refuses an ambiguous or unknown name or instance', () => {
    const c4130 = findDevice(data, 'poweredge c4130');
    assert.equal(c4130.embodiedKg, 1244.6);
    const device = matchDeviceEmbodied({ cpuModel: 'x', onCloud: false, gpuCount: 0, gpuModel: '' }, data, { deviceName: 'PowerEdge C4130' });
    assert.match(device.host.totalEmbodiedKg.source, /Dell PowerEdge C4130 \(February 2019\)$/);
    assert.throws(() => findDevice(data, 'PowerEdge'), /matches \d+ devices: .*Give more of the name/);
    assert.throws(() => findDevice(data, 'no such thing'), /No device named like/);
    assert.throws(() => computeRunEmbodied(buildRunRecord(), data, { cloudInstance: 'aws:p4d.48xlarge' }), /No embodied figure for cloud instance "aws:p4d\.48xlarge".*close: aws:p4d\.24xlarge/);
  });

  it('infers a server from the cloud or a server CPU, a desktop from a desktop model number, a laptop otherwise', () => {
    const kind = (cpuModel: string, onCloud = false): string => inferDeviceCategory({ cpuModel, onCloud }).category;
    assert.equal(kind('Apple M2', true), 'server');
    assert.equal(kind('Intel(R) Xeon(R) Gold 6248'), 'server');
    assert.equal(kind('AMD EPYC 7B13 64-Core Processor'), 'server');
    assert.equal(kind('Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz'), 'desktop');
    assert.equal(kind('Intel Core i7-8700'), 'desktop');
    assert.equal(kind('AMD Ryzen 9 5950X 16-Core Processor'), 'desktop');
    assert.equal(kind('12th Gen Intel(R) Core(TM) i7-12700H'), 'laptop');
    assert.equal(kind('Intel(R) Core(TM) i7-1065G7 CPU @ 1.30GHz'), 'laptop');
    assert.equal(kind('AMD Ryzen 7 5800H with Radeon Graphics'), 'laptop');
    assert.deepEqual(inferDeviceCategory({ cpuModel: 'Apple M2', onCloud: false }), { category: 'laptop', basis: 'assumed: "Apple M2" is not a known server or desktop CPU' });
  });

  it('formats each figure with its source, as text and as a Markdown section', () => {
    const embodied = computeRunEmbodied(buildRunRecord(), data);
    const text = formatRunEmbodiedText(embodied).join('\n');
    assert.match(text, /^ {2}EL 4 years: Boavizta environmental-footprint-data .*, median of \d+ desktops$/m);
    assert.match(text, /^ {2}RR 50 %: the task's share of the machine's CPU time/m);
    assert.match(text, /^Embodied {5}[\d.]+ mg CO₂e \(M = TE × TR\/EL × RR\)$/m);
    const markdown = formatRunEmbodiedMarkdown(embodied);
    assert.match(markdown, /^## Embodied emissions \(SCI: M = TE × TR\/EL × RR\)$/m);
    assert.match(markdown, /^\| a typical desktop .* \| [\d.]+ mg CO₂e \| [\d.]+ kg: Boavizta/m);
  });
});

describe('parseEmbodiedData', () => {
  it('rejects a file whose figures are missing or out of range, naming the field', () => {
    const good = JSON.parse(JSON.stringify({ ...data, provenance: { sources: [{ name: 'Boavizta x', licence: 'ODbL' }, { name: 'Cloud Carbon Footprint coefficients, y', licence: 'Apache-2.0' }] } })) as Record<string, unknown>;
    assert.doesNotThrow(() => parseEmbodiedData(good, 'e.json'));
    assert.throws(() => parseEmbodiedData({ ...good, gpu: { perGpuKg: -1, lifetimeYears: 4, source: 's' } }, 'e.json'), /e\.json: gpu\.perGpuKg must be a positive number; rebuild it/);
    assert.throws(() => parseEmbodiedData({ ...good, devices: [{ category: 'phone' }] }, 'e.json'), /devices\[0\]\.category must be one of laptop, desktop, workstation, server/);
    assert.throws(() => parseEmbodiedData({ ...good, provenance: { sources: [] } }, 'e.json'), /provenance names no source/);
  });
});
