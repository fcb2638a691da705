import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The shipped `data/` folder: beside `dist/` for the bundled CLI, two levels up when run from `src/cli`.
 */
export function findDataDir(fromDir: string = __dirname): string {
  const candidates = [resolve(fromDir, '..', 'data'), resolve(fromDir, '..', '..', 'data')];
  const found = candidates.find((candidate) => existsSync(resolve(candidate, 'countryIntensity.json')));
  if (!found) throw new Error(`Carbon Meter's data folder is missing (looked in ${candidates.join(', ')}).`);
  return found;
}
