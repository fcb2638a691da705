/**
 * Electricity Maps API v3: `GET /v3/carbon-intensity/latest?zone=Z` and
 * `GET /v3/carbon-intensity/past-range?zone=Z&start=ISO&end=ISO`, authenticated by an `auth-token`
 * header. Every failure becomes a LiveFailure; nothing here throws.
 */
import type { IntensityCache } from './intensityCache';
import type { IntensityPoint, LiveFailure, LiveIntensityProvider, LiveResult } from './liveIntensityApi';

/** The public API's address; the composition root passes it (or a test server's). */
export const ELECTRICITY_MAPS_API_URL = 'https://api.electricitymap.org';

const MS_PER_HOUR = 3_600_000;
// past-range serves at most 10 days of hourly data per request.
const MAX_RANGE_MS = 240 * MS_PER_HOUR;
const GRANULARITY_MS: Record<string, number> = {
  '5_minutes': 300_000, '15_minutes': 900_000, hourly: MS_PER_HOUR, daily: 24 * MS_PER_HOUR,
};
const MAX_MESSAGE_CHARS = 200;

export interface ElectricityMapsOptions {
  readonly apiKey: string;
  /** e.g. ELECTRICITY_MAPS_API_URL, or http://127.0.0.1:port in tests. */
  readonly baseUrl: string;
  readonly fetch?: typeof fetch;
  readonly nowMs?: () => number;
  /** Per request, body included. Default 5 s. */
  readonly timeoutMs?: number;
  readonly cache?: IntensityCache;
  /** How long a latest figure is reused. Default 10 min: the API updates hourly. */
  readonly latestTtlMs?: number;
  /** How long a past range is reused once its window is over. Default 24 h (estimates get replaced by measurements). */
  readonly pastTtlMs?: number;
  /** Default lifecycle, the API's own default. */
  readonly emissionFactorType?: 'lifecycle' | 'direct';
}

type Fetched = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly failure: LiveFailure };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const MAX_REDIRECTS = 3;
/** Visible ASCII only: what an HTTP header value can carry as is. */
const HEADER_SAFE_KEY = /^[\x21-\x7e]+$/;
const isRedirect = (status: number): boolean => [301, 302, 303, 307, 308].includes(status);

function redirectTarget(from: string, location: string | null): URL | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, from);
  } catch {
    return undefined;
  }
}

/** A cached point as this provider stored it; a damaged or hand-edited cache file is a miss. */
function isIntensityPoint(value: unknown): value is IntensityPoint {
  if (!isRecord(value)) return false;
  const { zone, startMs, durationMs, gramsPerKWh, estimated } = value;
  return typeof zone === 'string' && typeof startMs === 'number' && Number.isFinite(startMs)
    && typeof durationMs === 'number' && Number.isFinite(durationMs) && durationMs > 0
    && typeof gramsPerKWh === 'number' && Number.isFinite(gramsPerKWh) && gramsPerKWh >= 0 && typeof estimated === 'boolean';
}

function isIntensityPoints(value: unknown): value is IntensityPoint[] {
  return Array.isArray(value) && value.every(isIntensityPoint);
}

/** The API's figure as a point; null when the API has no figure for that span, undefined when malformed. */
function parsePoint(raw: unknown, zone: string, granularity: unknown): IntensityPoint | null | undefined {
  if (!isRecord(raw)) return undefined;
  const startMs = typeof raw.datetime === 'string' ? Date.parse(raw.datetime) : Number.NaN;
  if (!Number.isFinite(startMs)) return undefined;
  if (raw.carbonIntensity === null) return null;
  const gramsPerKWh = raw.carbonIntensity;
  if (typeof gramsPerKWh !== 'number' || !Number.isFinite(gramsPerKWh) || gramsPerKWh < 0) return undefined;
  const ownGranularity = raw.temporalGranularity ?? granularity;
  return {
    zone: typeof raw.zone === 'string' ? raw.zone : zone,
    startMs,
    durationMs: (typeof ownGranularity === 'string' ? GRANULARITY_MS[ownGranularity] : undefined) ?? MS_PER_HOUR,
    gramsPerKWh,
    estimated: raw.isEstimated === true,
  };
}

