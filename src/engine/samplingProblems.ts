import type { PowerSource } from './powerSources/powerSource';

/** How the interval counted a source that failed or corrected its reading. */
export type FailureCounted = 'held' | 'dropped' | 'corrected';

/** One source's state as the problem log last reported it. */
interface ReportedState {
  readonly counted: FailureCounted;
  readonly sinceMs: number;
  /** Whether the user was told of this episode. */
  readonly reported: boolean;
}

/**
 * A failure is reported once it has lasted this long: a stream restarted at the next interval, or a counter
 * that missed one update, is no news for the user (each failed reading still goes to `onDidFailSource`).
 */
export const FAILURE_REPORT_DELAY_MS = 3_000;

/**
 * A source's corrected readings (counter resets) are reported at most once per this span: one suspend gives one
 * line, and a firmware that glitches at every read does not flood the user.
 */
export const CORRECTION_REPORT_SPAN_MS = 600_000;

/** Problems kept for a diagnostics page. */
export const RECENT_PROBLEM_COUNT = 20;

/**
 * Turns the failures of each tick into the few lines a user should see: when a source has been failing for
 * {@link FAILURE_REPORT_DELAY_MS}, when its held power is given up, when it recovers, and corrections. A source
 * failing at every tick gives one line for the episode, not one per tick (`onDidFailSource` still has each).
 */
export class SamplingProblemLog {
  private readonly failing = new Map<PowerSource, ReportedState>();
  private readonly lastCorrectionMs = new Map<PowerSource, number>();
  private readonly recentProblems: { readonly atMs: number; readonly message: string }[] = [];

  /** The last lines reported, oldest first, with the wall-clock time they were reported at. */
  get recent(): readonly { readonly atMs: number; readonly message: string }[] {
    return this.recentProblems;
  }

  /** Keeps a reported line for {@link recent}. */
  remember(wallClockMs: number, message: string): void {
    this.recentProblems.push({ atMs: wallClockMs, message });
    if (this.recentProblems.length > RECENT_PROBLEM_COUNT) this.recentProblems.shift();
  }

  /** Lines to report for a source's failure at monotonic `atMs`; empty when the episode was already reported. */
  failed(source: PowerSource, message: string, counted: FailureCounted, atMs: number, heldWatts: number): string[] {
    const name = `${source.component.toUpperCase()} source ${source.id}`;
    if (counted === 'corrected') {
      const last = this.lastCorrectionMs.get(source);
      if (last !== undefined && atMs - last < CORRECTION_REPORT_SPAN_MS) return [];
      this.lastCorrectionMs.set(source, atMs);
      return [`${name}: ${message}`];
    }
    const before = this.failing.get(source);
    if (before?.counted === counted && before.reported) return [];
    const sinceMs = before?.sinceMs ?? atMs;
    const reported = atMs - sinceMs >= FAILURE_REPORT_DELAY_MS;
    this.failing.set(source, { counted, sinceMs, reported });
    if (!reported) return [];
    // Driver messages end in a full stop; the line goes on after them.
    message = message.replace(/[.\s]+$/, '');
    if (counted === 'held') return [`${name} failed: ${message}; counting its last good power (${formatWatts(heldWatts)} W) meanwhile`];
    return before?.reported
      ? [`${name} has failed for ${formatSeconds(atMs - before.sinceMs)}: ${message}; its power is no longer counted until it recovers`]
      : [`${name} failed: ${message}; no good reading to hold, its power is not counted until it recovers`];
  }

  /** A line when `source` read well again after failing. */
  recovered(source: PowerSource, atMs: number): string[] {
    const before = this.failing.get(source);
    this.failing.delete(source);
    if (!before?.reported) return [];
    return [`${source.component.toUpperCase()} source ${source.id} reads again after ${formatSeconds(atMs - before.sinceMs)}`];
  }

  clear(): void {
    this.failing.clear();
  }
}

function formatWatts(watts: number): string {
  return Number(watts.toPrecision(3)).toString();
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
