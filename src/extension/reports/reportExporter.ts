import * as vscode from 'vscode';
import type { EmbodiedData } from '../../engine/lifecycle/embodiedData';
import { formatRunReport, RunReportFormat } from '../../engine/reports/formatRunReport';
import { computeEquivalents } from '../../engine/reports/equivalents';
import { formatMarkdownImpactStatement } from '../../engine/reports/markdownReport';
import type { RunRecord } from '../../engine/reports/runRecord';
import type { RunTracker } from '../tracking/runTracker';
import { FORMAT_CHOICES, formatChoice, reportFileName, runChoice } from './reportChoices';

/**
 * "Export Run Report…" and "Copy Impact Statement": pick a stored run and a format, save the file
 * where the user says, and offer to open it.
 */
export class ReportExporter {
  constructor(private readonly tracker: RunTracker, private readonly defaultFolder: () => vscode.Uri | undefined) {}

  /** Both arguments are optional: the panel passes them, the command palette asks for them. */
  async export(runId?: string, format?: RunReportFormat): Promise<vscode.Uri | undefined> {
    const record = await this.loadRun(runId, 'Export Run Report');
    if (!record) return undefined;
    const chosenFormat = format ?? (await vscode.window.showQuickPick(FORMAT_CHOICES.map((choice) => ({ ...choice })), {
      title: 'Carbon Meter: Export Run Report', placeHolder: 'Pick a format',
    }))?.format;
    if (!chosenFormat) return undefined;
    const choice = formatChoice(chosenFormat);
    const folder = this.defaultFolder();
    const target = await vscode.window.showSaveDialog({
      title: `Carbon Meter: save the ${choice.label} report`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, reportFileName(record.id, chosenFormat)) : undefined,
      filters: { [choice.filterName]: [choice.extension] },
      saveLabel: 'Export',
    });
    if (!target) return undefined;
    const text = formatRunReport(record, chosenFormat, this.equivalents(), this.embodied());
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    } catch (error) {
      void vscode.window.showErrorMessage(`Carbon Meter: could not write ${target.fsPath}: ${(error as Error).message}`);
      return undefined;
    }
    let copied = '';
    if (chosenFormat === 'md') {
      await vscode.env.clipboard.writeText(this.statement(record));
      copied = ' The impact statement is on the clipboard.';
    }
    void vscode.window.showInformationMessage(`Carbon Meter: report saved to ${vscode.workspace.asRelativePath(target)}.${copied}`, 'Open').then((action) => {
      if (action === 'Open') void vscode.commands.executeCommand('vscode.open', target);
    });
    return target;
  }

  /** Copies a run's Markdown impact statement to the clipboard. */
  async copyImpactStatement(runId?: string): Promise<string | undefined> {
    const record = await this.loadRun(runId, 'Copy Impact Statement');
    if (!record) return undefined;
    const statement = this.statement(record);
    await vscode.env.clipboard.writeText(statement);
    void vscode.window.showInformationMessage('Carbon Meter: impact statement copied to the clipboard.');
    return statement;
  }

  private statement(record: RunRecord): string {
    return formatMarkdownImpactStatement(record, computeEquivalents(record.emissionsKg, { provenance: undefined, equivalents: this.equivalents() }));
  }

  private equivalents() {
    return this.tracker.currentEngine().data.equivalents;
  }

  /** The embodied figures for the Markdown and HTML reports; a broken data file leaves the section out. */
  private embodied(): { data: EmbodiedData } | undefined {
    try {
      return { data: this.tracker.currentEngine().embodiedData };
    } catch (error) {
      console.warn('Carbon Meter: embodied data unavailable', (error as Error).message);
      return undefined;
    }
  }

  /** The given run, or one the user picks among the stored runs, newest first. */
  private async loadRun(runId: string | undefined, title: string): Promise<RunRecord | undefined> {
    const store = this.tracker.currentEngine().store;
    try {
      if (runId) return await store.readRun(runId);
      const { runs, problems } = await store.listRuns();
      if (problems.length > 0) console.warn('Carbon Meter: unreadable run files', problems);
      if (runs.length === 0) {
        void vscode.window.showInformationMessage('Carbon Meter: no finished runs yet. Track a task or a terminal command first.');
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(runs.map((run) => runChoice(run, (ms) => new Date(ms).toLocaleString())), {
        title: `Carbon Meter: ${title}`, placeHolder: 'Pick a run', matchOnDescription: true, matchOnDetail: true,
      });
      return picked ? await store.readRun(picked.runId) : undefined;
    } catch (error) {
      void vscode.window.showErrorMessage(`Carbon Meter: could not read the run: ${(error as Error).message}`);
      return undefined;
    }
  }
}
