/**
 * The region advisor: where would a workload emit least? Pure functions over the cloud-region table,
 * so the CLI, a VS Code panel and the bench share one computation.
 */
import { GRAMS_PER_KG } from '../units';
import { GeoPoint, haversineKm, isGeoPoint } from './geoDistance';
import type { CloudRegion, IntensityBasis } from './intensityTable';

/** The place the workload ran (or would stay): the baseline for savings and distances. */
export interface RankingOrigin {
  /** For display: "France", "gcp:europe-west1", "California, United States". */
  readonly label: string;
  readonly gridIntensityGramsPerKWh: number;
  readonly pue: number;
  /** Where "here" is, for distances; absent when unknown. */
  readonly coordinates?: GeoPoint;
  /** How the coordinates were found, e.g. "cloud region", "time zone Europe/Paris (zone.tab)". */
  readonly coordinatesSource?: string;
  /** When here is itself a cloud region, its row is marked `isCurrent`. */
  readonly cloudRegion?: { readonly provider: string; readonly region: string };
}

/** What is ranked: an amount of energy, and where it was used. */
export interface RegionWorkload {
  /** Energy at the components, before PUE. Without it rows carry intensities and percentages only. */
  readonly energyKWh?: number;
  /** Without it there are no savings and no distances. */
  readonly origin?: RankingOrigin;
}

/** Which regions to consider. Every filter left out lets all regions through. */
export interface RegionFilters {
  /** Provider ids, case-insensitive ("aws", "gcp", "azure", ...). */
  readonly providers?: readonly string[];
  /** ISO3 country codes, case-insensitive. */
  readonly countries?: readonly string[];
  /** Continent names as the table spells them ("Europe", "North America"), case-insensitive. */
  readonly continents?: readonly string[];
  /** Great-circle distance from the origin's coordinates, a latency proxy. Needs `origin.coordinates`. */
  readonly maxDistanceKm?: number;
  /**
   * Only regions whose intensity is specific to the region (not a country or state average standing in)
   * and whose PUE is known. A provider-wide PUE average is kept, though `estimates` names it.
   */
  readonly measuredOnly?: boolean;
}

/** Why a region's figures are an estimate rather than specific to it. */
export type EstimateReason =
  | 'intensity-country-average'
  | 'intensity-subdivision-average'
  | 'pue-provider-average'
  | 'pue-unknown';

/** One ranked region. Emissions and savings are undefined, never 0, when the workload lacks what they need. */
export interface RankedRegion {
  /** 1-based; regions with the same emissions share a rank (1, 1, 3). */
  readonly rank: number;
  /** True when another region has the same rank. */
  readonly tied: boolean;
  /** True for the origin's own cloud region. */
  readonly isCurrent: boolean;
  readonly provider: string;
  readonly region: string;
  readonly displayName: string;
  readonly countryIso3: string;
  readonly continent: string | null;
  readonly subdivisionCode: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly gridIntensityGramsPerKWh: number;
  readonly intensityYear: number | null;
  readonly intensitySource: string;
  readonly intensityBasis: IntensityBasis;
  /** The region's PUE, or 1.0 (CodeCarbon's default) when none is known: see `estimates`. */
  readonly pue: number;
  readonly pueSource: string;
  readonly carbonFreePercent: number | null;
  readonly carbonFreeYear: number | null;
  /** PUE × grid intensity: grams per kWh of component energy. The ranking key. */
  readonly effectiveIntensityGramsPerKWh: number;
  /** energyKWh × PUE × intensity. */
  readonly emissionsKg: number | undefined;
  /** The origin's emissions minus this region's: positive is a saving. */
  readonly savingKg: number | undefined;
  /** savingKg over the origin's emissions, in %; undefined when the origin emits nothing. */
  readonly savingPercent: number | undefined;
  /** From the origin's coordinates; undefined when either side has none. */
  readonly distanceKm: number | undefined;
  /** Empty when the intensity and PUE are both specific to the region. */
  readonly estimates: readonly EstimateReason[];
}

/** Why a region that passed the provider, country and continent filters could not be ranked. */
export type ExclusionReason = 'no-intensity' | 'no-continent' | 'no-coordinates' | 'estimated';

export interface ExcludedRegion {
  readonly provider: string;
  readonly region: string;
  readonly displayName: string;
  readonly reason: ExclusionReason;
  /** A sentence for the user. */
  readonly detail: string;
}

