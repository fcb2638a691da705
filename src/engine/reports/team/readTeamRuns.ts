import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createRunStore } from '../../runStore';
import { mergeTeamRuns, teamRunsFromEmissionsCsv, teamRunsFromSummaries, TeamRunsReading } from './teamRun';

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function readCsv(path: string): Promise<TeamRunsReading> {
  try {
    return teamRunsFromEmissionsCsv(await readFile(path, 'utf8'), path);
  } catch (error) {
    return { runs: [], skipped: 0, problems: [`${path}: ${(error as Error).message}`] };
  }
}

/**
 * Reads each path as a Carbon Meter store (a folder with `runs/`, plus the `emissions.csv` beside it),
 * a folder with only an `emissions.csv` (CodeCarbon's output_dir), or a CSV file. A path that is none
 * of these is a problem in the reading, not an exception, so one bad path does not hide the others.
 */
export async function readTeamRuns(paths: readonly string[]): Promise<TeamRunsReading & { readonly sources: readonly string[] }> {
  const storeReadings: TeamRunsReading[] = [];
  const csvReadings: TeamRunsReading[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    if (await isDirectory(path)) {
      const hasStore = await isDirectory(join(path, 'runs'));
      if (hasStore) {
        const store = createRunStore({ directory: path });
        try {
          const listing = await store.listRuns();
          storeReadings.push({
            runs: teamRunsFromSummaries(listing.runs, path),
            skipped: listing.problems.length,
            problems: listing.problems.map((problem) => `${problem.file}: ${problem.message}`),
          });
        } finally {
          store.dispose();
        }
      }
      const csvPath = join(path, 'emissions.csv');
      if ((await stat(csvPath).catch(() => undefined))?.isFile()) csvReadings.push(await readCsv(csvPath));
      else if (!hasStore) problems.push(`${path}: no runs/ folder and no emissions.csv`);
    } else if ((await stat(path).catch(() => undefined))?.isFile()) {
      csvReadings.push(await readCsv(path));
    } else {
      problems.push(`${path}: no such file or folder`);
    }
  }
  // Stores first: a run in both a store and its CSV counts once, with the store's richer record.
  const merged = mergeTeamRuns([...storeReadings, ...csvReadings]);
  return { ...merged, problems: [...problems, ...merged.problems], sources: paths };
}
