// The Region Advisor table's columns and its sorting. DOM-free: unit-tested in plain Node.
import type { RegionRowView } from '../../protocol/regionAdvisorMessages';
import { formatEmissions, formatPue, formatSignificant } from '../format';

export type ColumnId =
  | 'rank' | 'provider' | 'region' | 'name' | 'country' | 'intensity' | 'pue' | 'emissions' | 'savingKg' | 'savingPercent'
  | 'cfe' | 'data';

export interface Column {
  readonly id: ColumnId;
  readonly label: string;
  /** What the header's tooltip explains. */
  readonly title: string;
  readonly numeric: boolean;
  /** The value sorted on; undefined sorts last in either direction. */
  readonly sortValue: (row: RegionRowView) => number | string | undefined;
  readonly text: (row: RegionRowView) => string;
}

/** "2024 · Google Cloud region carbon data", or the source alone when its year is unknown. */
export function dataText(row: Pick<RegionRowView, 'intensityYear' | 'intensitySource'>): string {
  return row.intensityYear ? `${row.intensityYear} · ${row.intensitySource}` : row.intensitySource;
}

/** "-12 %" for a region dirtier than here; empty when here emits nothing. */
function percentText(percent: number | undefined): string {
  return percent === undefined ? '' : `${formatSignificant(percent, 2)} %`;
}

export const COLUMNS: readonly Column[] = [
  { id: 'rank', label: '#', title: 'Rank: lowest emissions first; =N shares the rank with another region', numeric: true,
    sortValue: (row) => row.rank, text: (row) => `${row.tied ? '=' : ''}${row.rank}` },
  { id: 'provider', label: 'Provider', title: 'Cloud provider', numeric: false, sortValue: (row) => row.provider, text: (row) => row.provider },
  { id: 'region', label: 'Region', title: 'Region id', numeric: false, sortValue: (row) => row.region, text: (row) => row.region },
  { id: 'name', label: 'Name', title: 'Display name', numeric: false, sortValue: (row) => row.displayName, text: (row) => row.displayName },
  { id: 'country', label: 'Country', title: 'ISO 3166 alpha-3', numeric: false, sortValue: (row) => row.countryIso3, text: (row) => row.countryIso3 },
  { id: 'intensity', label: 'g/kWh', title: 'Yearly grid intensity, g CO₂e per kWh', numeric: true,
    sortValue: (row) => row.gridIntensityGramsPerKWh, text: (row) => formatSignificant(row.gridIntensityGramsPerKWh) },
  { id: 'pue', label: 'PUE', title: 'Power usage effectiveness of the data centres', numeric: true, sortValue: (row) => row.pue, text: (row) => formatPue(row.pue) },
  { id: 'emissions', label: 'CO₂e', title: 'This run\'s energy × PUE × grid intensity', numeric: true,
    sortValue: (row) => row.emissionsKg, text: (row) => formatEmissions(row.emissionsKg).replace(' CO₂e', '') },
  { id: 'savingKg', label: 'Saving', title: 'Here\'s emissions minus the region\'s; negative: the region emits more', numeric: true,
    sortValue: (row) => row.savingKg, text: (row) => formatEmissions(row.savingKg).replace(' CO₂e', '') },
  { id: 'savingPercent', label: 'Saving %', title: 'The saving as a share of here\'s emissions', numeric: true,
    sortValue: (row) => row.savingPercent, text: (row) => percentText(row.savingPercent) },
  { id: 'cfe', label: 'CFE', title: 'Carbon-free energy share, where the provider publishes it', numeric: true,
    sortValue: (row) => row.carbonFreePercent, text: (row) => (row.carbonFreePercent === undefined ? '' : `${formatSignificant(row.carbonFreePercent, 2)} %`) },
  { id: 'data', label: 'Data', title: 'Year and source of the grid intensity', numeric: false,
    sortValue: (row) => dataText(row), text: (row) => dataText(row) },
];

export interface SortOrder {
  readonly column: ColumnId;
  readonly descending: boolean;
}

/** The table as the host ranked it. */
export const RANK_ORDER: SortOrder = { column: 'rank', descending: false };

/** Clicking a header: the same column flips its direction, another starts ascending. */
export function nextSortOrder(current: SortOrder, column: ColumnId): SortOrder {
  return current.column === column ? { column, descending: !current.descending } : { column, descending: false };
}

/**
 * The rows in `order`; rows without the value last in either direction, and equal values in rank order,
 * so a sort never shuffles ties.
 */
export function sortRows(rows: readonly RegionRowView[], order: SortOrder): RegionRowView[] {
  const column = COLUMNS.find((candidate) => candidate.id === order.column) ?? COLUMNS[0];
  if (!column) return [...rows];
  const sign = order.descending ? -1 : 1;
  return rows
    .map((row, index) => ({ row, index, value: column.sortValue(row) }))
    .sort((a, b) => {
      if (a.value === undefined || b.value === undefined) {
        return a.value === b.value ? a.index - b.index : a.value === undefined ? 1 : -1;
      }
      const compared = typeof a.value === 'number' && typeof b.value === 'number'
        ? a.value - b.value
        : String(a.value).localeCompare(String(b.value));
      return compared * sign || a.index - b.index;
    })
    .map(({ row }) => row);
}
