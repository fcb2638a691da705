import { randomBytes } from '../../engine/system/randomIds';
import * as vscode from 'vscode';
import { liveZoneFor, readLatestIntensity } from '../../engine/intensity/liveIntensityApi';
import { originFromPlace } from '../../engine/intensity/rankingOrigin';
import { rankRegions, RegionRanking } from '../../engine/intensity/regionRanking';
import { DEFAULT_ZONE_TAB_PATH, systemTimeZone } from '../../engine/intensity/timeZoneCountry';
import { formatEmissions, formatEnergy } from '../../engine/reports/formatQuantities';
import type { RunRecord } from '../../engine/reports/runRecord';
import type { RunSummary } from '../../engine/runStore';
import { assertNever } from '../../protocol/panelMessages';
import {
  AdvisorFiltersView, AdvisorHostToPanelMessage, AdvisorPanelToHostMessage, AdvisorRunView, checkAdvisorPanelToHost,
  REGION_ADVISOR_PROTOCOL_VERSION, regionKey,
} from '../../protocol/regionAdvisorMessages';
import { CommandId } from '../commandIds';
import { DisposableObject } from '../disposableObject';
import type { RunTracker } from '../tracking/runTracker';
import type { LiveIntensity } from './liveIntensity';
import { renderRegionAdvisorHtml } from './regionAdvisorHtml';
import {
  advisorSnapshot, NO_FILTERS, engineFilters, regionPickTexts, regionRowView, regionSummaryMarkdown, TOP_REGIONS, usableFilters,
} from './regionAdvisorViews';

const TITLE = 'Carbon Meter: Recommend Cloud Region';

/** The run ranked, and its ranking under the current filters. */
interface Ranked {
  readonly record: RunRecord;
  readonly run: AdvisorRunView;
  readonly ranking: RegionRanking;
}

/**
 * "Recommend Cloud Region": where would the last (or a picked) run have emitted least? A quick pick
 * for the fast answer, and the Region Advisor panel for the whole table, a chart, filters and a
 * copyable summary. The ranking is the engine's (rankRegions), redone here when a filter changes.
 */
export class RegionAdvisor extends DisposableObject {
  static readonly viewType = 'carbonMeter.regionAdvisor';

