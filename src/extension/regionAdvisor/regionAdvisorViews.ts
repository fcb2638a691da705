/**
 * Maps the engine's region ranking onto the Region Advisor's protocol views, and writes the quick pick's
 * texts and the copyable Markdown summary. Pure: no `vscode`, unit-tested in plain Node.
 */
import type { CloudRegion, CountryIntensity } from '../../engine/intensity/intensityTable';
import { describeEstimate, RankedRegion, RegionFilters, RegionRanking } from '../../engine/intensity/regionRanking';
import { formatEmissions, formatEnergy, formatPue, formatSignificant } from '../../engine/reports/formatQuantities';
import { escapeMarkdown, markdownCodeSpan } from '../../engine/reports/markdownReport';
import {
  AdvisorFiltersView, AdvisorHostToPanelMessage, AdvisorOriginView, AdvisorRunView, CountryChoiceView, ExcludedRegionView,
  MAX_CHOICES, MAX_COUNTRY_CHOICES, MAX_DISTANCE_KM, MAX_ID_LENGTH, MAX_REGION_ROWS, MAX_TEXT_LENGTH, RegionRowView, regionKey,
} from '../../protocol/regionAdvisorMessages';

/** No filter: every provider, continent and country, any distance, estimates included. */
export const NO_FILTERS: AdvisorFiltersView = { providers: [], continent: undefined, measuredOnly: false, country: undefined, maxDistanceKm: undefined };

/** How many regions the quick pick and the chart show. */
export const TOP_REGIONS = 10;

/** A string the protocol's validator accepts: long texts are cut, never rejected. */
function bounded(text: string, max = MAX_TEXT_LENGTH): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The panel's filters as the engine's; an empty provider list means all. */
export function engineFilters(filters: AdvisorFiltersView): RegionFilters {
  return {
    providers: filters.providers.length > 0 ? filters.providers : undefined,
    continents: filters.continent ? [filters.continent] : undefined,
    measuredOnly: filters.measuredOnly,
    countries: filters.country ? [filters.country] : undefined,
    maxDistanceKm: filters.maxDistanceKm,
  };
}

/**
 * The panel's filters as the host can apply them: providers and a country the region table has, and no
 * distance when here has no coordinates (rankRegions would refuse it) or the distance is not a number ≥ 0.
 */
export function usableFilters(filters: AdvisorFiltersView, regions: readonly CloudRegion[], hereHasCoordinates: boolean): AdvisorFiltersView {
  const providers = new Set(providerChoices(regions));
  const countries = new Set(regions.map((region) => region.countryIso3));
  const distance = filters.maxDistanceKm;
  return {
    ...filters,
    providers: filters.providers.filter((provider) => providers.has(provider)),
    country: filters.country !== undefined && countries.has(filters.country) ? filters.country : undefined,
    maxDistanceKm: hereHasCoordinates && distance !== undefined && Number.isFinite(distance) && distance >= 0 && distance <= MAX_DISTANCE_KM ? distance : undefined,
  };
}

