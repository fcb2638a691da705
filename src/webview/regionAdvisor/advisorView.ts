// The Region Advisor's DOM: the header, the figures, the filters, the chart and the sortable table, drawn
// from the latest snapshot. Text always goes in through textContent (dom.ts), never innerHTML.
import type { AdvisorFiltersView, AdvisorHostToPanelMessage, LiveIntensityView, RegionRowView } from '../../protocol/regionAdvisorMessages';
import { regionKey } from '../../protocol/regionAdvisorMessages';
import { codicon, element, requireElement, setText } from '../dom';
import { formatEmissions, formatEnergy, formatPue, formatSignificant, formatStartTime } from '../format';
import { ALL, countryOptions, distanceControl, exclusionGroups, exclusionSummary, parseDistance } from './advisorFilters';
import { COLUMNS, nextSortOrder, RANK_ORDER, sortRows, type SortOrder } from './regionColumns';
import { RegionChart } from './regionChart';

export type AdvisorSnapshot = Extract<AdvisorHostToPanelMessage, { type: 'snapshot' }>;

/** What the view asks of the host. */
export interface AdvisorActions {
  setFilters(filters: AdvisorFiltersView): void;
  copySummary(): void;
  /** The user sorted the table: kept with the webview's state. */
  sortChanged(order: SortOrder): void;
}

/** The value of the continent select that keeps every continent. */
const ALL_CONTINENTS = ALL;

interface SelectElement extends HTMLElement {
  value: string;
}

interface CheckboxElement extends HTMLElement {
  checked: boolean;
}

interface TextfieldElement extends HTMLElement {
  value: string;
  disabled: boolean;
  invalid: boolean;
}

export class AdvisorView {
  private readonly chart = new RegionChart(requireElement<HTMLCanvasElement>('region-chart'));
  private readonly tableBody: HTMLTableSectionElement;
  private readonly tableHead = requireElement<HTMLTableRowElement>('region-table-head');
  private readonly continent = requireElement<SelectElement>('continent-filter');
  private readonly measuredOnly = requireElement<CheckboxElement>('measured-only');
  private readonly country = requireElement<SelectElement>('country-filter');
  private readonly maxDistance = requireElement<TextfieldElement>('max-distance');
  private readonly providers = requireElement('provider-filters');
  private readonly copyButton = requireElement('copy-summary');
  private snapshot: AdvisorSnapshot | undefined;
  private order: SortOrder = RANK_ORDER;
  private providerChoicesShown = '';
  private continentChoicesShown = '';
  private countryChoicesShown = '';

  constructor(private readonly actions: AdvisorActions) {
    const body = requireElement<HTMLTableElement>('region-table').tBodies[0];
    if (!body) throw new Error('The Region Advisor\'s HTML has no table body');
    this.tableBody = body;
    this.copyButton.addEventListener('click', () => this.actions.copySummary());
    this.continent.addEventListener('change', () => this.sendFilters());
    this.measuredOnly.addEventListener('change', () => this.sendFilters());
    this.country.addEventListener('change', () => this.sendFilters());
    // `change` fires on Enter or leaving the field, not on every keystroke: one re-ranking per distance typed.
    this.maxDistance.addEventListener('change', () => this.sendFilters());
    this.maxDistance.addEventListener('input', () => {
      this.maxDistance.invalid = parseDistance(this.maxDistance.value) === 'invalid';
    });
    this.renderHead();
  }

  get sortOrder(): SortOrder {
    return this.order;
  }

  set sortOrder(order: SortOrder) {
    this.order = order;
    this.renderHead();
    this.renderRows();
  }

