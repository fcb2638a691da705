import * as vscode from 'vscode';
import { DisposableObject } from '../disposableObject';
import type { CarbonMeterSettings } from '../settings/parseSettings';
import type { ActiveRun, RunTracker } from './runTracker';
import { taskCommandLine, taskKey } from './taskCommandLine';

/**
 * Tracks VS Code tasks: those started with "Track Task…", or every task when
 * `carbonMeter.autoTrackTasks` is on. The run's tree is the task's process (`onDidStartTaskProcess`
 * gives its PID); the run ends with the task's process and takes its exit code.
 */
export class TaskTracker extends DisposableObject {
  /** Tasks asked for by "Track Task…" whose process has not started yet. */
  private readonly requested = new Map<string, number>();
  /** Runs of live task executions; a promise because a very short task may end before its run has started. */
  private readonly runs = new Map<vscode.TaskExecution, Promise<ActiveRun | undefined>>();
  private readonly startedProcesses = new WeakSet<vscode.TaskExecution>();
  /** Executions ended by "Stop Tracking": their runs are interrupted whatever exit code the kill leaves. */
  private readonly stoppedByUser = new WeakSet<vscode.TaskExecution>();

  constructor(private readonly tracker: RunTracker, private readonly settings: () => CarbonMeterSettings) {
    super();
    this.register(vscode.tasks.onDidStartTaskProcess((event) => this.onProcessStarted(event)));
    this.register(vscode.tasks.onDidEndTaskProcess((event) => void this.onProcessEnded(event.execution, event.exitCode)));
    // A task whose process never started (bad command, cancelled) must not leave a stale request behind.
    this.register(vscode.tasks.onDidEndTask((event) => {
      if (!this.startedProcesses.has(event.execution)) this.consumeRequest(taskKey(event.execution.task));
      void this.onProcessEnded(event.execution, undefined);
    }));
  }

  /** "Track Task…": pick a task, run it, track it. */
  async pickAndTrack(): Promise<void> {
    // Listing tasks runs the workspace's task providers, and tracking one runs it: neither in Restricted Mode.
    if (!(await this.ensureTrusted())) return;
    let tasks: vscode.Task[];
    try {
      tasks = await vscode.tasks.fetchTasks();
    } catch (error) {
      void vscode.window.showErrorMessage(`Carbon Meter: could not list tasks: ${(error as Error).message}`);
      return;
    }
    if (tasks.length === 0) {
      const choice = await vscode.window.showInformationMessage(
        'Carbon Meter: this workspace has no tasks to track. Define one in .vscode/tasks.json, or track the commands of a terminal.',
        'Configure Task', 'Track Terminal Commands');
      if (choice === 'Configure Task') await vscode.commands.executeCommand('workbench.action.tasks.configureTaskRunner');
      if (choice === 'Track Terminal Commands') await vscode.commands.executeCommand('carbonMeter.trackTerminalCommands');
      return;
    }
    const picked = await vscode.window.showQuickPick(tasks.map((task) => ({
      label: task.name,
      description: task.source,
      detail: taskCommandLine(task),
      task,
    })), { title: 'Carbon Meter: Track Task', placeHolder: 'Pick a task to run and measure', matchOnDetail: true });
    if (!picked) return;
    await this.track(picked.task);
  }

  /** Runs the task and measures it. */
  async track(task: vscode.Task): Promise<void> {
    if (!(await this.ensureTrusted())) return;
    const key = taskKey(task);
    this.requested.set(key, (this.requested.get(key) ?? 0) + 1);
    try {
      await vscode.tasks.executeTask(task);
    } catch (error) {
      this.consumeRequest(key);
      void vscode.window.showErrorMessage(`Carbon Meter: could not run task "${task.name}": ${(error as Error).message}`);
    }
  }

  /** Ends the tracked runs of these task executions by terminating the tasks. */
  terminate(runIds: ReadonlySet<string>): void {
    for (const [execution, run] of this.runs) {
      void run.then((active) => {
        if (!active || !runIds.has(active.id)) return;
        this.stoppedByUser.add(execution);
        execution.terminate();
      });
    }
  }

  private onProcessStarted(event: vscode.TaskProcessStartEvent): void {
    const task = event.execution.task;
    this.startedProcesses.add(event.execution);
    const requested = this.consumeRequest(taskKey(task));
    if (!requested && !this.settings().autoTrackTasks) return;
    this.runs.set(event.execution, this.tracker.start({
      origin: 'task',
      command: taskCommandLine(task),
      experimentName: task.name,
      rootPid: event.processId,
    }));
  }

  private async onProcessEnded(execution: vscode.TaskExecution, exitCode: number | undefined): Promise<void> {
    const pending = this.runs.get(execution);
    if (!pending) return;
    this.runs.delete(execution);
    const run = await pending;
    // Stopped by the user, or no exit code (terminated, or its process vanished): the run was cut short.
    const interrupted = this.stoppedByUser.has(execution) || exitCode === undefined;
    if (run) await this.tracker.finish(run.id, { exitCode, status: interrupted ? 'interrupted' : 'finished' });
  }

  /** True in a trusted workspace; otherwise says why nothing runs and offers to manage trust. */
  private async ensureTrusted(): Promise<boolean> {
    if (vscode.workspace.isTrusted) return true;
    const manage = 'Manage Workspace Trust';
    const choice = await vscode.window.showWarningMessage(
      'Carbon Meter: this workspace is in Restricted Mode, so Carbon Meter runs none of its tasks. Trust the workspace to track a task, or track the commands of a terminal.',
      manage);
    if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return false;
  }

  private consumeRequest(key: string): boolean {
    const count = this.requested.get(key) ?? 0;
    if (count === 0) return false;
    if (count === 1) this.requested.delete(key);
    else this.requested.set(key, count - 1);
    return true;
  }
}
