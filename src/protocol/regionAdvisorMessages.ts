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
  Malformed, optional, orUndefined, readArray, readBoolean, readBoundedText, readFields, readInteger,
  readNonEmptyText, readNonNegative, readNumber,
} from './messageFields';

/** Bumped whenever a message or view changes shape; the panel sends it in `ready`. */
export const REGION_ADVISOR_PROTOCOL_VERSION = 1;

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
}

/** The filters the ranking used. */
export interface AdvisorFiltersView {
  /** Providers kept; empty keeps all. */
  readonly providers: readonly string[];
  /** Undefined keeps every continent. */
  readonly continent: string | undefined;
  /** Only regions whose intensity is specific to them and whose PUE is known. */
  readonly measuredOnly: boolean;
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
    /** Lowest emissions first. */
    readonly rows: readonly RegionRowView[];
    /** Regions left out for missing or estimated data. */
    readonly excludedCount: number;
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
        rows: readArray(fields.rows, MAX_REGION_ROWS, readRow),
        excludedCount: readInteger(fields.excludedCount, 0, Number.MAX_SAFE_INTEGER),
        highlighted: optional(fields.highlighted, readId),
        liveIntensityNote: optional(fields.liveIntensityNote, readText),
      };
    case 'liveIntensity':
      return { type, reading: readLiveIntensity(fields.reading) };
    default:
      throw new Malformed('unknown type');
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
      throw new Malformed('unknown type');
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
  };
}

function readFilters(raw: unknown): AdvisorFiltersView {
  const fields = readFields(raw);
  return {
    providers: readArray(fields.providers, MAX_CHOICES, readId),
    continent: optional(fields.continent, readId),
    measuredOnly: readBoolean(fields.measuredOnly),
  };
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
