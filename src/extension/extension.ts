import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { ELECTRICITY_MAPS_API_URL } from '../engine/intensity/electricityMapsProvider';
import { CarbonPanel } from './panel/carbonPanel';
import { LiveIntensity } from './regionAdvisor/liveIntensity';
import { RegionAdvisor } from './regionAdvisor/regionAdvisorPanel';
import { ReportExporter } from './reports/reportExporter';
import { SettingsReader } from './settings/settingsReader';
import { StatusBarCounter } from './statusBar';
import { RunTracker } from './tracking/runTracker';
import { TaskTracker } from './tracking/taskTracker';
import { TerminalTracker } from './tracking/terminalTracker';

let tracker: RunTracker | undefined;

/** Only wires the surfaces; nothing here reads the machine or the data tables (they load on first use). */
export function activate(context: vscode.ExtensionContext): void {
  const warn = (message: string) => void vscode.window.showWarningMessage(`Carbon Meter: ${message}`);
  const settings = new SettingsReader(warn);
  const workspaceFolder = () => vscode.workspace.workspaceFolders?.[0]?.uri;
  tracker = new RunTracker(settings.current, {
    dataDir: vscode.Uri.joinPath(context.extensionUri, 'data').fsPath,
    defaultStorageDir: (context.storageUri ?? context.globalStorageUri).fsPath,
    sysfsRoot: '/sys',
    procRoot: '/proc',
    env: process.env,
    workspaceDir: () => {
      const folder = workspaceFolder();
      return folder?.scheme === 'file' ? folder.fsPath : undefined;
    },
    isWorkspaceTrusted: () => vscode.workspace.isTrusted,
    showWarning: warn,
  });
  const runTracker = tracker;
  const statusBar = new StatusBarCounter(runTracker);
  const exporter = new ReportExporter(runTracker, workspaceFolder);
  const panel = new CarbonPanel(context.extensionUri, runTracker, exporter);
  const tasks = new TaskTracker(runTracker, () => settings.current);
  const terminals = new TerminalTracker(runTracker);
  const liveIntensity = new LiveIntensity({
    secrets: context.secrets,
    enabled: () => settings.current.liveIntensity,
    cacheDir: vscode.Uri.joinPath(context.globalStorageUri, 'intensity').fsPath,
    // The same override as the CLI's, for a proxy or a local test server.
    baseUrl: process.env.CARBON_METER_ELECTRICITY_MAPS_URL || ELECTRICITY_MAPS_API_URL,
  });
  const advisor = new RegionAdvisor(context.extensionUri, runTracker, liveIntensity);
  context.subscriptions.push(
    settings, runTracker, statusBar, panel, tasks, terminals, advisor,
    settings.onDidChange((current) => {
      runTracker.updateSettings(current);
      statusBar.update();
    }),
    registerCommands({ tracker: runTracker, tasks, terminals, panel, exporter, advisor, liveIntensity }),
  );
  // After activation returns: the first status text reads the intensity table, runs a crashed window
  // left behind are recovered as `interrupted`, and the power sources are probed once, so a task's run
  // starts within a tick of its process rather than after the probe (a second or more on a busy machine).
  setTimeout(() => {
    statusBar.update();
    const engine = runTracker.currentEngine();
    void engine.store.recoverInterrupted().catch((error: Error) => warn(`could not recover interrupted runs: ${error.message}`));
    void engine.powerSources().catch((error: Error) => console.error('Carbon Meter: probing the power sources failed', error));
  }, 0);
}

/** Runs still going are stored as interrupted, with every sample they have. */
export async function deactivate(): Promise<void> {
  await tracker?.finishAll('interrupted');
  tracker = undefined;
}
