/** Builds data/equivalents.json from the CodeCarbon equivalence constants transcribed in shared/data. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './stableJson.mjs';

const FILE = 'codecarbon/equivalents.json';
const DAYS_PER_WEEK = 7;

/** @param {string} sharedDir */
export function buildEquivalents(sharedDir) {
  const raw = JSON.parse(readFileSync(join(sharedDir, FILE), 'utf8'));
  const webapp = raw.webapp_dashboard;
  const board = raw.carbonboard_python_dash;
  const equivalents = [
    { id: 'car-km', label: 'km driven by a new petrol car', kgPerUnit: webapp.car_emissions_kgco2e_per_km, source: `CodeCarbon dashboard: ${webapp.car_source}` },
    // CodeCarbon's webapp TV constant mixes per-day and per-hour (see the raw file); the carbonboard's per-hour figure is unambiguous.
    { id: 'tv-hours', label: 'hours of TV (32-inch LCD)', kgPerUnit: board.tv_kgco2e_per_hour, source: `CodeCarbon carbonboard: ${board.tv_source}` },
    { id: 'household-days', label: 'days of a US household\'s energy use', kgPerUnit: round(board.household_weekly_kgco2e / DAYS_PER_WEEK, 4), source: `CodeCarbon carbonboard, weekly figure / 7: ${board.household_source}` },
  ].sort((a, b) => a.id.localeCompare(b.id));
  return {
    provenance: {
      description: 'Everyday equivalents for an amount of CO2e.',
      units: { kgPerUnit: 'kg CO2e per unit (per km, per hour, per household-day)' },
      sources: [{ name: 'CodeCarbon equivalence constants (webapp/src/helpers/constants.ts, codecarbon/viz/data.py) at commit b05965e4', url: 'https://github.com/mlco2/codecarbon', licence: 'MIT', rawFiles: [FILE] }],
      notes: ['CodeCarbon\'s three constant sets disagree (car 0.12 vs 0.133 kg/km); the dashboard\'s EEA 2023 car figure is used.'],
      builtBy: 'scripts/buildData.mjs',
    },
    equivalents,
  };
}
