/**
 * Builds data/embodied.json: the embodied (manufacturing, transport, end-of-life) emissions and lifetimes of
 * devices, for the SCI embodied share M = TE × TR/EL × RR. Sources: Boavizta's manufacturer footprints
 * (ODbL) for laptops, desktops, workstations and servers; Cloud Carbon Footprint's embodied coefficients
 * (Apache-2.0) for cloud hosts, the per-GPU figure and the server lifetime.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvObjects } from './csv.mjs';
import { round } from './stableJson.mjs';

const BOAVIZTA_FILE = 'boavizta/environmental-footprint-data/boavizta-data-us.csv';
const CCF_EMBODIED_FILE = (/** @type {string} */ provider) => `ccf-coefficients/output/coefficients-${provider}-embodied.csv`;
const CCF_GCP_MEAN_FILE = 'ccf-coefficients/output/coefficients-gcp-embodied-mean.csv';
const CCF_INSTANCES_FILE = { aws: 'ccf-coefficients/data/aws-instances.csv', gcp: 'ccf-coefficients/data/gcp-instances.csv', azure: 'ccf-coefficients/data/azure-instances.csv' };
const CCF_EMBODIED_DOC = 'cloud-carbon-footprint/EmbodiedEmissions.md';
const ADDITION_COLUMNS = ['additional_memory', 'additional_storage', 'additional_cpus', 'additional_gpus'];

/** Boavizta subcategory → our device category. Monitors, phones, printers and the like are not computers that run code. */
const CATEGORIES = /** @type {const} */ ({ Laptop: 'laptop', Desktop: 'desktop', Workstation: 'workstation', Server: 'server' });

/** @param {string} text */
function number(text) {
  return text === '' || text === 'N/A' ? Number.NaN : Number(text.replace(',', '.'));
}

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? /** @type {number} */ (sorted[middle]) : (/** @type {number} */ (sorted[middle - 1]) + /** @type {number} */ (sorted[middle])) / 2;
}