export interface RegionRanking {
  readonly energyKWh: number | undefined;
  readonly origin: (RankingOrigin & { readonly effectiveIntensityGramsPerKWh: number; readonly emissionsKg: number | undefined }) | undefined;
  /** Lowest emissions first; ties by provider, then region id. */
  readonly ranked: readonly RankedRegion[];
  /** Regions left out for missing or estimated data, each with its reason; never ranked as 0. */
  readonly excluded: readonly ExcludedRegion[];
}

/** A workload or filter that cannot be ranked (negative energy, a distance filter without coordinates). */
export class RankingInputError extends Error {
  override readonly name = 'RankingInputError';
}

// CodeCarbon's default when nothing is known about the data centre.
const DEFAULT_PUE = 1.0;
// Effective intensities are products of two-decimal figures; closer than this they are the same number.
const TIE_RELATIVE_TOLERANCE = 1e-9;

const ESTIMATE_TEXT: Record<EstimateReason, string> = {
  'intensity-country-average': 'intensity is the country average',
  'intensity-subdivision-average': 'intensity is the state or province average',
  'pue-provider-average': 'PUE is the provider average',
  'pue-unknown': 'no PUE published, 1.0 assumed',
};

/** A short text for each estimate reason, for tables and tooltips. */
export function describeEstimate(reason: EstimateReason): string {
  return ESTIMATE_TEXT[reason];
}

/** What in a region's data is an estimate rather than specific to the region. */
export function estimateReasons(region: CloudRegion): EstimateReason[] {
  const reasons: EstimateReason[] = [];
  if (region.intensityBasis === 'country') reasons.push('intensity-country-average');
  if (region.intensityBasis === 'subdivision') reasons.push('intensity-subdivision-average');
  if (region.pue === null) reasons.push('pue-unknown');
  else if (region.pueBasis === 'provider-average') reasons.push('pue-provider-average');
  return reasons;
}

function checkWorkload(workload: RegionWorkload, filters: RegionFilters): void {
  const { energyKWh, origin } = workload;
  if (energyKWh !== undefined && !(Number.isFinite(energyKWh) && energyKWh >= 0)) {
    throw new RankingInputError(`Energy must be a finite number of kWh ≥ 0, not ${energyKWh}.`);
  }
  if (origin) {
    if (!(Number.isFinite(origin.gridIntensityGramsPerKWh) && origin.gridIntensityGramsPerKWh >= 0)) {
      throw new RankingInputError(`The origin's grid intensity must be ≥ 0 g/kWh, not ${origin.gridIntensityGramsPerKWh}.`);
    }
    // PUE is facility energy over IT energy, so it cannot be below 1.
    if (!(Number.isFinite(origin.pue) && origin.pue >= 1)) throw new RankingInputError(`The origin's PUE must be ≥ 1, not ${origin.pue}.`);
    const coordinates: GeoPoint | undefined = origin.coordinates;
    if (coordinates && !isGeoPoint(coordinates)) {
      throw new RankingInputError(`The origin's coordinates (${String(origin.coordinates?.latitude)}, ${String(origin.coordinates?.longitude)}) are not a latitude and longitude.`);
    }
  }
  if (filters.maxDistanceKm !== undefined) {
    if (!(Number.isFinite(filters.maxDistanceKm) && filters.maxDistanceKm >= 0)) {
      throw new RankingInputError(`The maximum distance must be ≥ 0 km, not ${filters.maxDistanceKm}.`);
    }
    if (!origin?.coordinates) {
      throw new RankingInputError('A maximum distance needs the coordinates of the current location, and none are known.');
    }
  }
}

const lowerSet = (values: readonly string[] | undefined): ReadonlySet<string> | undefined =>
  values && values.length > 0 ? new Set(values.map((value) => value.trim().toLowerCase())) : undefined;

/**
 * Ranks cloud regions by the emissions of one workload: energy × PUE × grid intensity, lowest first,
 * with the saving against the origin. Regions without an intensity, or without the data a filter
 * needs, are listed in `excluded` with the reason; none is ever counted as 0 g.
 * Throws RankingInputError for an impossible workload or filter.
 */