  render(snapshot: AdvisorSnapshot): void {
    this.snapshot = snapshot;
    const { run, origin } = snapshot;
    requireElement('advisor-empty').hidden = run !== undefined;
    requireElement('advisor-body').hidden = run === undefined;
    this.copyButton.toggleAttribute('disabled', run === undefined || snapshot.rows.length === 0);
    if (!run) return;
    setText(requireElement('advisor-run'), `Run ${run.command} · ${formatStartTime(run.startedAtMs)} · ${formatEnergy(run.energyKWh)} at the components`);
    if (origin) {
      setText(requireElement('here-emissions'), formatEmissions(origin.emissionsKg));
      setText(requireElement('here-detail'), `${origin.label}: ${formatSignificant(origin.gridIntensityGramsPerKWh)} g/kWh × PUE ${formatPue(origin.pue)}`);
    }
    const best = snapshot.rows[0];
    setText(requireElement('best-emissions'), best ? formatEmissions(best.emissionsKg) : '–');
    setText(requireElement('best-detail'), best ? `${regionKey(best)} (${best.displayName})${best.savingPercent === undefined ? '' : `: ${formatSignificant(best.savingPercent, 2)} % less`}` : 'No region matches the filters');
    if (snapshot.liveIntensityNote !== undefined) {
      setText(requireElement('live-intensity'), 'off');
      setText(requireElement('live-detail'), snapshot.liveIntensityNote);
    } else {
      setText(requireElement('live-intensity'), '…');
      setText(requireElement('live-detail'), 'asking Electricity Maps');
    }
    this.renderFilters(snapshot);
    setText(requireElement('region-count'), `${snapshot.rows.length} regions`);
    this.renderExcluded(snapshot);
    this.chart.show(snapshot.rows, origin);
    this.renderRows();
    if (snapshot.highlighted) this.tableBody.querySelector(`tr[data-region="${CSS.escape(snapshot.highlighted)}"]`)?.scrollIntoView({ block: 'center' });
  }

  showLiveIntensity(reading: LiveIntensityView): void {
    setText(requireElement('live-intensity'), `${formatSignificant(reading.gramsPerKWh)} g/kWh`);
    const when = reading.atMs === undefined ? '' : ` for the hour from ${formatStartTime(reading.atMs)}`;
    setText(requireElement('live-detail'), reading.live ? `${reading.source}${when}` : reading.note ?? reading.source);
  }

  applyTheme(): void {
    this.chart.applyTheme();
  }

  private renderFilters(snapshot: AdvisorSnapshot): void {
    const providerKey = snapshot.providerChoices.join(',');
    if (providerKey !== this.providerChoicesShown) {
      this.providerChoicesShown = providerKey;
      this.providers.replaceChildren(element('span', { className: 'filter-label', text: 'Providers' }), ...snapshot.providerChoices.map((provider) => {
        const box = element('vscode-checkbox', { text: provider, attributes: { 'data-provider': provider } }) as CheckboxElement;
        box.addEventListener('change', () => this.sendFilters());
        return box;
      }));
    }
    const kept = new Set(snapshot.filters.providers);
    for (const box of this.providers.querySelectorAll<CheckboxElement>('[data-provider]')) {
      box.checked = kept.size === 0 || kept.has(box.dataset.provider ?? '');
    }
    const continentKey = snapshot.continentChoices.join(',');
    if (continentKey !== this.continentChoicesShown) {
      this.continentChoicesShown = continentKey;
      this.continent.replaceChildren(
        element('vscode-option', { text: 'All continents', attributes: { value: ALL_CONTINENTS } }),
        ...snapshot.continentChoices.map((continent) => element('vscode-option', { text: continent, attributes: { value: continent } })),
      );
    }
    this.continent.value = snapshot.filters.continent ?? ALL_CONTINENTS;
    this.measuredOnly.checked = snapshot.filters.measuredOnly;
    const countryKey = snapshot.countryChoices.map((choice) => choice.iso3).join(',');
    if (countryKey !== this.countryChoicesShown) {
      this.countryChoicesShown = countryKey;
      this.country.replaceChildren(...countryOptions(snapshot.countryChoices).map((option) => element('vscode-option', { text: option.label, attributes: { value: option.value } })));
    }
    this.country.value = snapshot.filters.country ?? ALL;
    const distance = distanceControl(snapshot.origin, snapshot.filters.maxDistanceKm);
    this.maxDistance.disabled = !distance.enabled;
    this.maxDistance.invalid = false;
    if (this.maxDistance.value !== distance.value) this.maxDistance.value = distance.value;
    setText(requireElement('distance-hint'), distance.hint);
  }