/** @param {string} a @param {string} b */
function byCodeUnit(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** @param {string} sharedDir */
function buildDevices(sharedDir) {
  const devices = [];
  let skipped = 0;
  for (const row of parseCsvObjects(readFileSync(join(sharedDir, BOAVIZTA_FILE), 'utf8'))) {
    const category = CATEGORIES[/** @type {keyof typeof CATEGORIES} */ (row.subcategory)];
    if (!category) continue;
    const total = number(row.gwp_total);
    const useRatio = number(row.gwp_use_ratio);
    const lifetimeYears = number(row.lifetime);
    if (!(total > 0) || !(useRatio >= 0 && useRatio < 1) || !(lifetimeYears > 0)) {
      skipped++;
      continue;
    }
    // Everything but the use phase: manufacturing, transport and end of life, as SCI's TE counts them.
    devices.push({ category, manufacturer: row.manufacturer, name: row.name.replace(/\s+/g, ' ').trim(), embodiedKg: round(total * (1 - useRatio), 1), lifetimeYears, reportDate: row.report_date });
  }
  devices.sort((a, b) => byCodeUnit(a.category, b.category) || byCodeUnit(a.manufacturer, b.manufacturer) || byCodeUnit(a.name, b.name) || a.embodiedKg - b.embodiedKg);
  const categories = [...new Set(devices.map((d) => d.category))].sort().map((category) => {
    const rows = devices.filter((d) => d.category === category);
    return { category, deviceCount: rows.length, medianEmbodiedKg: round(median(rows.map((d) => d.embodiedKg)), 1), medianLifetimeYears: median(rows.map((d) => d.lifetimeYears)) };
  });
  return { devices, categories, skipped };
}

/**
 * Cloud hosts: CCF's embodied total per physical host, with the instance's and the host's vCPUs and GPUs so
 * the share RR can be taken. GCP and Azure list a type once per possible micro-architecture: the mean is kept.
 * @param {string} sharedDir
 */
function buildCloudHosts(sharedDir) {
  /** @type {{ provider: string, type: string, hostEmbodiedKg: number, vcpus: number, hostVcpus: number, gpus: number, hostGpus: number, gpuName?: string }[]} */
  const hosts = [];
  const perGpuKg = new Set();
  const baseServerKg = new Set();
  const read = (/** @type {string} */ file) => parseCsvObjects(readFileSync(join(sharedDir, file), 'utf8'));

  const awsInstances = new Map(read(CCF_INSTANCES_FILE.aws).map((r) => [r['Instance type'], r]));
  for (const row of read(CCF_EMBODIED_FILE('aws'))) {
    const instance = awsInstances.get(row.type);
    if (!instance) throw new Error(`${CCF_INSTANCES_FILE.aws}: no row for ${row.type}`);
    baseServerKg.add(round(number(row.total) - ADDITION_COLUMNS.reduce((sum, c) => sum + number(row[c] ?? ''), 0), 2));
    const hostGpus = number(instance['Platform GPU Quantity']);
    const gpus = number(instance['Instance Number of GPU']);
    if (hostGpus > 0) perGpuKg.add(round(number(row.additional_gpus) / hostGpus, 2));
    hosts.push({
      provider: 'aws', type: row.type, hostEmbodiedKg: round(number(row.total), 2), vcpus: number(instance['Instance vCPU']), hostVcpus: number(instance['Platform Total Number of vCPU']),
      gpus: gpus > 0 ? gpus : 0, hostGpus: hostGpus > 0 ? hostGpus : 0, ...(hostGpus > 0 ? { gpuName: instance['Platform GPU Name'] } : {}),
    });
  }

  const gcpMean = new Map(read(CCF_GCP_MEAN_FILE).map((r) => [r.type, number(r.total_mean)]));
  const azureTotals = new Map();
  for (const row of read(CCF_EMBODIED_FILE('azure'))) azureTotals.set(row.type, [...(azureTotals.get(row.type) ?? []), number(row.total)]);
  const others = [
    { provider: 'gcp', typeColumn: 'Machine type', totalOf: (/** @type {string} */ type) => gcpMean.get(type) },
    { provider: 'azure', typeColumn: 'Virtual Machine', totalOf: (/** @type {string} */ type) => { const t = azureTotals.get(type); return t ? t.reduce((/** @type {number} */ s, /** @type {number} */ v) => s + v, 0) / t.length : undefined; } },
  ];
  for (const { provider, typeColumn, totalOf } of others) {
    const seen = new Set();
    for (const instance of read(CCF_INSTANCES_FILE[/** @type {'gcp' | 'azure'} */ (provider)])) {
      const type = instance[typeColumn] ?? '';
      const total = totalOf(type);
      if (seen.has(type) || total === undefined) continue;
      seen.add(type);
      const gpus = number(instance['Instance GPUs']);
      const hostGpus = number(instance['Platform GPU']);
      hosts.push({
        provider, type, hostEmbodiedKg: round(total, 2), vcpus: number(instance['Instance vCPUs']), hostVcpus: number(instance['Platform vCPUs (highest vCPU possible)']),
        gpus: gpus > 0 ? gpus : 0, hostGpus: hostGpus > 0 ? hostGpus : 0,
      });
    }
  }
  // A few upstream rows give an instance more vCPUs than its host (Azure M416ms v2: 416 of 208): no share can be taken; leave them out and say so.
  const inconsistent = hosts.filter((h) => !(h.vcpus > 0) || !(h.hostVcpus >= h.vcpus));
  const kept = hosts.filter((h) => !inconsistent.includes(h));
  // CCF adds one constant per GPU and starts every host from one base server; check rather than assume.
  if (perGpuKg.size !== 1 || baseServerKg.size !== 1) throw new Error(`CCF embodied coefficients: expected one per-GPU and one base-server figure, got ${[...perGpuKg]} and ${[...baseServerKg]}`);
  kept.sort((a, b) => byCodeUnit(a.provider, b.provider) || byCodeUnit(a.type, b.type));
  const left = inconsistent.map((h) => `${h.provider} ${h.type} (${h.vcpus} of ${h.hostVcpus})`).join('; ');
  return { hosts: kept, left, perGpuKg: /** @type {number} */ ([...perGpuKg][0]), baseServerKg: /** @type {number} */ ([...baseServerKg][0]) };
}

/** @param {string} sharedDir */
function readCcfLifetimeYears(sharedDir) {
  const doc = readFileSync(join(sharedDir, CCF_EMBODIED_DOC), 'utf8');
  const match = /For \*\*EL\*\* we use (\d+) years/.exec(doc);
  if (!match) throw new Error(`${CCF_EMBODIED_DOC}: expected lifespan ("For **EL** we use N years") not found`);
  return Number(match[1]);
}

/** @param {string} sharedDir */
export function buildEmbodied(sharedDir) {
  const { devices, categories, skipped } = buildDevices(sharedDir);
  const { hosts, left, perGpuKg, baseServerKg } = buildCloudHosts(sharedDir);
  const ccfLifetimeYears = readCcfLifetimeYears(sharedDir);
  return {
    provenance: {
      description: 'Embodied emissions (all life-cycle phases but use) and expected lifetimes of computers, cloud hosts and GPUs, for the SCI embodied share M = TE × TR/EL × RR.',
      units: {
        embodiedKg: 'kg CO2e per device: manufacturer PCF gwp_total × (1 − gwp_use_ratio)',
        hostEmbodiedKg: 'kg CO2e per physical cloud host (CCF total: base server + memory + storage + CPUs + GPUs)',
        perGpuKg: 'kg CO2e per GPU (CCF additional_gpus / GPUs in the host)',
        baseServerKg: 'kg CO2e of CCF\'s base rack server, before additions',
        lifetimeYears: 'years of expected service life (EL)',
        vcpus: 'vCPUs of the instance; hostVcpus: of the whole host (RR = vcpus / hostVcpus)',
      },
      sources: [
        {
          name: 'Boavizta environmental-footprint-data, boavizta-data-us.csv (manufacturer Product Carbon Footprints) at commit 61323eb5',
          url: 'https://github.com/Boavizta/environmental-footprint-data', licence: 'ODbL 1.0 (contents DbCL 1.0)',
          citation: 'Boavizta, environmental-footprint-data; this derived table is offered under the same ODbL 1.0', rawFiles: [BOAVIZTA_FILE],
        },
        {
          name: 'Cloud Carbon Footprint coefficients, output/coefficients-*-embodied.csv and data/*-instances.csv (Teads AWS EC2 dataset) at commit b0032d92',
          url: 'https://github.com/cloud-carbon-footprint/ccf-coefficients', licence: 'Apache-2.0',
          citation: 'Benjamin Davy (Teads), "Building an AWS EC2 Carbon Emissions Dataset"',
          rawFiles: [CCF_EMBODIED_FILE('aws'), CCF_EMBODIED_FILE('azure'), CCF_GCP_MEAN_FILE, CCF_INSTANCES_FILE.aws, CCF_INSTANCES_FILE.azure, CCF_INSTANCES_FILE.gcp],
        },
        { name: 'Cloud Carbon Footprint methodology, Embodied Emissions (expected lifespan)', url: 'https://www.cloudcarbonfootprint.org/docs/embodied-emissions', licence: 'Apache-2.0', rawFiles: [CCF_EMBODIED_DOC] },
      ],
      notes: [
        'Boavizta warns that manufacturer PAIA-based figures carry large margins: orders of magnitude, not precise evaluations.',
        `Boavizta rows without gwp_total, gwp_use_ratio or lifetime skipped: ${skipped}.`,
        'GCP: CCF\'s mean over possible micro-architectures (coefficients-gcp-embodied-mean.csv); Azure: the mean of its rows per type, computed here.',
        `Cloud hosts left out because the instance has more vCPUs than its host upstream: ${left || 'none'}.`,
        `CCF adds ${perGpuKg} kg per GPU on every GPU host and starts from a ${baseServerKg} kg base server (checked on every AWS row).`,
      ],
      builtBy: 'scripts/buildData.mjs',
    },
    categories,
    cloudHosts: hosts,
    devices,
    gpu: { perGpuKg, lifetimeYears: ccfLifetimeYears, source: 'Cloud Carbon Footprint embodied coefficients (Apache-2.0)' },
    server: { baseServerKg, lifetimeYears: ccfLifetimeYears, source: 'Cloud Carbon Footprint embodied coefficients (Apache-2.0)' },
  };
}