  private panel: vscode.WebviewPanel | undefined;
  private current: Ranked | undefined;
  private filters: AdvisorFiltersView = NO_FILTERS;
  private highlighted: string | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly tracker: RunTracker, private readonly live: LiveIntensity) {
    super();
    this.register({ dispose: () => this.panel?.dispose() });
  }

  /** The command: picks the run (the only one, the one given, or the user's choice), then the quick pick. */
  async recommend(runId?: string): Promise<void> {
    const id = runId ?? await this.pickRun();
    if (!id) return;
    const ranked = await this.load(id);
    if (!ranked) return;
    const rows = ranked.ranking.ranked.slice(0, TOP_REGIONS).map(regionRowView).filter((row) => row !== undefined);
    const openPanel = { label: '$(globe) Open Region Advisor panel', description: 'every region, filters, chart, copyable summary', key: undefined };
    const items: (vscode.QuickPickItem & { key?: string })[] = [
      openPanel,
      { label: `Lowest emissions for ${formatEnergy(ranked.run.energyKWh)}`, kind: vscode.QuickPickItemKind.Separator },
      ...rows.map((row) => ({ ...regionPickTexts(row), key: regionKey(row) })),
    ];
    const origin = ranked.ranking.origin;
    const picked = await vscode.window.showQuickPick(items, {
      title: TITLE,
      placeHolder: origin?.emissionsKg !== undefined
        ? `Here (${origin.label}) this run emitted ${formatEmissions(origin.emissionsKg)}; pick a region to see it in the panel`
        : 'Pick a region to see it in the panel',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked) return;
    this.show(picked.key);
  }

  /** Opens the panel on the current run (the newest stored one when none was ranked yet). */
  show(highlighted?: string): void {
    this.highlighted = highlighted;
    if (this.panel) {
      this.panel.reveal();
      void this.postSnapshot();
      return;
    }
    const roots = [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')];
    const panel = vscode.window.createWebviewPanel(RegionAdvisor.viewType, 'Region Advisor', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: roots,
    });
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    const uri = (...path: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...path)).toString();
    panel.webview.html = renderRegionAdvisorHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: uri('dist', 'regionAdvisor.js'),
      panelStyleUri: uri('media', 'panel.css'),
      styleUri: uri('media', 'regionAdvisor.css'),
      codiconsUri: uri('dist', 'codicons', 'codicon.css'),
    });
    const subscriptions = [
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => {
        for (const subscription of subscriptions) subscription.dispose();
        this.panel = undefined;
      }),
    ];
  }

  /** The run to rank: the only stored one, else the user's pick with the newest first. */
  private async pickRun(): Promise<string | undefined> {
    const runs = await this.storedRuns();
    const [newest] = runs;
    if (!newest) {
      const track = 'Track Task…';
      const choice = await vscode.window.showInformationMessage('Carbon Meter: no run is stored yet. Track a task first, then ask where it would emit least.', track);
      if (choice === track) await vscode.commands.executeCommand(CommandId.trackTask);
      return undefined;
    }
    if (runs.length === 1) return newest.id;
    const describe = (run: RunSummary) => `${new Date(run.startedAtMs).toLocaleString()} · ${formatEnergy(run.energyKWh)} · ${formatEmissions(run.emissionsKg)} in ${run.countryName}`;
    const picked = await vscode.window.showQuickPick([
      { label: '$(history) Newest run', description: newest.command, detail: describe(newest), id: newest.id },
      { label: 'Stored runs', kind: vscode.QuickPickItemKind.Separator, id: '' },
      ...runs.map((run) => ({ label: run.experimentName, description: run.command, detail: `${run.id.slice(0, 8)} · ${describe(run)}`, id: run.id })),
    ], { title: TITLE, placeHolder: 'Which run\'s energy to rank the cloud regions for', matchOnDescription: true, matchOnDetail: true });
    return picked?.id || undefined;
  }

  private async storedRuns(): Promise<readonly RunSummary[]> {
    const { runs, problems } = await this.tracker.currentEngine().store.listRuns();
    if (problems.length > 0) console.warn('Carbon Meter: unreadable run files', problems);
    return runs.filter((run) => run.energyKWh > 0);
  }

  /** Reads the run and ranks every region for its energy, with its location as here. */
  private async load(runId: string): Promise<Ranked | undefined> {
    let record: RunRecord;
    try {
      record = await this.tracker.currentEngine().store.readRun(runId);
    } catch (error) {
      void vscode.window.showWarningMessage(`Carbon Meter: could not read run ${runId}: ${(error as Error).message}`);
      return undefined;
    }
    this.current = this.rank(record);
    return this.current;
  }

  /**
   * Ranks under the current filters, first dropping what cannot apply to this run: a distance when here
   * has no coordinates, a provider or country the table lacks. Here's coordinates are found as the CLI's
   * `regions --run` finds them: the run's cloud region, else the system time zone's city in the run's country.
   */
  private rank(record: RunRecord): Ranked {
    const data = this.tracker.currentEngine().data;
    const origin = originFromPlace(record, data, { timeZone: systemTimeZone(), zoneTabPath: DEFAULT_ZONE_TAB_PATH });
    this.filters = usableFilters(this.filters, data.cloudRegions, origin.coordinates !== undefined);
    const ranking = rankRegions(data.cloudRegions, { energyKWh: record.energyKWh, origin }, engineFilters(this.filters));
    return {
      record,
      run: { id: record.id, command: record.command.slice(0, 500), startedAtMs: record.startedAtMs, energyKWh: record.energyKWh },
      ranking,
    };
  }

  /** Every message is parsed, never trusted; a malformed one or a failing handler is logged, never thrown. */
  private async receive(raw: unknown): Promise<void> {
    const checked = checkAdvisorPanelToHost(raw);
    if (!checked.ok) {
      // The reason, not the message: a hostile or runaway panel could send megabytes.
      console.warn(`Carbon Meter: dropped a malformed message from the Region Advisor: ${checked.reason}`);
      return;
    }
    try {
      await this.handle(checked.message);
    } catch (error) {
      console.error(`Carbon Meter: the Region Advisor's "${checked.message.type}" request failed`, error);
    }
  }

  private async handle(message: AdvisorPanelToHostMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (message.protocolVersion !== REGION_ADVISOR_PROTOCOL_VERSION) {
          console.warn(`Carbon Meter: Region Advisor speaks protocol ${message.protocolVersion}, host ${REGION_ADVISOR_PROTOCOL_VERSION}`);
        }
        await this.postSnapshot();
        await this.postLiveIntensity();
        return;
      case 'setFilters': {
        // rank() drops what cannot apply (an unknown provider or country, a distance without coordinates).
        this.filters = message.filters;
        this.highlighted = undefined;
        if (this.current) this.current = this.rank(this.current.record);
        await this.postSnapshot();
        return;
      }
      case 'copySummary':
        await this.copySummary();
        return;
      default:
        assertNever(message);
    }
  }

  private async postSnapshot(): Promise<void> {
    if (!this.current) {
      const [newest] = await this.storedRuns().catch(() => []);
      if (newest) await this.load(newest.id);
    }
    const live = this.current ? await this.live.provider() : undefined;
    this.post(advisorSnapshot({
      run: this.current?.run,
      ranking: this.current?.ranking,
      filters: this.filters,
      regions: this.tracker.currentEngine().data.cloudRegions,
      countries: this.tracker.currentEngine().data.countries,
      highlighted: this.highlighted,
      liveIntensityNote: live && 'reason' in live ? live.reason : undefined,
    }));
  }

  /** Here's intensity now, when the user turned live data on and stored a key; never rejects. */
  private async postLiveIntensity(): Promise<void> {
    if (!this.current) return;
    const choice = await this.live.provider();
    if (!('provider' in choice)) return;
    const { record } = this.current;
    const zone = liveZoneFor(record.location, this.tracker.currentEngine().data);
    const reading = await readLatestIntensity(choice.provider, zone?.zone, {
      gramsPerKWh: record.intensity.gramsPerKWh, source: record.intensity.source, year: record.intensity.year,
    });
    this.post({
      type: 'liveIntensity',
      reading: { live: reading.live, gramsPerKWh: reading.gramsPerKWh, source: reading.source.slice(0, 500), atMs: reading.atMs, note: reading.fallbackReason?.slice(0, 500) },
    });
  }

  private async copySummary(): Promise<void> {
    const current = this.current;
    const snapshot = current && advisorSnapshot({ run: current.run, ranking: current.ranking, filters: this.filters, regions: [] });
    if (!current || snapshot?.type !== 'snapshot' || !snapshot.origin) {
      void vscode.window.showWarningMessage('Carbon Meter: no ranking to copy yet.');
      return;
    }
    await vscode.env.clipboard.writeText(regionSummaryMarkdown({ run: current.run, origin: snapshot.origin, rows: snapshot.rows, filters: this.filters }));
    void vscode.window.showInformationMessage('Carbon Meter: region summary copied to the clipboard (Markdown).');
  }

  /** Dropped while the panel is hidden: it reloads from a snapshot when shown again. */
  private post(message: AdvisorHostToPanelMessage): void {
    if (!this.panel?.visible) return;
    void this.panel.webview.postMessage(message);
  }
}
