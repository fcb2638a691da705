/**
 * The messages between the extension host and the Region Advisor panel, the `…View` types they carry,
 * and the validators each end runs on what it receives. Imports only the protocol's field readers, so
 * the advisor's bundle stays dependency-free; `extension/regionAdvisor/` maps the engine's ranking onto
 * these views.
 *
 * Conversation: the panel sends `ready`; the host answers with `snapshot`. Changing a filter sends
 * `setFilters`, and the host ranks again (the engine's rankRegions) and answers with a new `snapshot`.
 * A live intensity reading, when the user turned it on, follows as `liveIntensity`.
 */
import {
  checkMessage, Checked, describeValue, Malformed, optional, orUndefined, readArray, readBoolean, readBoundedText, readFields, readInteger,
  readEnum, readNonEmptyText, readNonNegative, readNumber,
} from './messageFields';

/** Bumped whenever a message or view changes shape; the panel sends it in `ready`. */
export const REGION_ADVISOR_PROTOCOL_VERSION = 2;

/** Longest text a field may hold, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 2_000;
/** Longest id: a run id, a provider, a region id, a continent. */
export const MAX_ID_LENGTH = 200;
/** Most rows a snapshot carries: every region of every provider, with room to grow. */
export const MAX_REGION_ROWS = 2_000;
/** Most providers or continents offered as filters. */
export const MAX_CHOICES = 64;
/** Most estimate notes on one row. */
export const MAX_ESTIMATES = 8;
/** Most countries offered as a filter: every ISO 3166 country, with room to spare. */
export const MAX_COUNTRY_CHOICES = 300;
/** Largest maximum distance, in km: more than half the Earth's circumference keeps every region. */
export const MAX_DISTANCE_KM = 40_000;

/** One ranked region, as the table, the chart and the quick pick show it. */
export interface RegionRowView {
  /** 1-based; tied regions share a rank. */
  readonly rank: number;
  readonly tied: boolean;
  /** The region the run itself ran in. */
  readonly isCurrent: boolean;
  readonly provider: string;
  readonly region: string;
  readonly displayName: string;
  readonly countryIso3: string;
  readonly continent: string | undefined;
  readonly gridIntensityGramsPerKWh: number;
  readonly intensityYear: number | undefined;
  readonly intensitySource: string;
  readonly pue: number;
  readonly pueSource: string;
  /** PUE × grid intensity: the ranking key. */
  readonly effectiveIntensityGramsPerKWh: number;
  /** The run's energy × PUE × intensity. */
  readonly emissionsKg: number;
  /** Here's emissions minus this region's; negative when the region would emit more. */
  readonly savingKg: number;
  /** savingKg over here's emissions, in %; undefined when here emits nothing. */
  readonly savingPercent: number | undefined;
  readonly carbonFreePercent: number | undefined;
  /** What in the row is an estimate, in words; empty when its figures are specific to the region. */
  readonly estimates: readonly string[];
}

/** The run whose energy is ranked. */
export interface AdvisorRunView {
  readonly id: string;
  readonly command: string;
  readonly startedAtMs: number;
  /** At the components, before PUE. */
  readonly energyKWh: number;
}

/** Where the run ran: the baseline of every saving. */
export interface AdvisorOriginView {
  /** "France", "gcp:europe-west1". */
  readonly label: string;
  readonly gridIntensityGramsPerKWh: number;
  readonly pue: number;
  readonly emissionsKg: number;
  /**
   * Where distances are measured from ("cloud region", "the principal city of time zone Asia/Kolkata");
   * undefined when here has no coordinates, so the distance filter cannot be used. Added in protocol 2.
   */
  readonly coordinatesSource: string | undefined;
}

/** A country some region lies in, for the country filter. */
export interface CountryChoiceView {
  /** ISO 3166 alpha-3, as `RegionRowView.countryIso3`. */
  readonly iso3: string;
  readonly name: string;
}

/** Why a region passed the provider, country and continent filters but is not in the table (the engine's reasons). */
export type ExclusionReasonView = 'no-intensity' | 'no-continent' | 'no-coordinates' | 'estimated';

export const EXCLUSION_REASONS: readonly ExclusionReasonView[] = ['no-intensity', 'no-continent', 'no-coordinates', 'estimated'];

/** A region left out of the ranking, and why. */
export interface ExcludedRegionView {
  readonly provider: string;
  readonly region: string;
  readonly displayName: string;
  readonly reason: ExclusionReasonView;
}

/** The filters the ranking used. */
export interface AdvisorFiltersView {
  /** Providers kept; empty keeps all. */
  readonly providers: readonly string[];
  /** Undefined keeps every continent. */
  readonly continent: string | undefined;
  /** Only regions whose intensity is specific to them and whose PUE is known. */
  readonly measuredOnly: boolean;
  /** ISO3 of the one country kept; undefined keeps every country. Added in protocol 2 (absent reads as undefined). */
  readonly country: string | undefined;
  /** Great-circle km from here's coordinates; undefined: any distance. Added in protocol 2. */
  readonly maxDistanceKm: number | undefined;
}

