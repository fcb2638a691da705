import type { RunRecord } from './runRecord';

/** Rebuilds objects with their keys sorted, so the same record always gives the same bytes. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/**
 * The full RunRecord, samples included, as pretty JSON with sorted keys and a final newline.
 * Undefined fields are left out, as JSON has no undefined; readers treat a missing field as undefined.
 */
export function formatJsonReport(record: RunRecord): string {
  return `${JSON.stringify(sortKeys(record), null, 2)}\n`;
}
