import { readFileSync } from 'node:fs';
import type { IntensityPoint, LiveIntensityProvider, LiveResult } from './liveIntensityApi';

const MS_PER_HOUR = 3_600_000;

export interface JsonFileIntensityOptions {
  /**
   * A file in the shape of Electricity Maps' past-range answer, `{"zone": "FR", "data": [{"datetime":
   * "2026-01-01T00:00:00Z", "carbonIntensity": 41, "isEstimated": false}, ...]}`, or an array of such
   * objects (one per zone). Each figure covers one hour from its datetime.
   */
  readonly path: string;
  readonly nowMs?: () => number;
}

type Parsed = { readonly ok: true; readonly byZone: ReadonlyMap<string, IntensityPoint[]> } | { readonly ok: false; readonly message: string; readonly kind: 'unavailable' | 'malformed' };

function parseFile(path: string): Parsed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, kind: 'unavailable', message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, kind: 'malformed', message: `${path} is not JSON: ${(error as Error).message}.` };
  }
  const byZone = new Map<string, IntensityPoint[]>();
  for (const [index, block] of (Array.isArray(json) ? json : [json]).entries()) {
    const where = `${path}, block ${index}`;
    if (typeof block !== 'object' || block === null || typeof (block as { zone?: unknown }).zone !== 'string' || !Array.isArray((block as { data?: unknown }).data)) {
      return { ok: false, kind: 'malformed', message: `${where}: expected {"zone": "...", "data": [...]}.` };
    }
    const { zone, data } = block as { zone: string; data: unknown[] };
    const points = byZone.get(zone) ?? [];
    for (const [row, raw] of data.entries()) {
      const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as { datetime?: unknown; carbonIntensity?: unknown; isEstimated?: unknown };
      const startMs = typeof entry.datetime === 'string' ? Date.parse(entry.datetime) : Number.NaN;
      const grams = entry.carbonIntensity;
      if (!Number.isFinite(startMs) || typeof grams !== 'number' || !Number.isFinite(grams) || grams < 0) {
        return { ok: false, kind: 'malformed', message: `${where}, data[${row}]: needs a datetime and a carbonIntensity ≥ 0.` };
      }
      points.push({ zone, startMs, durationMs: MS_PER_HOUR, gramsPerKWh: grams, estimated: entry.isEstimated === true });
    }
    byZone.set(zone, points.sort((a, b) => a.startMs - b.startMs));
  }
  return { ok: true, byZone };
}

/** Hourly intensities from a local JSON file: for offline use, reproducible reports and tests. Read at each call. */
export function createJsonFileIntensityProvider(options: JsonFileIntensityOptions): LiveIntensityProvider {
  const now = options.nowMs ?? Date.now;
  const zonePoints = (zone: string): { ok: true; points: IntensityPoint[] } | { ok: false; result: LiveResult<never> } => {
    const parsed = parseFile(options.path);
    if (!parsed.ok) return { ok: false, result: { ok: false, failure: { kind: parsed.kind, message: parsed.message } } };
    const points = parsed.byZone.get(zone);
    if (!points) return { ok: false, result: { ok: false, failure: { kind: 'unknown-zone', message: `zone "${zone}" is not in ${options.path}.` } } };
    return { ok: true, points };
  };
  return {
    id: 'json-file',
    label: `intensity file ${options.path}`,
    async latest(zone) {
      const found = zonePoints(zone);
      if (!found.ok) return found.result;
      const nowMs = now();
      const current = found.points.filter((p) => p.startMs <= nowMs).at(-1);
      if (!current) return { ok: false, failure: { kind: 'no-data', message: `no figure for zone "${zone}" before ${new Date(nowMs).toISOString()}.` } };
      return { ok: true, value: current, fromCache: false };
    },
    async pastRange(zone, startMs, endMs) {
      const found = zonePoints(zone);
      if (!found.ok) return found.result;
      const inWindow = found.points.filter((p) => p.startMs < endMs && p.startMs + p.durationMs > startMs);
      if (inWindow.length === 0) return { ok: false, failure: { kind: 'no-data', message: `no figure for zone "${zone}" in that window.` } };
      return { ok: true, value: inWindow, fromCache: false };
    },
  };
}
