// The Region Advisor's filter controls and its note on left-out regions, as plain data. DOM-free: unit-tested
// in plain Node; advisorView.ts puts the results into the vscode-elements controls.
import type {
  AdvisorOriginView, CountryChoiceView, ExcludedRegionView, ExclusionReasonView,
} from '../../protocol/regionAdvisorMessages';
import { EXCLUSION_REASONS, MAX_DISTANCE_KM } from '../../protocol/regionAdvisorMessages';

/** The value of a select's "all" option. */
export const ALL = '';

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

/** "All countries", then "Germany (DEU)" for each country the host offers, as it sorted them. */
export function countryOptions(choices: readonly CountryChoiceView[]): SelectOption[] {
  return [
    { value: ALL, label: 'All countries' },
    ...choices.map((choice) => ({ value: choice.iso3, label: choice.name === choice.iso3 ? choice.iso3 : `${choice.name} (${choice.iso3})` })),
  ];
}

/** What the maximum-distance field shows: usable only when here has coordinates, and why not otherwise. */
export interface DistanceControl {
  readonly enabled: boolean;
  /** The field's value: the km as a plain number, or empty for any distance. */
  readonly value: string;
  /** Next to the field: where distances are measured from, or why the filter is off. */
  readonly hint: string;
}

export function distanceControl(origin: Pick<AdvisorOriginView, 'label' | 'coordinatesSource'> | undefined, maxDistanceKm: number | undefined): DistanceControl {
  const source = origin?.coordinatesSource;
  if (source === undefined) {
    return {
      enabled: false,
      value: '',
      hint: `Off: ${origin ? origin.label : 'here'} has no coordinates (known for a run in a cloud region, or from the system time zone in the run's country).`,
    };
  }
  return { enabled: true, value: maxDistanceKm === undefined ? '' : String(maxDistanceKm), hint: `Great-circle km from ${source}; empty: any distance.` };
}

/** The field's text as a distance: undefined for empty, 'invalid' for anything but a number from 0 to MAX_DISTANCE_KM. */
export function parseDistance(text: string): number | undefined | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const km = Number(trimmed);
  return Number.isFinite(km) && km >= 0 && km <= MAX_DISTANCE_KM ? km : 'invalid';
}

const REASON_TEXT: Record<ExclusionReasonView, (count: number) => string> = {
  'no-coordinates': (count) => `${count} without coordinates (distance unknown)`,
  'no-intensity': (count) => `${count} without a grid intensity`,
  'no-continent': (count) => `${count} whose continent no source names`,
  'estimated': (count) => `${count} with estimated data`,
};

/** One reason and the regions it left out. */
export interface ExclusionGroup {
  readonly reason: ExclusionReasonView;
  /** "12 without coordinates (distance unknown)". */
  readonly text: string;
  /** "provider:region" of each, in the host's order. */
  readonly regions: readonly string[];
}

/** The left-out regions grouped by reason, in a fixed order of reasons. */
export function exclusionGroups(excluded: readonly ExcludedRegionView[]): ExclusionGroup[] {
  return EXCLUSION_REASONS.map((reason) => {
    const regions = excluded.filter((region) => region.reason === reason).map((region) => `${region.provider}:${region.region}`);
    return { reason, text: REASON_TEXT[reason](regions.length), regions };
  }).filter((group) => group.regions.length > 0);
}

/**
 * "152 regions left out: 101 without coordinates (distance unknown), 1 without a grid intensity." Empty when
 * none is; the count alone when the host sent no reasons (an older host, or more than it lists).
 */
export function exclusionSummary(excludedCount: number, excluded: readonly ExcludedRegionView[]): string {
  if (excludedCount === 0) return '';
  const noun = excludedCount === 1 ? 'region' : 'regions';
  const groups = exclusionGroups(excluded);
  if (groups.length === 0) return `${excludedCount} ${noun} left out for missing or estimated data.`;
  const listed = excluded.length < excludedCount ? ` (${excludedCount - excluded.length} more not listed)` : '';
  return `${excludedCount} ${noun} left out: ${groups.map((group) => group.text).join(', ')}${listed}.`;
}
