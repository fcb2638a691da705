/** One measured figure of the bench, printed as a table row and written to bench-results.json. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The target, as text (e.g. "≤ 100"); empty for context figures that have none. */
  readonly target: string;
  /** Whether the value meets the target; undefined when there is no target. */
  readonly meetsTarget?: boolean;
  readonly note?: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] ?? NaN : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/** A figure with an upper-bound target. */
export function atMost(name: string, value: number, unit: string, limit: number, note?: string): Figure {
  return { name, value, unit, target: `≤ ${limit}`, meetsTarget: Math.abs(value) <= limit, note };
}

/** A figure shown for context only. */
export function context(name: string, value: number, unit: string, note?: string): Figure {
  return { name, value, unit, target: '', note };
}
