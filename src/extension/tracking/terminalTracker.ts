import * as vscode from 'vscode';
import { DisposableObject } from '../disposableObject';
import type { ActiveRun, RunTracker } from './runTracker';

/** How long to wait for shell integration before telling the user it is missing. */
const SHELL_INTEGRATION_TIMEOUT_MS = 5_000;

/**
 * "Track Terminal Commands": every command run in a tracked terminal becomes a run, through terminal
 * shell integration (`onDidStartTerminalShellExecution` / `…End…`, VS Code ≥ 1.93). The tracked tree
 * is the terminal's shell: the command runs as its child, and the shell's own idle time is negligible.
 */
export class TerminalTracker extends DisposableObject {
  private readonly trackedTerminals = new Set<vscode.Terminal>();
  private readonly runs = new Map<vscode.TerminalShellExecution, Promise<ActiveRun | undefined>>();
  private readonly terminalOfExecution = new WeakMap<vscode.TerminalShellExecution, vscode.Terminal>();

  constructor(private readonly tracker: RunTracker) {
    super();
    this.register(vscode.window.onDidStartTerminalShellExecution((event) => this.onExecutionStarted(event)));
    this.register(vscode.window.onDidEndTerminalShellExecution((event) => void this.onExecutionEnded(event.execution, event.exitCode)));
    this.register(vscode.window.onDidCloseTerminal((terminal) => this.trackedTerminals.delete(terminal)));
  }

  isTracked(terminal: vscode.Terminal): boolean {
    return this.trackedTerminals.has(terminal);
  }

  /**
   * Tracks the given terminal; from the palette, a new one, or one the user picks among the open
   * terminals that are not tracked yet (a task's terminal is a poor choice, so nothing is picked silently).
   */
  async trackTerminal(target?: vscode.Terminal): Promise<void> {
    const terminal = target ?? await this.pickTerminal();
    if (!terminal) return;
    this.trackedTerminals.add(terminal);
    terminal.show();
    void vscode.window.setStatusBarMessage(`$(pulse) Carbon Meter: each command in terminal "${terminal.name}" is now measured`, 5_000);
    if (!terminal.shellIntegration && !(await this.waitForShellIntegration(terminal))) {
      void vscode.window.showWarningMessage(
        `Carbon Meter: terminal "${terminal.name}" has no shell integration, so its commands cannot be seen. `
        + 'Use bash, zsh, fish or PowerShell with "terminal.integrated.shellIntegration.enabled", or run the command as a task.');
    }
  }

  private async pickTerminal(): Promise<vscode.Terminal | undefined> {
    const untracked = vscode.window.terminals.filter((terminal) => !this.trackedTerminals.has(terminal));
    const createNew = () => vscode.window.createTerminal({ name: 'Carbon Meter' });
    if (untracked.length === 0) return createNew();
    const active = vscode.window.activeTerminal;
    const picked = await vscode.window.showQuickPick([
      { label: '$(add) New terminal', description: 'named "Carbon Meter"', terminal: undefined },
      ...untracked.map((terminal) => ({ label: `$(terminal) ${terminal.name}`, description: terminal === active ? 'active' : '', terminal })),
    ], { title: 'Carbon Meter: Track Terminal Commands', placeHolder: 'Which terminal\'s commands should be measured?' });
    if (!picked) return undefined;
    return picked.terminal ?? createNew();
  }

  /** Stops tracking the terminals of these runs; their commands' runs end now, as interrupted. */
  async untrack(runIds: ReadonlySet<string>): Promise<void> {
    for (const [execution, pending] of [...this.runs]) {
      const run = await pending;
      if (!run || !runIds.has(run.id)) continue;
      this.runs.delete(execution);
      const terminal = this.terminalOfExecution.get(execution);
      if (terminal) this.trackedTerminals.delete(terminal);
      await this.tracker.finish(run.id, { exitCode: undefined, status: 'interrupted' });
    }
  }

  private waitForShellIntegration(terminal: vscode.Terminal): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        listener.dispose();
        resolve(false);
      }, SHELL_INTEGRATION_TIMEOUT_MS);
      const listener = vscode.window.onDidChangeTerminalShellIntegration((event) => {
        if (event.terminal !== terminal) return;
        clearTimeout(timer);
        listener.dispose();
        resolve(true);
      });
    });
  }

  private onExecutionStarted(event: vscode.TerminalShellExecutionStartEvent): void {
    if (!this.trackedTerminals.has(event.terminal)) return;
    this.terminalOfExecution.set(event.execution, event.terminal);
    const commandLine = event.execution.commandLine.value.trim();
    this.runs.set(event.execution, (async () => {
      const shellPid = await event.terminal.processId;
      if (shellPid === undefined) {
        void vscode.window.showWarningMessage(`Carbon Meter: terminal "${event.terminal.name}" has no process to measure.`);
        return undefined;
      }
      return this.tracker.start({ origin: 'terminal', command: commandLine || '(unknown command)', experimentName: 'terminal', rootPid: shellPid });
    })());
  }

  private async onExecutionEnded(execution: vscode.TerminalShellExecution, exitCode: number | undefined): Promise<void> {
    const pending = this.runs.get(execution);
    if (!pending) return;
    this.runs.delete(execution);
    const run = await pending;
    if (run) await this.tracker.finish(run.id, { exitCode, status: 'finished' });
  }
}
