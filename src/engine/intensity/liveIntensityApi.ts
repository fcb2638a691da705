/**
 * Live grid intensity: one interface for every provider (Electricity Maps, a JSON file; WattTime could
 * follow), and the fallback to the yearly figure that every failure ends in.
 */
import type { RunLocation } from '../reports/runRecord';
import type { IntensityData } from './intensityTable';

/** One intensity figure for a span of time. */
export interface IntensityPoint {
  readonly zone: string;
  /** Start of the span, epoch ms. */
  readonly startMs: number;
  /** Length of the span: 3,600,000 for an hourly figure. */
  readonly durationMs: number;
  readonly gramsPerKWh: number;
  /** The provider says the figure is estimated (no measured data for that span). */
  readonly estimated: boolean;
}

/** Why a live figure could not be had. */
export type LiveFailureKind =
  | 'no-key' | 'timeout' | 'network' | 'unauthorized' | 'rate-limited' | 'server-error' | 'http-error'
  | 'malformed' | 'unknown-zone' | 'no-data' | 'unavailable';

export interface LiveFailure {
  readonly kind: LiveFailureKind;
  /** A sentence for the user; never holds the API key. */
  readonly message: string;
  readonly httpStatus?: number;
}

/** A provider call never rejects: it gives a value or a failure. */
export type LiveResult<T> =
  | { readonly ok: true; readonly value: T; readonly fromCache: boolean }
  | { readonly ok: false; readonly failure: LiveFailure };

/** A source of grid intensity by time. */
export interface LiveIntensityProvider {
  readonly id: string;
  /** For people: "Electricity Maps". */
  readonly label: string;
  /** The newest figure for a zone. */
  latest(zone: string): Promise<LiveResult<IntensityPoint>>;
  /** Every figure whose span overlaps [startMs, endMs), oldest first. */
  pastRange(zone: string, startMs: number, endMs: number): Promise<LiveResult<readonly IntensityPoint[]>>;
}

/** The yearly figure a live lookup falls back to. */
export interface YearlyIntensity {
  readonly gramsPerKWh: number;
  readonly source: string;
  readonly year: number | undefined;
}

/** The intensity to use now, live or yearly, and why. */
export interface IntensityReading {
  readonly gramsPerKWh: number;
  readonly live: boolean;
  readonly source: string;
  readonly zone: string | undefined;
  /** Start of the live figure's span. */
  readonly atMs?: number;
  readonly estimated?: boolean;
  readonly fromCache?: boolean;
  /** Why the yearly figure is used; undefined for a live reading. */
  readonly fallbackReason?: string;
  readonly failure?: LiveFailure;
}

/** The zone used for a live lookup, and how it was chosen. */
export interface LiveZone {
  readonly zone: string;
  readonly basis: 'given' | 'cloud region' | 'sub-national region' | 'country';
}

/**
 * The Electricity Maps zone for a location: the one given, the cloud region's (from CCF), a
 * sub-national region as "<ISO2>-<code>" (Electricity Maps' form for Canadian provinces, Australian
 * states and Nordic bidding zones; a US state is refused by the API and falls back), else the
 * country's ISO2 code. Undefined for the world average.
 */
export function liveZoneFor(location: RunLocation, data: IntensityData, givenZone?: string): LiveZone | undefined {
  if (givenZone) return { zone: givenZone.trim(), basis: 'given' };
  if (location.cloudProvider && location.cloudRegion) {
    const cloud = data.cloudRegions.find((r) => r.provider === location.cloudProvider && r.region === location.cloudRegion);
    if (cloud?.electricityMapsZone) return { zone: cloud.electricityMapsZone, basis: 'cloud region' };
  }
  const iso2 = data.countries.find((c) => c.iso3 === location.countryIso3)?.iso2;
  if (!iso2) return undefined;
  if (location.region && !location.cloudProvider) return { zone: `${iso2}-${location.region}`, basis: 'sub-national region' };
  return { zone: iso2, basis: 'country' };
}

function yearlyReading(yearly: YearlyIntensity, zone: string | undefined, fallbackReason: string, failure?: LiveFailure): IntensityReading {
  return { gramsPerKWh: yearly.gramsPerKWh, live: false, source: `${yearly.source}${yearly.year ? `, ${yearly.year}` : ''}`, zone, fallbackReason, failure };
}

/**
 * The latest live figure, or the yearly one with the reason: no provider (no key), no zone, or any
 * failure of the provider. Never rejects.
 */
export async function readLatestIntensity(
  provider: LiveIntensityProvider | undefined, zone: string | undefined, yearly: YearlyIntensity, noProviderReason = 'live intensity is off',
): Promise<IntensityReading> {
  if (!provider) return yearlyReading(yearly, zone, `${noProviderReason}. Using the yearly figure.`);
  if (!zone) return yearlyReading(yearly, zone, `No ${provider.label} zone is known for this location. Using the yearly figure.`);
  let result: LiveResult<IntensityPoint>;
  try {
    result = await provider.latest(zone);
  } catch (error) {
    // Providers are written not to throw; one that does still only costs the live figure.
    result = { ok: false, failure: { kind: 'unavailable', message: (error as Error).message } };
  }
  if (!result.ok) return yearlyReading(yearly, zone, `${provider.label}: ${result.failure.message} Using the yearly figure.`, result.failure);
  const point = result.value;
  return {
    gramsPerKWh: point.gramsPerKWh,
    live: true,
    source: `${provider.label}, zone ${point.zone}`,
    zone: point.zone,
    atMs: point.startMs,
    estimated: point.estimated,
    fromCache: result.fromCache,
  };
}