/** Here's grid intensity now, from Electricity Maps, or the yearly figure and why. */
export interface LiveIntensityView {
  readonly live: boolean;
  readonly gramsPerKWh: number;
  /** "Electricity Maps, zone FR", or the yearly figure's source. */
  readonly source: string;
  /** Start of the live figure's hour, epoch ms. */
  readonly atMs: number | undefined;
  /** Why the yearly figure is shown; undefined for a live reading. */
  readonly note: string | undefined;
}

/** Host → panel. */
export type AdvisorHostToPanelMessage =
  | {
    readonly type: 'snapshot';
    /** Undefined when no run is stored yet: the panel says how to make one. */
    readonly run: AdvisorRunView | undefined;
    readonly origin: AdvisorOriginView | undefined;
    readonly filters: AdvisorFiltersView;
    readonly providerChoices: readonly string[];
    readonly continentChoices: readonly string[];
    /** Countries of the region table, by name. Absent from a protocol-1 host: read as none. */
    readonly countryChoices: readonly CountryChoiceView[];
    /** Lowest emissions first. */
    readonly rows: readonly RegionRowView[];
    /** Regions left out for missing or estimated data. */
    readonly excludedCount: number;
    /** The regions left out, each with its reason (up to MAX_REGION_ROWS). Absent from a protocol-1 host: read as none. */
    readonly excluded: readonly ExcludedRegionView[];
    /** "provider:region" to bring into view, e.g. the one picked in the quick pick. */
    readonly highlighted: string | undefined;
    /** Undefined while live intensity is off (no key, or the setting is off). */
    readonly liveIntensityNote: string | undefined;
  }
  | { readonly type: 'liveIntensity'; readonly reading: LiveIntensityView };

/** Panel → host. */
export type AdvisorPanelToHostMessage =
  | { readonly type: 'ready'; readonly protocolVersion: number }
  | { readonly type: 'setFilters'; readonly filters: AdvisorFiltersView }
  /** The host writes a Markdown summary of the ranking to the clipboard. */
  | { readonly type: 'copySummary' };

/** "gcp:europe-west1": the row's key in the table (`tr[data-region]`) and in `highlighted`. */
export function regionKey(row: Pick<RegionRowView, 'provider' | 'region'>): string {
  return `${row.provider}:${row.region}`;
}

/** Returns the message, or undefined when `raw` is not a well-formed host → panel message. Never throws. */
export function parseAdvisorHostToPanel(raw: unknown): AdvisorHostToPanelMessage | undefined {
  return orUndefined(() => readHostToPanel(raw));
}

/** Returns the message, or undefined when `raw` is not a well-formed panel → host message. Never throws. */
export function parseAdvisorPanelToHost(raw: unknown): AdvisorPanelToHostMessage | undefined {
  return orUndefined(() => readPanelToHost(raw));
}

/** As parseAdvisorHostToPanel, with the reason when the message is dropped. Never throws. */
export function checkAdvisorHostToPanel(raw: unknown): Checked<AdvisorHostToPanelMessage> {
  return checkMessage(raw, readHostToPanel);
}

/** As parseAdvisorPanelToHost, with the reason when the message is dropped, for the host's log. Never throws. */
export function checkAdvisorPanelToHost(raw: unknown): Checked<AdvisorPanelToHostMessage> {
  return checkMessage(raw, readPanelToHost);
}

function readHostToPanel(raw: unknown): AdvisorHostToPanelMessage {
  const fields = readFields(raw);
  const type = fields.type;
  switch (type) {
    case 'snapshot':
      return {
        type,
        run: optional(fields.run, readRun),
        origin: optional(fields.origin, readOrigin),
        filters: readFilters(fields.filters),
        providerChoices: readArray(fields.providerChoices, MAX_CHOICES, readId),
        continentChoices: readArray(fields.continentChoices, MAX_CHOICES, readId),
        countryChoices: optional(fields.countryChoices, (value) => readArray(value, MAX_COUNTRY_CHOICES, readCountryChoice)) ?? [],
        rows: readArray(fields.rows, MAX_REGION_ROWS, readRow),
        excludedCount: readInteger(fields.excludedCount, 0, Number.MAX_SAFE_INTEGER),
        excluded: optional(fields.excluded, (value) => readArray(value, MAX_REGION_ROWS, readExcluded)) ?? [],
        highlighted: optional(fields.highlighted, readId),
        liveIntensityNote: optional(fields.liveIntensityNote, readText),
      };
    case 'liveIntensity':
      return { type, reading: readLiveIntensity(fields.reading) };
    default:
      throw new Malformed(`unknown type ${describeValue(type)}`);
  }
}

