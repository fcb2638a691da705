import type { RegionRowView } from '../../../../src/protocol/regionAdvisorMessages';

/** A ranked region as the host sends it; Zürich on Google Cloud unless overridden. */
export function buildRow(overrides: Partial<RegionRowView> = {}): RegionRowView {
  return {
    rank: 1, tied: false, isCurrent: false, provider: 'gcp', region: 'europe-west6', displayName: 'Zürich', countryIso3: 'CHE',
    continent: 'Europe', gridIntensityGramsPerKWh: 15.1, intensityYear: 2024, intensitySource: 'Google Cloud region carbon data 2024',
    pue: 1.1, pueSource: 'CCF provider average', effectiveIntensityGramsPerKWh: 16.61, emissionsKg: 0.0399, savingKg: 0.786,
    savingPercent: 95.2, carbonFreePercent: 98, estimates: ['PUE is the provider average'], ...overrides,
  };
}
