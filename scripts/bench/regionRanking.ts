import { resolve } from 'node:path';
import { loadIntensityData } from '../../src/engine/intensity/intensityTable';
import { rankRegions, type RankingOrigin } from '../../src/engine/intensity/regionRanking';
import { atMost, context, Figure, median } from './figures';

const DATA_DIR = resolve(__dirname, '..', '..', 'data');
const WARM_UP_CALLS = 200;
const BATCHES = 51;
const CALLS_PER_BATCH = 40;

// A workload measured in France (the grid figure is a round stand-in), the distance known from Paris.
const ORIGIN: RankingOrigin = { label: 'France', gridIntensityGramsPerKWh: 44, pue: 1, coordinates: { latitude: 48.8566, longitude: 2.3522 } };

/** Median wall time of one call, in ms, over batches of calls (a single call is too short to time alone). */
function medianCallMs(call: () => unknown): number {
  for (let index = 0; index < WARM_UP_CALLS; index++) call();
  const perCall: number[] = [];
  for (let batch = 0; batch < BATCHES; batch++) {
    const start = performance.now();
    for (let index = 0; index < CALLS_PER_BATCH; index++) call();
    perCall.push((performance.now() - start) / CALLS_PER_BATCH);
  }
  return median(perCall);
}

/**
 * Ranking every shipped cloud region for one workload (target ≤ 2 ms): unfiltered, and with every
 * filter on (providers, continent, distance, measured only). The table is loaded once beforehand,
 * as the CLI and a panel do.
 */
export async function measureRegionRanking(): Promise<Figure[]> {
  const regions = loadIntensityData(DATA_DIR).cloudRegions;
  const workload = { energyKWh: 0.5, origin: ORIGIN };
  const all = medianCallMs(() => rankRegions(regions, workload));
  const filtered = medianCallMs(() => rankRegions(regions, workload, { providers: ['aws', 'gcp', 'azure'], continents: ['Europe'], maxDistanceKm: 2_000, measuredOnly: true }));
  return [
    atMost(`Rank all ${regions.length} cloud regions for one workload`, all, 'ms', 2, `median of ${BATCHES} batches of ${CALLS_PER_BATCH} calls`),
    context('Rank with provider, continent, distance and measured-only filters', filtered, 'ms', `median of ${BATCHES} batches of ${CALLS_PER_BATCH} calls`),
  ];
}
