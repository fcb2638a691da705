import { randomBytes } from '../../engine/system/randomIds';
import * as vscode from 'vscode';
import type { CarbonEngine } from '../../engine/engine';
import { computeRunEmbodied, type RunEmbodied } from '../../engine/lifecycle/runEmbodied';
import type { PowerDiagnostics } from '../../engine/powerSources/powerSource';
import type { RunRecord } from '../../engine/reports/runRecord';
import {
  assertNever, checkPanelToHost, DiagnosticsView, HostToPanelMessage, PanelToHostMessage, PROTOCOL_VERSION, RunView,
} from '../../protocol/panelMessages';
import { CommandId } from '../commandIds';
import { DisposableObject } from '../disposableObject';
import type { ReportExporter } from '../reports/reportExporter';
import type { ActiveRun, RunTracker } from '../tracking/runTracker';
import { renderPanelHtml } from './panelHtml';
import { diagnosticsView, projectsView, runViewFromActive, runViewFromRecord, sampleView, summaryViewFromRecord, summaryViewsFromStore } from './runViews';

/**
 * The Carbon Meter panel's host side: one webview panel, rebuilt from a snapshot whenever it (re)loads
 * (no retainContextWhenHidden), fed samples of the run it shows while it is visible.
 */
export class CarbonPanel extends DisposableObject {
  static readonly viewType = 'carbonMeter.panel';

  private panel: vscode.WebviewPanel | undefined;
  /** The run whose samples are streamed: the one the last snapshot showed. */
  private shownRunId: string | undefined;
  private diagnostics: DiagnosticsView | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly tracker: RunTracker,
    private readonly exporter: ReportExporter,
  ) {
    super();
    this.register({ dispose: () => this.panel?.dispose() });
    this.register(tracker.onDidSample(({ run, sample }) => {
      if (run.id === this.shownRunId) this.post({ type: 'sample', sample: sampleView(run.id, sample) });
    }));
    this.register(tracker.onDidChangeRuns(() => void this.postSnapshot()));
    this.register(tracker.onDidFinishRun((record) => {
      this.post({ type: 'runFinished', summary: summaryViewFromRecord(record) });
    }));
  }

  /** Opens the panel, or brings it forward. */
  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const roots = [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')];
    const panel = vscode.window.createWebviewPanel(CarbonPanel.viewType, 'Carbon Meter', vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: roots,
    });
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    panel.webview.html = this.html(panel.webview);
    const subscriptions = [
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => {
        for (const subscription of subscriptions) subscription.dispose();
        this.panel = undefined;
        this.shownRunId = undefined;
      }),
    ];
  }

  private html(webview: vscode.Webview): string {
    const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...path)).toString();
    return renderPanelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: uri('dist', 'webview.js'),
      styleUri: uri('media', 'panel.css'),
      codiconsUri: uri('dist', 'codicons', 'codicon.css'),
    });
  }

  /** Every message is parsed, never trusted; a malformed one or a failing handler is logged, never thrown. */
  private async receive(raw: unknown): Promise<void> {
    const checked = checkPanelToHost(raw);
    if (!checked.ok) {
      // The reason, not the message: a hostile or runaway panel could send megabytes.
      console.warn(`Carbon Meter: dropped a malformed message from the panel: ${checked.reason}`);
      return;
    }
    try {
      await this.handle(checked.message);
    } catch (error) {
      console.error(`Carbon Meter: the panel's "${checked.message.type}" request failed`, error);
    }
  }

  private async handle(message: PanelToHostMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (message.protocolVersion !== PROTOCOL_VERSION) {
          console.warn(`Carbon Meter: panel speaks protocol ${message.protocolVersion}, host ${PROTOCOL_VERSION}`);
        }
        await this.postSnapshot();
        return;
      case 'refresh':
        await this.postSnapshot();
        return;
      case 'selectRun': {
        const run = await this.runView(message.runId);
        if (run) this.post({ type: 'runDetails', run });
        return;
      }
      case 'exportReport':
        await this.exporter.export(message.runId, message.format);
        return;
      case 'openDiagnostics':
        await vscode.commands.executeCommand(CommandId.showDiagnostics);
        return;
      default:
        assertNever(message);
    }
  }

  /** The newest active run, else the newest stored one, the history and the diagnostics. */
  private async postSnapshot(): Promise<void> {
    // A hidden panel is rebuilt from a fresh snapshot when shown (it sends `ready`): no store scan for it now.
    if (!this.panel?.visible) return;
    const active = this.newestActiveRun();
    const engine = this.tracker.currentEngine();
    const { runs, problems } = await engine.store.listRuns().catch((error: Error) => ({ runs: [], problems: [{ file: engine.store.runsDirectory, message: error.message }] }));
    if (problems.length > 0) console.warn('Carbon Meter: unreadable run files', problems);
    let run: RunView | undefined;
    if (active) run = this.activeRunView(active);
    else if (runs[0]) run = await this.runView(runs[0].id);
    this.shownRunId = run?.summary.id;
    this.post({ type: 'snapshot', run, recentRuns: summaryViewsFromStore(runs), diagnostics: this.diagnostics, projects: projectsView(runs) });
    if (!this.diagnostics) void this.loadDiagnostics();
  }

  private async loadDiagnostics(): Promise<void> {
    let diagnostics: PowerDiagnostics;
    try {
      diagnostics = (await this.tracker.currentEngine().powerSources()).diagnostics;
    } catch (error) {
      console.error('Carbon Meter: could not probe the power sources', error);
      return;
    }
    this.diagnostics = diagnosticsView(diagnostics);
    await this.postSnapshot();
  }

  private newestActiveRun(): ActiveRun | undefined {
    return [...this.tracker.activeRuns].sort((a, b) => b.session.header.startedAtMs - a.session.header.startedAtMs)[0];
  }

  private activeRunView(run: ActiveRun): RunView {
    // The session's downsampled series: a few thousand samples however long the run (RUN_SERIES_TIERS).
    return runViewFromActive(run.session.header, run.session.samples, run.session.totals, run.engine.data.equivalents);
  }

  private async runView(runId: string): Promise<RunView | undefined> {
    const active = this.tracker.activeRuns.find((run) => run.id === runId);
    if (active) return this.activeRunView(active);
    const engine = this.tracker.currentEngine();
    try {
      const record = await engine.store.readRun(runId);
      return runViewFromRecord(record, engine.data.equivalents, embodiedOf(record, engine));
    } catch (error) {
      void vscode.window.showWarningMessage(`Carbon Meter: could not read run ${runId}: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Dropped while the panel is hidden: it reloads from a snapshot when shown again. */
  private post(message: HostToPanelMessage): void {
    if (!this.panel?.visible) return;
    void this.panel.webview.postMessage(message);
  }
}

/** A finished run's embodied share, or undefined (and a console note) when the data or the machine give none. */
function embodiedOf(record: RunRecord, engine: CarbonEngine): RunEmbodied | undefined {
  try {
    return computeRunEmbodied(record, engine.embodiedData);
  } catch (error) {
    console.warn(`Carbon Meter: no embodied share for run ${record.id}: ${(error as Error).message}`);
    return undefined;
  }
}
