/**
 * The machine sampler's clock: monotonic milliseconds that never go back, and the span power may be integrated
 * over. Intervals come only from here; wall time is for timestamps alone, so NTP steps and a clock set by hand
 * change no energy. `performance.now()` never goes back, but an injected clock (tests, a replay) or a platform
 * bug may: a step back is carried forward rather than turned into a negative interval.
 */
export class SamplerClock {
  private offsetMs = 0;
  private ticked = false;

  /**
   * `readMs`: the underlying monotonic clock. `maxIntegratedMs`: the longest interval a power-only reading is
   * integrated over; a longer one means the process or the machine was paused, and is reported.
   */
  constructor(private readonly readMs: () => number, readonly maxIntegratedMs: number) {}

  /** Now, on a scale that never goes back. */
  now(): number {
    return this.readMs() + this.offsetMs;
  }

  /**
   * The instant of a tick whose interval started at `lastAtMs`, and what was odd about the clock: a step back
   * (the interval is empty, and the clock goes on from `lastAtMs`), a non-finite reading, or, when the tick closes
   * an interval (`closesInterval`), one longer than `maxIntegratedMs`.
   */
  tick(lastAtMs: number, closesInterval: boolean): { at: number; clockFault: string | undefined } {
    const raw = this.now();
    const first = !this.ticked;
    this.ticked = true;
    if (!Number.isFinite(raw)) return { at: lastAtMs, clockFault: `the monotonic clock read ${raw}; this interval counts as empty` };
    if (first || raw >= lastAtMs) return { at: raw, clockFault: first || !closesInterval ? undefined : this.longIntervalFault(raw - lastAtMs) };
    const backMs = lastAtMs - raw;
    this.offsetMs += backMs;
    return { at: lastAtMs, clockFault: `the monotonic clock went back ${Math.round(backMs)} ms; this interval counts as empty` };
  }

  private longIntervalFault(intervalMs: number): string | undefined {
    if (intervalMs <= this.maxIntegratedMs) return undefined;
    return `${Math.round(intervalMs / 1000)} s passed between two readings (the process or the machine was paused?); ` +
      `power-only sources are counted over ${Math.round(this.maxIntegratedMs / 1000)} s of it, energy counters in full`;
  }
}
