/** Builds data/cpuPower.json (CodeCarbon TDP table) and data/cloudCpuCoefficients.json (CCF SPECpower coefficients). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvObjects } from './csv.mjs';
import { round } from './stableJson.mjs';

const CPU_FILE = 'codecarbon/hardware/cpu_power.csv';
const CCF_USE_FILE = (/** @type {string} */ provider) => `ccf-coefficients/output/coefficients-${provider}-use.csv`;
const CCF_METHODOLOGY_FILE = 'cloud-carbon-footprint/Methodology.md';
const CCF_PROVIDERS = ['aws', 'azure', 'gcp'];

/** @param {string} sharedDir */
export function buildCpuPower(sharedDir) {
  /** @type {Map<string, number>} */
  const byName = new Map();
  /** @type {string[]} */
  const skipped = [];
  for (const row of parseCsvObjects(readFileSync(join(sharedDir, CPU_FILE), 'utf8'))) {
    // A few old Celerons carry malformed values such as "27.29.5"; skip rather than guess.
    const name = row.Name.replace(/\s+/g, ' ').trim();
    if (!/^\d+(\.\d+)?$/.test(row.TDP) || name === '') {
      skipped.push(`${name}=${row.TDP}`);
      continue;
    }
    if (!byName.has(name)) byName.set(name, Number(row.TDP));
  }
  const cpus = [...byName.entries()].map(([name, tdpWatts]) => ({ name, tdpWatts })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    provenance: {
      description: 'Thermal design power per CPU model (per socket), CodeCarbon\'s lookup table.',
      units: { tdpWatts: 'W per socket' },
      sources: [{ name: 'CodeCarbon hardware/cpu_power.csv (Intel ARK, AMD spec pages, user contributions)', url: 'https://github.com/mlco2/codecarbon', licence: 'MIT', copyright: 'Copyright (c) 2019 Mila, BCG Gamma, CometML, Haverford College; Copyright (c) 2023 Code Carbon NGO', rawFiles: [CPU_FILE] }],
      notes: [`Rows with malformed TDP values skipped: ${skipped.join('; ') || 'none'}.`, 'Whitespace in names is collapsed; names are sorted by UTF-16 code unit.'],
      builtBy: 'scripts/buildData.mjs',
    },
    cpus,
  };
}

/** @param {string} sharedDir */
export function buildCloudCpuCoefficients(sharedDir) {
  const methodology = readFileSync(join(sharedDir, CCF_METHODOLOGY_FILE), 'utf8');
  const memory = /go with ([\d.]+) W\/GB/.exec(methodology);
  if (!memory) throw new Error(`${CCF_METHODOLOGY_FILE}: memory coefficient ("go with … W/GB") not found`);
  const providers = CCF_PROVIDERS.map((provider) => {
    const rows = parseCsvObjects(readFileSync(join(sharedDir, CCF_USE_FILE(provider)), 'utf8'));
    const microarchitectures = rows
      .map((r) => ({ name: r.Architecture, minWattsPerVcpu: round(Number(r['Min Watts']), 4), maxWattsPerVcpu: round(Number(r['Max Watts']), 4) }))
      .sort((a, b) => a.name.localeCompare(b.name));
    // CCF's "average" coefficients are the plain mean over the provider's micro-architectures.
    const mean = (/** @type {number[]} */ values) => round(values.reduce((sum, v) => sum + v, 0) / values.length, 4);
    return {
      provider,
      averageMinWattsPerVcpu: mean(rows.map((r) => Number(r['Min Watts']))),
      averageMaxWattsPerVcpu: mean(rows.map((r) => Number(r['Max Watts']))),
      microarchitectures,
    };
  });
  return {
    provenance: {
      description: 'Per-vCPU power at 0 % and 100 % utilisation by CPU micro-architecture; W = min + utilisation × (max − min).',
      units: { minWattsPerVcpu: 'W per vCPU at idle', maxWattsPerVcpu: 'W per vCPU at full load', memoryWattsPerGiB: 'W per GB of memory (CCF does not distinguish GB from GiB)' },
      sources: [
        { name: 'Cloud Carbon Footprint coefficients, output/coefficients-*-use.csv (from SPECpower_ssj2008 results)', url: 'https://github.com/cloud-carbon-footprint/ccf-coefficients', licence: 'Apache-2.0', citation: 'SPECpower_ssj2008 results, https://www.spec.org/power_ssj2008/results/', rawFiles: CCF_PROVIDERS.map(CCF_USE_FILE) },
        { name: 'Cloud Carbon Footprint methodology, memory coefficient', url: 'https://www.cloudcarbonfootprint.org/docs/methodology', licence: 'Apache-2.0', rawFiles: [CCF_METHODOLOGY_FILE] },
      ],
      notes: ['Averages are the unweighted mean over each provider\'s micro-architectures, rounded to 4 decimals.', 'The Azure file dates from 2022-03-01; AWS and GCP from 2026-04-24.'],
      builtBy: 'scripts/buildData.mjs',
    },
    memoryWattsPerGiB: Number(memory[1]),
    providers,
  };
}