  /** Under the table: how many regions were left out and why, with the list behind a disclosure. */
  private renderExcluded(snapshot: AdvisorSnapshot): void {
    const details = requireElement('excluded-details');
    details.hidden = snapshot.excludedCount === 0;
    setText(requireElement('excluded-note'), exclusionSummary(snapshot.excludedCount, snapshot.excluded));
    requireElement('excluded-list').replaceChildren(...exclusionGroups(snapshot.excluded).map((group) => element('li', { attributes: { 'data-reason': group.reason } }, [
      element('span', { className: 'excluded-reason', text: `${group.text}: ` }),
      element('span', { text: group.regions.join(', ') }),
    ])));
  }

  /** The filters as the controls show them; every provider ticked, or none, keeps them all. */
  private sendFilters(): void {
    const boxes = [...this.providers.querySelectorAll<CheckboxElement>('[data-provider]')];
    const ticked = boxes.filter((box) => box.checked).map((box) => box.dataset.provider ?? '').filter(Boolean);
    const distance = this.maxDistance.disabled ? undefined : parseDistance(this.maxDistance.value);
    this.maxDistance.invalid = distance === 'invalid';
    // A distance being typed wrong keeps the last one the host applied.
    const maxDistanceKm = distance === 'invalid' ? this.snapshot?.filters.maxDistanceKm : distance;
    this.actions.setFilters({
      providers: ticked.length === boxes.length ? [] : ticked,
      continent: this.continent.value || undefined,
      measuredOnly: this.measuredOnly.checked,
      country: this.country.value || undefined,
      maxDistanceKm,
    });
  }

  private renderHead(): void {
    this.tableHead.replaceChildren(...COLUMNS.map((column) => {
      const sorted = this.order.column === column.id;
      const button = element('button', { className: 'sort-button', title: `${column.title}. Click to sort.` }, [
        element('span', { text: column.label }),
        sorted ? codicon(this.order.descending ? 'arrow-down' : 'arrow-up') : undefined,
      ]);
      button.addEventListener('click', () => {
        this.sortOrder = nextSortOrder(this.order, column.id);
        this.actions.sortChanged(this.order);
      });
      return element('th', {
        className: column.numeric ? 'numeric' : '',
        attributes: { scope: 'col', 'aria-sort': sorted ? (this.order.descending ? 'descending' : 'ascending') : 'none' },
      }, [button]);
    }));
  }

  private renderRows(): void {
    const snapshot = this.snapshot;
    if (!snapshot) return;
    const rows = sortRows(snapshot.rows, this.order);
    this.tableBody.replaceChildren(...rows.map((row) => this.renderRow(row, snapshot.highlighted)));
  }

  private renderRow(row: RegionRowView, highlighted: string | undefined): HTMLTableRowElement {
    const key = regionKey(row);
    const classes = [row.isCurrent ? 'current' : '', key === highlighted ? 'highlighted' : '', row.savingKg < 0 ? 'worse' : ''].filter(Boolean).join(' ');
    return element('tr', { className: classes, attributes: { 'data-region': key, 'data-emissions-kg': String(row.emissionsKg) } }, COLUMNS.map((column) => {
      const cell = element('td', { className: column.numeric ? 'numeric' : '', text: column.text(row) });
      if (column.id === 'name') {
        if (row.isCurrent) cell.prepend(codicon('location', 'row-icon'));
        if (row.estimates.length > 0) {
          cell.append(codicon('warning', 'row-icon estimate-icon'));
          cell.title = `Estimated: ${row.estimates.join('; ')}`;
        }
      }
      if (column.id === 'pue') cell.title = row.pueSource;
      if (column.id === 'data') cell.title = row.intensitySource;
      return cell;
    }));
  }
}
