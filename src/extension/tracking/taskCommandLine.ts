import type * as vscode from 'vscode';

/**
 * The command line a task runs, for the run record and the reports; the task's name when the task
 * is a custom execution with no command of its own.
 */
export function taskCommandLine(task: Pick<vscode.Task, 'name' | 'execution'>): string {
  const execution = task.execution as { commandLine?: unknown; command?: unknown; process?: unknown; args?: unknown } | undefined;
  if (!execution) return task.name;
  if (typeof execution.commandLine === 'string' && execution.commandLine !== '') return execution.commandLine;
  const command = typeof execution.process === 'string' ? execution.process : argumentText(execution.command);
  if (command === undefined) return task.name;
  const args = Array.isArray(execution.args) ? execution.args.map(argumentText).filter((arg) => arg !== undefined) : [];
  return [command, ...args].join(' ');
}

/** A ShellQuotedString's value, or the plain string. */
function argumentText(argument: unknown): string | undefined {
  if (typeof argument === 'string') return argument;
  if (typeof argument === 'object' && argument !== null && typeof (argument as { value?: unknown }).value === 'string') {
    return (argument as { value: string }).value;
  }
  return undefined;
}

/** Identifies a task across fetchTasks and the start event: same source and name. */
export function taskKey(task: Pick<vscode.Task, 'name' | 'source'>): string {
  return `${task.source}\u0000${task.name}`;
}
