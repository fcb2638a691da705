import type { RunIntensity, RunLocation } from '../reports/runRecord';
import { GeoPoint, isGeoPoint } from './geoDistance';
import type { IntensityData } from './intensityTable';
import type { RankingOrigin } from './regionRanking';
import { placeOfTimeZone } from './timeZoneCountry';

/** A location with its intensity and PUE: a ResolvedLocation, or a stored RunRecord. */
export interface PlacedIntensity {
  readonly location: RunLocation;
  readonly intensity: RunIntensity;
  readonly pue: number;
}

export interface OriginOptions {
  /** Coordinates the user gave; they win over everything else. */
  readonly coordinates?: GeoPoint;
  /** The system's IANA time zone: its principal city stands in for "here" when nothing better is known. */
  readonly timeZone?: string;
  readonly zoneTabPath?: string;
}

/** "gcp:europe-west1", "CA, United States" or "France". */
export function describePlace(location: RunLocation): string {
  if (location.cloudProvider && location.cloudRegion) return `${location.cloudProvider}:${location.cloudRegion}`;
  return location.region ? `${location.region}, ${location.countryName}` : location.countryName;
}

/**
 * The baseline of a ranking from where a workload ran. Coordinates, strongest first: given by the
 * user, the cloud region's own, the principal city of the system's time zone when that zone lies in
 * the same country. Otherwise none, and a distance filter cannot be used.
 */
export function originFromPlace(place: PlacedIntensity, data: IntensityData, options: OriginOptions = {}): RankingOrigin {
  const base = {
    label: describePlace(place.location),
    gridIntensityGramsPerKWh: place.intensity.gramsPerKWh,
    pue: place.pue,
    cloudRegion: place.location.cloudProvider && place.location.cloudRegion ? { provider: place.location.cloudProvider, region: place.location.cloudRegion } : undefined,
  };
  if (options.coordinates) return { ...base, coordinates: options.coordinates, coordinatesSource: 'given' };
  const own = { latitude: place.location.latitude, longitude: place.location.longitude };
  if (isGeoPoint(own)) return { ...base, coordinates: own, coordinatesSource: 'cloud region' };
  if (options.timeZone && options.zoneTabPath) {
    const zonePlace = placeOfTimeZone(options.timeZone, options.zoneTabPath);
    const countryIso2 = data.countries.find((c) => c.iso3 === place.location.countryIso3)?.iso2;
    if (zonePlace && zonePlace.countryIso2 === countryIso2) {
      return { ...base, coordinates: { latitude: zonePlace.latitude, longitude: zonePlace.longitude }, coordinatesSource: `the principal city of time zone ${options.timeZone}` };
    }
  }
  return base;
}