export function rankRegions(regions: readonly CloudRegion[], workload: RegionWorkload = {}, filters: RegionFilters = {}): RegionRanking {
  checkWorkload(workload, filters);
  const { energyKWh, origin } = workload;
  const providers = lowerSet(filters.providers);
  const countries = lowerSet(filters.countries);
  const continents = lowerSet(filters.continents);
  const { maxDistanceKm } = filters;

  const originEffective = origin ? origin.pue * origin.gridIntensityGramsPerKWh : undefined;
  const originEmissionsKg = originEffective !== undefined && energyKWh !== undefined ? (energyKWh * originEffective) / GRAMS_PER_KG : undefined;

  type Unranked = Omit<RankedRegion, 'rank' | 'tied'>;
  const rows: Unranked[] = [];
  const excluded: ExcludedRegion[] = [];
  const exclude = (r: CloudRegion, reason: ExclusionReason, detail: string): void => {
    excluded.push({ provider: r.provider, region: r.region, displayName: r.displayName, reason, detail });
  };

  for (const r of regions) {
    if (providers && !providers.has(r.provider.toLowerCase())) continue;
    if (countries && !countries.has(r.countryIso3.toLowerCase())) continue;
    if (continents) {
      if (r.continent === null) {
        exclude(r, 'no-continent', `No source names the continent of ${r.countryIso3}.`);
        continue;
      }
      if (!continents.has(r.continent.toLowerCase())) continue;
    }
    const intensity = r.gridIntensityGramsPerKWh;
    if (intensity === null || !Number.isFinite(intensity)) {
      exclude(r, 'no-intensity', 'No grid intensity is known for this region.');
      continue;
    }
    const estimates = estimateReasons(r);
    const disqualifying = estimates.filter((reason) => reason !== 'pue-provider-average');
    if (filters.measuredOnly && disqualifying.length > 0) {
      exclude(r, 'estimated', `Estimated: ${disqualifying.map(describeEstimate).join('; ')}.`);
      continue;
    }
    const coordinates = isGeoPoint(r) ? r : undefined;
    const distanceKm = origin?.coordinates && coordinates ? haversineKm(origin.coordinates, coordinates) : undefined;
    if (maxDistanceKm !== undefined) {
      if (distanceKm === undefined) {
        exclude(r, 'no-coordinates', 'No coordinates are known for this region, so its distance is unknown.');
        continue;
      }
      if (distanceKm > maxDistanceKm) continue;
    }

    const pue = r.pue ?? DEFAULT_PUE;
    const effective = pue * intensity;
    const emissionsKg = energyKWh !== undefined ? (energyKWh * effective) / GRAMS_PER_KG : undefined;
    rows.push({
      isCurrent: origin?.cloudRegion !== undefined && origin.cloudRegion.provider.toLowerCase() === r.provider && origin.cloudRegion.region.toLowerCase() === r.region,
      provider: r.provider,
      region: r.region,
      displayName: r.displayName,
      countryIso3: r.countryIso3,
      continent: r.continent,
      subdivisionCode: r.subdivisionCode,
      latitude: r.latitude,
      longitude: r.longitude,
      gridIntensityGramsPerKWh: intensity,
      intensityYear: r.intensityYear,
      intensitySource: r.intensitySource,
      intensityBasis: r.intensityBasis,
      pue,
      pueSource: r.pue === null ? `none published; ${DEFAULT_PUE.toFixed(1)} assumed (CodeCarbon default)` : r.pueSource ?? 'unknown',
      carbonFreePercent: r.carbonFreePercent,
      carbonFreeYear: r.carbonFreeYear,
      effectiveIntensityGramsPerKWh: effective,
      emissionsKg,
      savingKg: originEmissionsKg !== undefined && emissionsKg !== undefined ? originEmissionsKg - emissionsKg : undefined,
      savingPercent: originEffective !== undefined && originEffective > 0 ? ((originEffective - effective) / originEffective) * 100 : undefined,
      distanceKm,
      estimates,
    });
  }

  rows.sort((a, b) => a.effectiveIntensityGramsPerKWh - b.effectiveIntensityGramsPerKWh || a.provider.localeCompare(b.provider) || a.region.localeCompare(b.region));
  const same = (a: number, b: number): boolean => Math.abs(a - b) <= TIE_RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  const ranks: number[] = [];
  rows.forEach((row, index) => {
    const previous = rows[index - 1];
    ranks.push(previous && same(previous.effectiveIntensityGramsPerKWh, row.effectiveIntensityGramsPerKWh) ? (ranks[index - 1] ?? index + 1) : index + 1);
  });
  const ranked = rows.map((row, index): RankedRegion => {
    const rank = ranks[index] ?? index + 1;
    return { rank, tied: ranks[index - 1] === rank || ranks[index + 1] === rank, ...row };
  });

  return {
    energyKWh,
    origin: origin ? { ...origin, effectiveIntensityGramsPerKWh: originEffective ?? 0, emissionsKg: originEmissionsKg } : undefined,
    ranked,
    excluded,
  };
}