/** Creates the provider. Requests go out only when `latest` or `pastRange` is called and the cache has no answer. */
export function createElectricityMapsProvider(options: ElectricityMapsOptions): LiveIntensityProvider {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.nowMs ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const latestTtlMs = options.latestTtlMs ?? 10 * 60_000;
  const pastTtlMs = options.pastTtlMs ?? 24 * MS_PER_HOUR;
  const factor = options.emissionFactorType ?? 'lifecycle';
  const base = options.baseUrl.replace(/\/+$/, '');
  const baseUrl = (() => {
    try {
      return new URL(base);
    } catch {
      return undefined;
    }
  })();
  const host = baseUrl?.host ?? base;
  // An error text from the far end is shown to the user; make sure it can never carry the key.
  const clean = (text: string): string => (options.apiKey ? text.split(options.apiKey).join('***') : text).slice(0, MAX_MESSAGE_CHARS);

  async function get(path: string, params: Record<string, string>, zone: string): Promise<Fetched> {
    if (!options.apiKey) return { ok: false, failure: { kind: 'no-key', message: 'no API key is set.' } };
    // fetch would refuse such a header with an error that quotes its value, the key.
    if (!HEADER_SAFE_KEY.test(options.apiKey)) {
      return { ok: false, failure: { kind: 'unauthorized', message: 'the API key holds a space, a line break or a non-ASCII character, which no HTTP header can carry; set it again.' } };
    }
    let url = `${base}${path}?${new URLSearchParams({ ...params, emissionFactorType: factor }).toString()}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      let response = await fetchImpl(url, { headers: { 'auth-token': options.apiKey, accept: 'application/json' }, signal: controller.signal, redirect: 'manual' });
      // Redirects are followed by hand: fetch would resend the auth-token header to any host a redirect names.
      for (let hops = 0; isRedirect(response.status); hops++) {
        const target = redirectTarget(url, response.headers.get('location'));
        if (!target || hops >= MAX_REDIRECTS || target.origin !== new URL(url).origin) {
          return { ok: false, failure: { kind: 'http-error', httpStatus: response.status, message: redirectRefusal(target, response.status) } };
        }
        url = target.href;
        response = await fetchImpl(url, { headers: { 'auth-token': options.apiKey, accept: 'application/json' }, signal: controller.signal, redirect: 'manual' });
      }
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (!response.ok) return { ok: false, failure: httpFailure(response.status, body, text, zone, response.headers.get('retry-after')) };
      // Redacted before it is cut short, so no part of the key can survive at the cut.
      if (body === undefined) return { ok: false, failure: { kind: 'malformed', message: `the answer is not JSON (${clean(JSON.stringify(clean(text).slice(0, 60)))}).` } };
      return { ok: true, body };
    } catch (error) {
      if (controller.signal.aborted) return { ok: false, failure: { kind: 'timeout', message: `no answer from ${host} within ${timeoutMs / 1000} s.` } };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { ok: false, failure: { kind: 'network', message: `cannot reach ${host}: ${clean(cause?.code ?? cause?.message ?? (error as Error).message)}.` } };
    } finally {
      clearTimeout(timer);
    }
  }

  function httpFailure(status: number, body: unknown, text: string, zone: string, retryAfter: string | null): LiveFailure {
    const said = isRecord(body) && (typeof body.error === 'string' || typeof body.message === 'string')
      ? String(body.error ?? body.message) : text.trim();
    const detail = said ? `: ${clean(said)}` : '';
    if (status === 401 || status === 403) return { kind: 'unauthorized', httpStatus: status, message: `the API key was refused (HTTP ${status}${detail}).` };
    if (status === 429) {
      const wait = retryAfter && /^\d+$/.test(retryAfter) ? `; retry in ${retryAfter} s` : '';
      return { kind: 'rate-limited', httpStatus: status, message: `rate limit reached (HTTP 429${detail})${wait}.` };
    }
    if (status >= 500) return { kind: 'server-error', httpStatus: status, message: `the service failed (HTTP ${status}${detail}).` };
    if (status === 404 || (status === 400 && /zone/i.test(said))) {
      // The API answers 404 both for a zone it does not know and for one without data there.
      return { kind: 'unknown-zone', httpStatus: status, message: `zone "${zone}" is unknown to the service or has no data (HTTP ${status}${detail}).` };
    }
    return { kind: 'http-error', httpStatus: status, message: `the request was refused (HTTP ${status}${detail}).` };
  }

  function redirectRefusal(target: URL | undefined, status: number): string {
    if (!target) return `the service answered a redirect (HTTP ${status}) without a usable location.`;
    if (target.origin === baseUrl?.origin) return `the service redirected more than ${MAX_REDIRECTS} times (HTTP ${status}).`;
    return `the service redirected to ${target.host} (HTTP ${status}); the API key is only sent to ${host}. `
      + 'Set CARBON_METER_ELECTRICITY_MAPS_URL to the new address if you trust it.';
  }

  const malformed = (what: string): LiveFailure => ({ kind: 'malformed', message: `the answer does not have the expected shape (${what}).` });

  async function latest(zone: string): Promise<LiveResult<IntensityPoint>> {
    const key = ['electricity-maps', base, factor, 'latest', zone];
    const cached = options.cache?.get(key, latestTtlMs, isIntensityPoint);
    if (cached) return { ok: true, value: cached, fromCache: true };
    const fetched = await get('/v3/carbon-intensity/latest', { zone }, zone);
    if (!fetched.ok) return fetched;
    const point = parsePoint(fetched.body, zone, isRecord(fetched.body) ? fetched.body.temporalGranularity : undefined);
    if (point === undefined) return { ok: false, failure: malformed('no numeric carbonIntensity with a datetime') };
    if (point === null) return { ok: false, failure: { kind: 'no-data', message: `no current figure for zone "${zone}".` } };
    options.cache?.set(key, point);
    return { ok: true, value: point, fromCache: false };
  }

  async function pastRange(zone: string, startMs: number, endMs: number): Promise<LiveResult<readonly IntensityPoint[]>> {
    if (!(Number.isFinite(startMs) && Number.isFinite(endMs) && endMs > startMs)) {
      return { ok: false, failure: { kind: 'http-error', message: 'the window is empty.' } };
    }
    const points = new Map<number, IntensityPoint>();
    let fromCache = true;
    for (let chunkStart = startMs; chunkStart < endMs; chunkStart += MAX_RANGE_MS) {
      const chunkEnd = Math.min(endMs, chunkStart + MAX_RANGE_MS);
      const start = new Date(chunkStart).toISOString();
      const end = new Date(chunkEnd).toISOString();
      const key = ['electricity-maps', base, factor, 'past-range', zone, start, end];
      // A window that ended less than two hours ago may still fill in: keep it only as long as a latest figure.
      const ttlMs = chunkEnd > now() - 2 * MS_PER_HOUR ? latestTtlMs : pastTtlMs;
      let chunk = options.cache?.get(key, ttlMs, isIntensityPoints);
      if (!chunk) {
        fromCache = false;
        const fetched = await get('/v3/carbon-intensity/past-range', { zone, start, end }, zone);
        if (!fetched.ok) return fetched;
        const body = fetched.body;
        if (!isRecord(body) || !Array.isArray(body.data)) return { ok: false, failure: malformed('no "data" array') };
        const parsed: IntensityPoint[] = [];
        for (const raw of body.data) {
          const point = parsePoint(raw, typeof body.zone === 'string' ? body.zone : zone, body.temporalGranularity);
          if (point === undefined) return { ok: false, failure: malformed('an entry without a numeric carbonIntensity and a datetime') };
          if (point !== null) parsed.push(point);
        }
        options.cache?.set(key, parsed);
        chunk = parsed;
      }
      for (const point of chunk) points.set(point.startMs, point);
    }
    const inWindow = [...points.values()].filter((p) => p.startMs < endMs && p.startMs + p.durationMs > startMs).sort((a, b) => a.startMs - b.startMs);
    if (inWindow.length === 0) {
      return { ok: false, failure: { kind: 'no-data', message: `no figure for zone "${zone}" between ${new Date(startMs).toISOString()} and ${new Date(endMs).toISOString()}.` } };
    }
    return { ok: true, value: inWindow, fromCache };
  }

  return { id: 'electricity-maps', label: 'Electricity Maps', latest, pastRange };
}