/** Countries some region lies in, by name; the ISO3 code stands in for a name the table lacks. */
export function countryChoices(regions: readonly CloudRegion[], countries: readonly Pick<CountryIntensity, 'iso3' | 'name'>[]): CountryChoiceView[] {
  const names = new Map(countries.map((country) => [country.iso3, country.name]));
  return [...new Set(regions.map((region) => region.countryIso3))]
    .map((iso3) => ({ iso3, name: bounded(names.get(iso3) ?? iso3) }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.iso3.localeCompare(b.iso3))
    .slice(0, MAX_COUNTRY_CHOICES);
}

/** The regions the ranking left out, with the engine's reason. */
export function excludedViews(ranking: RegionRanking): ExcludedRegionView[] {
  return ranking.excluded.slice(0, MAX_REGION_ROWS).map((region) => ({
    provider: bounded(region.provider, MAX_ID_LENGTH),
    region: bounded(region.region, MAX_ID_LENGTH),
    displayName: bounded(region.displayName),
    reason: region.reason,
  }));
}

/** Provider ids, alphabetical. */
export function providerChoices(regions: readonly CloudRegion[]): string[] {
  return [...new Set(regions.map((region) => region.provider))].sort().slice(0, MAX_CHOICES);
}

/** Continents some region lies in, alphabetical. */
export function continentChoices(regions: readonly CloudRegion[]): string[] {
  return [...new Set(regions.map((region) => region.continent).filter((c): c is string => c !== null))].sort().slice(0, MAX_CHOICES);
}

/**
 * One ranked region as a table row; undefined for a row the ranking could not give emissions (no
 * energy), which the advisor never asks for: it always ranks a run's energy against its location.
 */
export function regionRowView(region: RankedRegion): RegionRowView | undefined {
  if (region.emissionsKg === undefined || region.savingKg === undefined) return undefined;
  return {
    rank: region.rank,
    tied: region.tied,
    isCurrent: region.isCurrent,
    provider: bounded(region.provider, MAX_ID_LENGTH),
    region: bounded(region.region, MAX_ID_LENGTH),
    displayName: bounded(region.displayName),
    countryIso3: region.countryIso3,
    continent: region.continent ?? undefined,
    gridIntensityGramsPerKWh: region.gridIntensityGramsPerKWh,
    intensityYear: region.intensityYear ?? undefined,
    intensitySource: bounded(region.intensitySource),
    pue: region.pue,
    pueSource: bounded(region.pueSource),
    effectiveIntensityGramsPerKWh: region.effectiveIntensityGramsPerKWh,
    emissionsKg: region.emissionsKg,
    savingKg: region.savingKg,
    savingPercent: region.savingPercent,
    carbonFreePercent: region.carbonFreePercent ?? undefined,
    estimates: region.estimates.map(describeEstimate),
  };
}

/** The ranking's baseline, or undefined when it had none. */
export function originView(ranking: RegionRanking): AdvisorOriginView | undefined {
  const { origin } = ranking;
  if (!origin || origin.emissionsKg === undefined) return undefined;
  return {
    label: bounded(origin.label),
    gridIntensityGramsPerKWh: origin.gridIntensityGramsPerKWh,
    pue: origin.pue,
    emissionsKg: origin.emissionsKg,
    coordinatesSource: origin.coordinates ? bounded(origin.coordinatesSource ?? 'unknown') : undefined,
  };
}

export interface SnapshotInput {
  readonly run: AdvisorRunView | undefined;
  readonly ranking: RegionRanking | undefined;
  readonly filters: AdvisorFiltersView;
  readonly regions: readonly CloudRegion[];
  /** For the country filter's names; without them the ISO3 codes stand alone. */
  readonly countries?: readonly Pick<CountryIntensity, 'iso3' | 'name'>[];
  readonly highlighted?: string;
  readonly liveIntensityNote?: string;
}

/** The panel's whole state in one message. */
export function advisorSnapshot(input: SnapshotInput): AdvisorHostToPanelMessage {
  const rows = (input.ranking?.ranked ?? []).slice(0, MAX_REGION_ROWS).map(regionRowView).filter((row): row is RegionRowView => row !== undefined);
  return {
    type: 'snapshot',
    run: input.run,
    origin: input.ranking ? originView(input.ranking) : undefined,
    filters: input.filters,
    providerChoices: providerChoices(input.regions),
    continentChoices: continentChoices(input.regions),
    countryChoices: countryChoices(input.regions, input.countries ?? []),
    rows,
    excludedCount: input.ranking?.excluded.length ?? 0,
    excluded: input.ranking ? excludedViews(input.ranking) : [],
    highlighted: input.highlighted,
    liveIntensityNote: input.liveIntensityNote,
  };
}

/** "2024 · Google Cloud region carbon data" or "Ember 2024-25 …" when the year is unknown. */
export function dataLabel(row: Pick<RegionRowView, 'intensityYear' | 'intensitySource'>): string {
  return row.intensityYear ? `${row.intensityYear} · ${row.intensitySource}` : row.intensitySource;
}

/** "saves 276 g CO₂e (63 %)", or "adds …" for a region dirtier than here. */
export function savingText(row: Pick<RegionRowView, 'savingKg' | 'savingPercent'>): string {
  const percent = row.savingPercent === undefined ? '' : ` (${formatSignificant(Math.abs(row.savingPercent), 2)} %)`;
  if (row.savingKg === 0) return 'same as here';
  return `${row.savingKg > 0 ? 'saves' : 'adds'} ${formatEmissions(Math.abs(row.savingKg))}${percent}`;
}

/** The quick pick's texts for one region. */
export function regionPickTexts(row: RegionRowView): { label: string; description: string; detail: string } {
  const estimated = row.estimates.length > 0 ? ` · estimated: ${row.estimates.join('; ')}` : '';
  return {
    label: `${row.isCurrent ? '$(location) ' : ''}${regionKey(row)}  ${row.displayName}`,
    description: `${formatEmissions(row.emissionsKg)} · ${savingText(row)}`,
    detail: `${formatSignificant(row.gridIntensityGramsPerKWh)} g/kWh × PUE ${formatPue(row.pue)} · ${dataLabel(row)}${estimated}`,
  };
}

function describeFilters(filters: AdvisorFiltersView): string {
  const parts = [
    filters.providers.length > 0 ? `providers ${filters.providers.join(', ')}` : '',
    filters.continent ? filters.continent : '',
    filters.country ? `country ${filters.country}` : '',
    filters.maxDistanceKm !== undefined ? `within ${formatSignificant(filters.maxDistanceKm)} km of here` : '',
    filters.measuredOnly ? 'measured data only' : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : 'all regions';
}

/** A short Markdown summary of the ranking for a PR, a paper or a chat: the baseline and the top rows. */
export function regionSummaryMarkdown(input: {
  readonly run: AdvisorRunView;
  readonly origin: AdvisorOriginView;
  readonly rows: readonly RegionRowView[];
  readonly filters: AdvisorFiltersView;
  readonly limit?: number;
}): string {
  const { run, origin, rows, filters } = input;
  const shown = rows.slice(0, input.limit ?? 5);
  const lines = [
    // The command is the user's own text: a code span that no backtick or line break in it can end.
    `**Where would this run emit least?** Run ${markdownCodeSpan(run.command)} used ${formatEnergy(run.energyKWh)} at the components; `
      + `here (${escapeMarkdown(origin.label)}, ${formatSignificant(origin.gridIntensityGramsPerKWh)} g/kWh × PUE ${formatPue(origin.pue)}) it emitted ${formatEmissions(origin.emissionsKg)}.`,
    '',
    '| # | Region | Name | CO₂e | Saving | g/kWh | PUE | Data |',
    '|---|---|---|---|---|---|---|---|',
    ...shown.map((row) => `| ${row.tied ? '=' : ''}${row.rank} | ${regionKey(row)} | ${cell(row.displayName)} | ${formatEmissions(row.emissionsKg)} | `
      + `${formatEmissions(row.savingKg)}${row.savingPercent === undefined ? '' : ` (${formatSignificant(row.savingPercent, 2)} %)`} | `
      + `${formatSignificant(row.gridIntensityGramsPerKWh)} | ${formatPue(row.pue)}${row.estimates.length > 0 ? '*' : ''} | ${cell(dataLabel(row))} |`),
    '',
    `Filters: ${describeFilters(filters)}. CO₂e = energy × PUE × yearly grid intensity; * marks estimated figures. Computed by Carbon Meter.`,
  ];
  if (shown.length === 0) lines.splice(2, shown.length + 2, 'No region matches the filters.');
  return `${lines.join('\n')}\n`;
}

/** Text for a Markdown table cell: nothing in it becomes a tag, a link or a new cell, and no line break. */
function cell(text: string): string {
  return escapeMarkdown(text.replace(/\s+/g, ' '));
}
