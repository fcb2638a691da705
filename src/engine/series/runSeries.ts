import type { RunSample } from '../reports/runRecord';
import { mergeRunSampleGroup } from './mergeRunSamples';
import { SeriesPoints, SeriesTier, TieredSeries } from './tieredSeries';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * The resolutions a run's samples are kept at:
 * - the last hour at full rate (at most 3,600 samples: an hour at the default 1 Hz, less at faster rates);
 * - then 1-minute aggregates up to a day back (at most 1,440);
 * - then 15-minute aggregates, 96 a day: 30 days fit in 2,880 of them. Past 3,000 the buckets double
 *   (30 min, 1 h…), so a run of any length stays under 8,040 points, below the panel protocol's
 *   10,000 samples per run.
 * A 30-day run at 1 Hz (2.6 million intervals) keeps about 7,800 samples.
 */
export const RUN_SERIES_TIERS: readonly SeriesTier[] = [
  { bucketMs: 0, keepForMs: HOUR_MS, maxPoints: 3_600 },
  { bucketMs: MINUTE_MS, keepForMs: DAY_MS, maxPoints: 1_440 },
  { bucketMs: 15 * MINUTE_MS, keepForMs: Number.POSITIVE_INFINITY, maxPoints: 3_000 },
];

const RUN_SAMPLE_POINTS: SeriesPoints<RunSample> = {
  timestampMs: (sample) => sample.timestampMs,
  mergeGroup: mergeRunSampleGroup,
};

/** A run's samples, downsampled as they come (see RUN_SERIES_TIERS). */
export function createRunSampleSeries(tiers: readonly SeriesTier[] = RUN_SERIES_TIERS): TieredSeries<RunSample> {
  return new TieredSeries(tiers, RUN_SAMPLE_POINTS);
}

