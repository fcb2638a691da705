#!/usr/bin/env node
/**
 * Builds the shipped data files in data/ from the raw, licence-checked files in shared/data/.
 * Usage: node scripts/buildData.mjs [--shared DIR] [--out DIR]
 * Defaults: --shared ../shared/data and --out data, both relative to the repository root.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCloudRegions } from './data/cloudRegions.mjs';
import { buildCountryIntensity } from './data/countries.mjs';
import { buildEmbodied } from './data/embodied.mjs';
import { buildEquivalents } from './data/equivalents.mjs';
import { buildCloudCpuCoefficients, buildCpuPower } from './data/hardware.mjs';
import { buildNotice } from './data/notice.mjs';
import { buildRegionIntensity } from './data/regions.mjs';
import { stringifyStable } from './data/stableJson.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** @param {string[]} argv */
function parseArgs(argv) {
  const options = { sharedDir: resolve(repoRoot, '../shared/data'), outDir: resolve(repoRoot, 'data') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === '--shared' || flag === '--out') && value) {
      if (flag === '--shared') options.sharedDir = resolve(value);
      else options.outDir = resolve(value);
      i++;
    } else {
      throw new Error(`Unknown or incomplete argument "${flag}". Usage: node scripts/buildData.mjs [--shared DIR] [--out DIR]`);
    }
  }
  return options;
}

function main() {
  const { sharedDir, outDir } = parseArgs(process.argv.slice(2));
  const country = buildCountryIntensity(sharedDir);
  const iso3ByIso2 = new Map(country.countries.map((c) => [c.iso2, c.iso3]));
  const regionIntensity = buildRegionIntensity(sharedDir, iso3ByIso2);
  const files = {
    'countryIntensity.json': country.file,
    'regionIntensity.json': regionIntensity,
    'cloudRegions.json': buildCloudRegions(sharedDir, country.countries, regionIntensity.regions),
    'cpuPower.json': buildCpuPower(sharedDir),
    'cloudCpuCoefficients.json': buildCloudCpuCoefficients(sharedDir),
    'equivalents.json': buildEquivalents(sharedDir),
    'embodied.json': buildEmbodied(sharedDir),
  };
  mkdirSync(outDir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(outDir, name), stringifyStable(content));
  writeFileSync(join(outDir, 'NOTICE.md'), buildNotice(/** @type {never} */ (files)));
  process.stdout.write(`Wrote ${Object.keys(files).length + 1} files to ${outDir}\n`);
}

main();
