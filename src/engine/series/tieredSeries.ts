/** One resolution of a tiered series, newest tier first. */
export interface SeriesTier {
  /**
   * Width of the time buckets this tier merges its points into, in ms (aligned on the epoch, so a
   * bucket of a coarser tier holds whole buckets of a finer one when the widths divide); 0 keeps every
   * point as it came.
   */
  readonly bucketMs: number;
  /** Points older than this, measured back from the newest point, move to the next tier. */
  readonly keepForMs: number;
  /**
   * Most points the tier holds. Past it, a tier moves its oldest point on whatever its age (a clock
   * that stands still or a faster sampling rate cannot grow it); the last tier doubles its buckets.
   */
  readonly maxPoints: number;
}

/** How a series reads and merges its points. */
export interface SeriesPoints<T> {
  /** Time of a point, epoch ms: the end of the span it covers. */
  timestampMs(point: T): number;
  /** One point covering consecutive ones (oldest first, at least one; one alone is returned as it is). */
  mergeGroup(group: readonly T[]): T;
}

/** A queue whose shift is O(1): the array is compacted only once half of it is dead. */
class PointQueue<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  get oldest(): T | undefined {
    return this.length > 0 ? this.items[this.head] : undefined;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.head] as T;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  toArray(): T[] {
    return this.items.slice(this.head);
  }

  replaceAll(items: T[]): void {
    this.items = items;
    this.head = 0;
  }
}

/**
 * A tier's points: the closed ones, then the newest bucket, still open, whose points are merged only
 * when it closes (one merge per bucket instead of one per point, which matters at millions of points).
 */
interface TierState<T> {
  readonly tier: SeriesTier;
  /** The last tier widens its buckets as the series grows. */
  bucketMs: number;
  readonly closed: PointQueue<T>;
  open: T[];
  /** The bucket `open` belongs to. */
  openBucket: number;
}

/**
 * A time series whose memory stays bounded however long it runs: recent points at full rate, older
 * ones merged into wider and wider time buckets (RRDtool's round-robin archives, with the merge left
 * to the caller so aggregates keep exact sums). Adding a point is amortised O(1).
 */
export class TieredSeries<T> {
  private readonly tiers: readonly TierState<T>[];
  private newestMs = Number.NEGATIVE_INFINITY;

  constructor(tiers: readonly SeriesTier[], private readonly points: SeriesPoints<T>) {
    const last = tiers[tiers.length - 1];
    if (!last) throw new RangeError('a tiered series needs at least one tier');
    for (const tier of tiers) {
      if (!(tier.maxPoints >= 1) || !(tier.bucketMs >= 0) || !(tier.keepForMs >= 0)) throw new RangeError(`invalid series tier ${JSON.stringify(tier)}`);
    }
    if (!(last.bucketMs > 0)) throw new RangeError('the last tier of a series must merge its points into buckets');
    this.tiers = tiers.map((tier) => ({ tier, bucketMs: tier.bucketMs, closed: new PointQueue<T>(), open: [], openBucket: Number.NaN }));
  }

  /** Points held now, across all tiers (an open bucket counts as the one point it will become). */
  get length(): number {
    let length = 0;
    for (const tier of this.tiers) length += tierLength(tier);
    return length;
  }

  /** Adds the next point (the newest) and moves older ones down the tiers. */
  add(point: T): void {
    const timestampMs = this.points.timestampMs(point);
    // Ages count back from the newest point even when the clock went back: the points it left in the
    // future stay until their tier is full, and the newest is never merged on arrival.
    if (Number.isFinite(timestampMs)) this.newestMs = timestampMs;
    this.insert(this.tierAt(0), point);
    for (let index = 0; index < this.tiers.length - 1; index++) this.age(this.tierAt(index), this.tierAt(index + 1));
    this.boundLastTier();
  }

  /** Every point, oldest first; open buckets are merged for it (a new array each call). */
  toArray(): T[] {
    const all: T[] = [];
    for (let index = this.tiers.length - 1; index >= 0; index--) {
      const tier = this.tierAt(index);
      for (const point of tier.closed.toArray()) all.push(point);
      if (tier.open.length > 0) all.push(this.points.mergeGroup(tier.open));
    }
    return all;
  }

  private tierAt(index: number): TierState<T> {
    return this.tiers[index] as TierState<T>;
  }

  /** Into `tier`'s open bucket when the point falls in it, else the bucket closes and a new one opens. */
  private insert(tier: TierState<T>, point: T): void {
    if (tier.bucketMs === 0) {
      tier.closed.push(point);
      return;
    }
    const bucket = this.bucketOf(point, tier.bucketMs);
    if (tier.open.length > 0 && bucket === tier.openBucket) {
      tier.open.push(point);
      return;
    }
    this.closeBucket(tier);
    tier.open = [point];
    tier.openBucket = bucket;
  }

  private closeBucket(tier: TierState<T>): void {
    if (tier.open.length > 0) tier.closed.push(this.points.mergeGroup(tier.open));
    tier.open = [];
  }

  /** Moves the points of `tier` that are too old, or too many, into `next`. */
  private age(tier: TierState<T>, next: TierState<T>): void {
    for (;;) {
      // Only a tier made of its open bucket alone closes it to move it on.
      if (tier.closed.length === 0 && tier.open.length > 0 && this.mustMove(tier, tier.open[0] as T)) this.closeBucket(tier);
      const oldest = tier.closed.oldest;
      if (oldest === undefined || !this.mustMove(tier, oldest)) return;
      tier.closed.shift();
      this.insert(next, oldest);
    }
  }

  private mustMove(tier: TierState<T>, oldest: T): boolean {
    return this.newestMs - this.points.timestampMs(oldest) > tier.tier.keepForMs || tierLength(tier) > tier.tier.maxPoints;
  }

  /** The last tier has nowhere to send its points: past its size it doubles its buckets and merges them. */
  private boundLastTier(): void {
    const last = this.tierAt(this.tiers.length - 1);
    while (tierLength(last) > last.tier.maxPoints) {
      this.closeBucket(last);
      const points = last.closed.toArray();
      if (Number.isFinite(last.bucketMs * 2)) {
        last.bucketMs *= 2;
        const merged: T[] = [];
        let group: T[] = [];
        let groupBucket = Number.NaN;
        for (const point of points) {
          const bucket = this.bucketOf(point, last.bucketMs);
          if (group.length > 0 && bucket !== groupBucket) {
            merged.push(this.points.mergeGroup(group));
            group = [];
          }
          group.push(point);
          groupBucket = bucket;
        }
        // The newest bucket stays open: the next points may still fall in it.
        last.closed.replaceAll(merged);
        last.open = group;
        last.openBucket = groupBucket;
      } else {
        // Only with times no bucket can gather (not finite, or spread over ages): merge the two oldest.
        const [oldest, next, ...rest] = points as [T, T, ...T[]];
        last.closed.replaceAll([this.points.mergeGroup([oldest, next]), ...rest]);
      }
    }
  }

  /**
   * The bucket a point falls in: bucket k holds the points ending in ((k - 1) × width, k × width], so
   * the intervals of a minute's samples ending on the minute land in that minute. Points without a
   * finite time all share one bucket.
   */
  private bucketOf(point: T, bucketMs: number): number {
    const timestampMs = this.points.timestampMs(point);
    return Number.isFinite(timestampMs) ? Math.ceil(timestampMs / bucketMs) : Number.NEGATIVE_INFINITY;
  }
}

function tierLength<T>(tier: TierState<T>): number {
  return tier.closed.length + (tier.open.length > 0 ? 1 : 0);
}