function readPanelToHost(raw: unknown): AdvisorPanelToHostMessage {
  const fields = readFields(raw);
  const type = fields.type;
  switch (type) {
    case 'ready':
      return { type, protocolVersion: readInteger(fields.protocolVersion, 0, Number.MAX_SAFE_INTEGER) };
    case 'setFilters':
      return { type, filters: readFilters(fields.filters) };
    case 'copySummary':
      return { type };
    default:
      throw new Malformed(`unknown type ${describeValue(type)}`);
  }
}

function readRow(raw: unknown): RegionRowView {
  const fields = readFields(raw);
  return {
    rank: readInteger(fields.rank, 1, Number.MAX_SAFE_INTEGER),
    tied: readBoolean(fields.tied),
    isCurrent: readBoolean(fields.isCurrent),
    provider: readId(fields.provider),
    region: readId(fields.region),
    displayName: readText(fields.displayName),
    countryIso3: readId(fields.countryIso3),
    continent: optional(fields.continent, readId),
    gridIntensityGramsPerKWh: readNonNegative(fields.gridIntensityGramsPerKWh),
    intensityYear: optional(fields.intensityYear, (value) => readInteger(value, 1900, 3000)),
    intensitySource: readText(fields.intensitySource),
    pue: readNumber(fields.pue, 1, Number.MAX_VALUE),
    pueSource: readText(fields.pueSource),
    effectiveIntensityGramsPerKWh: readNonNegative(fields.effectiveIntensityGramsPerKWh),
    emissionsKg: readNonNegative(fields.emissionsKg),
    // A region dirtier than here has a negative saving.
    savingKg: readNumber(fields.savingKg, -Number.MAX_VALUE, Number.MAX_VALUE),
    savingPercent: optional(fields.savingPercent, (value) => readNumber(value, -Number.MAX_VALUE, 100)),
    carbonFreePercent: optional(fields.carbonFreePercent, (value) => readNumber(value, 0, 100)),
    estimates: readArray(fields.estimates, MAX_ESTIMATES, readText),
  };
}

function readRun(raw: unknown): AdvisorRunView {
  const fields = readFields(raw);
  return {
    id: readId(fields.id),
    command: readText(fields.command),
    startedAtMs: readNonNegative(fields.startedAtMs),
    energyKWh: readNonNegative(fields.energyKWh),
  };
}

function readOrigin(raw: unknown): AdvisorOriginView {
  const fields = readFields(raw);
  return {
    label: readText(fields.label),
    gridIntensityGramsPerKWh: readNonNegative(fields.gridIntensityGramsPerKWh),
    pue: readNumber(fields.pue, 1, Number.MAX_VALUE),
    emissionsKg: readNonNegative(fields.emissionsKg),
    coordinatesSource: optional(fields.coordinatesSource, readText),
  };
}

function readCountryChoice(raw: unknown): CountryChoiceView {
  const fields = readFields(raw);
  return { iso3: readIso3(fields.iso3), name: readText(fields.name) };
}

function readExcluded(raw: unknown): ExcludedRegionView {
  const fields = readFields(raw);
  return {
    provider: readId(fields.provider),
    region: readId(fields.region),
    displayName: readText(fields.displayName),
    reason: readEnum(fields.reason, EXCLUSION_REASONS),
  };
}

function readFilters(raw: unknown): AdvisorFiltersView {
  const fields = readFields(raw);
  return {
    providers: readArray(fields.providers, MAX_CHOICES, readId),
    continent: optional(fields.continent, readId),
    measuredOnly: readBoolean(fields.measuredOnly),
    country: optional(fields.country, readIso3),
    maxDistanceKm: optional(fields.maxDistanceKm, (value) => readNumber(value, 0, MAX_DISTANCE_KM)),
  };
}

/** "DEU": three capital letters. */
function readIso3(value: unknown): string {
  const text = readNonEmptyText(value, 3);
  if (!/^[A-Z]{3}$/.test(text)) throw new Malformed(`expected an ISO 3166 alpha-3 code, got ${describeValue(text)}`);
  return text;
}

function readLiveIntensity(raw: unknown): LiveIntensityView {
  const fields = readFields(raw);
  return {
    live: readBoolean(fields.live),
    gramsPerKWh: readNonNegative(fields.gramsPerKWh),
    source: readText(fields.source),
    atMs: optional(fields.atMs, readNonNegative),
    note: optional(fields.note, readText),
  };
}

function readText(value: unknown): string {
  return readBoundedText(value, MAX_TEXT_LENGTH);
}

function readId(value: unknown): string {
  return readNonEmptyText(value, MAX_ID_LENGTH);
}
