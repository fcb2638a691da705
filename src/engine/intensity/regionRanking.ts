import type { CloudRegion } from './intensityTable';
import { GRAMS_PER_KG } from '../units';

/** One row of a region ranking, cleanest grid first. */
export interface RankedRegion {
  readonly provider: string;
  readonly region: string;
  readonly displayName: string;
  /** ISO3 country code. */
  readonly country: string;
  readonly gridIntensityGramsPerKWh: number;
  /** The region's PUE, or 1.0 (CodeCarbon's default) when no source gives one. */
  readonly pue: number;
  /** energyKWh × PUE × intensity; only when an energy was given. */
  readonly emissionsKg?: number;
}

/** The ranking, plus the regions left out because no grid intensity is known for them. */
export interface RegionRanking {
  readonly ranked: readonly RankedRegion[];
  readonly excludedWithoutIntensity: readonly { readonly provider: string; readonly region: string }[];
}

/**
 * Sorts cloud regions by grid intensity, ascending; ties go by provider, then region id.
 * Regions without an intensity are excluded and listed, never ranked as 0 g.
 */
export function rankRegions(regions: readonly CloudRegion[], options: { energyKWh?: number; providers?: readonly string[] } = {}): RegionRanking {
  const providers = options.providers?.map((p) => p.toLowerCase());
  const ranked: RankedRegion[] = [];
  const excludedWithoutIntensity: { provider: string; region: string }[] = [];
  for (const r of regions) {
    if (providers && !providers.includes(r.provider)) continue;
    const intensity = r.gridIntensityGramsPerKWh;
    if (intensity === null || !Number.isFinite(intensity)) {
      excludedWithoutIntensity.push({ provider: r.provider, region: r.region });
      continue;
    }
    const pue = r.pue ?? 1.0;
    const row: RankedRegion = { provider: r.provider, region: r.region, displayName: r.displayName, country: r.countryIso3, gridIntensityGramsPerKWh: intensity, pue };
    ranked.push(options.energyKWh === undefined ? row : { ...row, emissionsKg: (options.energyKWh * pue * intensity) / GRAMS_PER_KG });
  }
  ranked.sort((a, b) => a.gridIntensityGramsPerKWh - b.gridIntensityGramsPerKWh || a.provider.localeCompare(b.provider) || a.region.localeCompare(b.region));
  return { ranked, excludedWithoutIntensity };
}
