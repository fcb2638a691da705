/** A point on the Earth, in degrees (WGS84). */
export interface GeoPoint {
  readonly latitude: number;
  readonly longitude: number;
}

/** IUGG mean Earth radius R1 = (2a + b) / 3 for WGS84, in km. */
export const EARTH_MEAN_RADIUS_KM = 6371.0088;

const RADIANS_PER_DEGREE = Math.PI / 180;

/**
 * Great-circle distance by the haversine formula on a sphere of the mean radius. Within 0.5 % of the
 * ellipsoidal distance, which is plenty for a latency proxy.
 */
export function haversineKm(from: GeoPoint, to: GeoPoint): number {
  const phi1 = from.latitude * RADIANS_PER_DEGREE;
  const phi2 = to.latitude * RADIANS_PER_DEGREE;
  const halfDeltaPhi = (phi2 - phi1) / 2;
  const halfDeltaLambda = ((to.longitude - from.longitude) * RADIANS_PER_DEGREE) / 2;
  const h = Math.sin(halfDeltaPhi) ** 2 + Math.cos(phi1) * Math.cos(phi2) * Math.sin(halfDeltaLambda) ** 2;
  // min() guards asin against h rounding a hair above 1 for antipodal points.
  return 2 * EARTH_MEAN_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** True for a finite latitude in [-90, 90] and longitude in [-180, 180]. */
export function isGeoPoint(point: { latitude?: number | null; longitude?: number | null }): point is GeoPoint {
  const { latitude, longitude } = point;
  return typeof latitude === 'number' && typeof longitude === 'number' && Number.isFinite(latitude) && Number.isFinite(longitude)
    && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
}
