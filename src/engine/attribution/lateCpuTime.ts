import { MAX_IDLE_READ_PERIOD_SAMPLES } from './procStatReader';

interface RecentInterval {
  readonly busyTicks: number;
  readonly cpuJoules: number;
  /** Busy ticks of the interval not yet attributed to the tree. */
  spareTicks: number;
}

/**
 * CPU time the tree reports late. The tree's ticks in an interval can exceed the machine's busy ticks
 * when a member read late (an idle member in its backoff, see ProcStatReader, reports at once the time it
 * ran over several samples) brings time it spent in earlier intervals. The interval's share is clamped
 * at 1 (attributeEnergy.ts), which would drop that time's energy; instead the excess is charged to the
 * spare busy time of the last intervals (their busy ticks not attributed to the tree), newest first, each
 * at its own energy per busy tick, and booked now. The window covers the longest backoff, so time read
 * late by it is never lost; what cannot be placed (no spare busy time left) is dropped, as before.
 */
export class LateCpuTimeAccount {
  private readonly recent: RecentInterval[] = [];

  constructor(private readonly windowIntervals = MAX_IDLE_READ_PERIOD_SAMPLES) {}

  /**
   * Records one interval (the tree's ticks in it, the machine's busy ticks and CPU energy) and returns the
   * CPU energy, in joules, of the tree's ticks beyond the busy ticks, charged to earlier intervals.
   */
  take(treeTicks: number, busyTicks: number, cpuJoules: number): number {
    const busy = Math.max(0, busyTicks);
    let excessTicks = Math.max(0, treeTicks - busy);
    let lateJoules = 0;
    for (let index = this.recent.length - 1; index >= 0 && excessTicks > 0; index--) {
      const interval = this.recent[index];
      if (!interval || interval.spareTicks <= 0) continue;
      const charged = Math.min(excessTicks, interval.spareTicks);
      lateJoules += (interval.cpuJoules * charged) / interval.busyTicks;
      interval.spareTicks -= charged;
      excessTicks -= charged;
    }
    this.recent.push({ busyTicks: busy, cpuJoules: Math.max(0, cpuJoules), spareTicks: busy - Math.min(busy, Math.max(0, treeTicks)) });
    if (this.recent.length > this.windowIntervals) this.recent.shift();
    return lateJoules;
  }
}
