import * as vscode from 'vscode';
import { formatEmissions } from '../engine/reports/formatQuantities';
import { CommandId } from './commandIds';
import { showDiagnosticsDocument } from './diagnosticsDocument';
import type { CarbonPanel } from './panel/carbonPanel';
import type { LiveIntensity } from './regionAdvisor/liveIntensity';
import type { RegionAdvisor } from './regionAdvisor/regionAdvisorPanel';
import type { ReportExporter } from './reports/reportExporter';
import type { RunTracker } from './tracking/runTracker';
import type { TaskTracker } from './tracking/taskTracker';
import type { TerminalTracker } from './tracking/terminalTracker';

export interface CommandTargets {
  readonly tracker: RunTracker;
  readonly tasks: TaskTracker;
  readonly terminals: TerminalTracker;
  readonly panel: CarbonPanel;
  readonly exporter: ReportExporter;
  readonly advisor: RegionAdvisor;
  readonly liveIntensity: LiveIntensity;
}

/** Registers every command of CommandId; each handler only calls into a surface. */
export function registerCommands(targets: CommandTargets): vscode.Disposable {
  const handlers: Record<CommandId, (...args: unknown[]) => unknown> = {
    [CommandId.trackTask]: () => targets.tasks.pickAndTrack(),
    [CommandId.trackTerminalCommands]: (terminal?: unknown) => targets.terminals.trackTerminal(isTerminal(terminal) ? terminal : undefined),
    [CommandId.stopTracking]: () => stopTracking(targets),
    [CommandId.openPanel]: () => targets.panel.show(),
    [CommandId.exportReport]: (runId?: unknown) => targets.exporter.export(typeof runId === 'string' ? runId : undefined),
    [CommandId.copyImpactStatement]: (runId?: unknown) => targets.exporter.copyImpactStatement(typeof runId === 'string' ? runId : undefined),
    [CommandId.showDiagnostics]: () => showDiagnosticsDocument(targets.tracker),
    [CommandId.recommendRegion]: (runId?: unknown) => targets.advisor.recommend(typeof runId === 'string' ? runId : undefined),
    [CommandId.setElectricityMapsKey]: () => targets.liveIntensity.promptForKey(),
  };
  return vscode.Disposable.from(...Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler)));
}

/** A terminal passed by a caller (a test, another extension); anything else is ignored. */
function isTerminal(value: unknown): value is vscode.Terminal {
  return vscode.window.terminals.includes(value as vscode.Terminal);
}

/** Stops one run or all: a task is terminated, a terminal is no longer tracked. */
async function stopTracking({ tracker, tasks, terminals }: CommandTargets): Promise<void> {
  const runs = tracker.activeRuns;
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('Carbon Meter: nothing is being tracked.');
    return;
  }
  let ids: Set<string>;
  if (runs.length === 1) {
    ids = new Set(runs.map((run) => run.id));
  } else {
    const all = { label: '$(debug-stop) Stop all', description: `${runs.length} runs`, ids: runs.map((run) => run.id) };
    const picked = await vscode.window.showQuickPick([all, ...runs.map((run) => ({
      label: run.command,
      description: `${run.origin} · ${formatEmissions(run.latestSample?.emissionsKg ?? 0)} so far`,
      ids: [run.id],
    }))], { title: 'Carbon Meter: Stop Tracking', placeHolder: 'Tasks are terminated; terminals stop being tracked' });
    if (!picked) return;
    ids = new Set(picked.ids);
  }
  tasks.terminate(ids);
  await terminals.untrack(ids);
}
