/**
 * The parts of the `vscode` API the extension touches, for unit tests in plain Node: configuration with
 * user, workspace and folder layers (inspect() as VS Code answers it), workspace trust, webview panels
 * that record their options and what is posted, and messages a test can send as a webview would.
 * `get()` merges the layers without any regard for trust or scope, the worst VS Code could do, so a test
 * proves the extension's own rules. Loaded in place of `vscode` by useFakeVscode.ts; `fake.reset()` between tests.
 */
import { join } from 'node:path';

export { Disposable, EventEmitter, MarkdownString, StatusBarAlignment, Uri, ViewColumn } from '../../fixtures/vscodeValues';
import { EventEmitter, Uri, type Listener } from '../../fixtures/vscodeValues';
export const QuickPickItemKind = { Separator: -1, Default: 0 };
export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 };

/** One `carbonMeter.*` setting's layers, as `inspect()` reports them. */
export interface SettingLayers {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface FakeWebviewPanel {
  readonly viewType: string;
  readonly options: { enableScripts?: boolean; localResourceRoots?: Uri[]; retainContextWhenHidden?: boolean };
  readonly html: string;
  readonly posted: unknown[];
  /** Delivers a message as the webview would: a structured clone (here JSON), or as given with `raw`. */
  send(message: unknown, raw?: boolean): void;
  dispose(): void;
}

function createState() {
  return {
    isTrusted: true,
    workspaceFolders: undefined as { uri: Uri; name: string; index: number }[] | undefined,
    /** By full key, e.g. `carbonMeter.storageLocation`. */
    settings: new Map<string, SettingLayers>(),
    messages: [] as { level: 'info' | 'warning' | 'error'; text: string }[],
    executedCommands: [] as string[],
    executedTasks: [] as unknown[],
    fetchTasksCalls: 0,
    /** The options of each input box shown, to check what it asks and validates. */
    inputBoxes: [] as unknown[],
    panels: [] as FakeWebviewPanel[],
    commands: new Map<string, (...args: unknown[]) => unknown>(),
    secrets: new Map<string, string>(),
    onDidChangeConfiguration: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
    onDidGrantWorkspaceTrust: new EventEmitter<void>(),
    taskProcessStarted: new EventEmitter<unknown>(),
    taskProcessEnded: new EventEmitter<unknown>(),
    taskEnded: new EventEmitter<unknown>(),
    /** What showWarningMessage, showInformationMessage and showQuickPick answer. */
    answer: undefined as unknown,
  };
}

/** What a test controls and reads. */
export const fake = {
  ...createState(),
  reset(): void {
    Object.assign(fake, createState());
  },
  /** Sets one layer of a setting and tells listeners, as editing settings.json does. */
  set(key: string, layer: keyof SettingLayers, value: unknown): void {
    fake.settings.set(key, { ...fake.settings.get(key), [layer]: value });
    fake.onDidChangeConfiguration.fire({ affectsConfiguration: (section) => key === section || key.startsWith(`${section}.`) });
  },
  grantTrust(): void {
    fake.isTrusted = true;
    fake.onDidGrantWorkspaceTrust.fire();
  },
};

const noEvent = () => ({ dispose: () => undefined });
const record = (level: 'info' | 'warning' | 'error') => async (text: string) => {
  fake.messages.push({ level, text });
  return fake.answer;
};

export const window = {
  createStatusBarItem: () => ({ name: '', command: '', text: '', tooltip: undefined as unknown, show: () => undefined, hide: () => undefined, dispose: () => undefined }),
  showWarningMessage: record('warning'),
  showInformationMessage: record('info'),
  showErrorMessage: record('error'),
  showQuickPick: async () => fake.answer,
  showInputBox: async (options: unknown) => {
    fake.inputBoxes.push(options);
    return fake.answer;
  },
  setStatusBarMessage: () => ({ dispose: () => undefined }),
  createWebviewPanel: (viewType: string, _title: string, _column: number, options: FakeWebviewPanel['options']) => {
    const disposeEmitter = new EventEmitter<void>();
    const receiveEmitter = new EventEmitter<unknown>();
    const posted: unknown[] = [];
    const webview = {
      html: '',
      cspSource: 'https://test.vscode-cdn.net',
      asWebviewUri: (uri: Uri) => uri,
      onDidReceiveMessage: receiveEmitter.event,
      postMessage: async (message: unknown) => {
        posted.push(JSON.parse(JSON.stringify(message)));
        return true;
      },
    };
    const panel = {
      visible: true,
      iconPath: undefined as unknown,
      reveal: () => undefined,
      dispose: () => disposeEmitter.fire(),
      onDidDispose: disposeEmitter.event,
      webview,
    };
    fake.panels.push({
      viewType,
      options,
      get html() { return webview.html; },
      posted,
      send: (message, raw) => receiveEmitter.fire(raw ? message : JSON.parse(JSON.stringify(message))),
      dispose: () => panel.dispose(),
    });
    return panel;
  },
  onDidStartTerminalShellExecution: noEvent,
  onDidEndTerminalShellExecution: noEvent,
  onDidCloseTerminal: noEvent,
  onDidChangeTerminalShellIntegration: noEvent,
  terminals: [] as unknown[],
  activeTerminal: undefined,
};

export const workspace = {
  get isTrusted(): boolean {
    return fake.isTrusted;
  },
  onDidGrantWorkspaceTrust: (listener: () => void) => fake.onDidGrantWorkspaceTrust.event(listener),
  get workspaceFolders(): { uri: Uri; name: string; index: number }[] | undefined {
    return fake.workspaceFolders;
  },
  getConfiguration: (section: string) => {
    const layers = (key: string): SettingLayers => fake.settings.get(`${section}.${key}`) ?? {};
    return {
      get: (key: string) => {
        const { workspaceFolderValue, workspaceValue, globalValue, defaultValue } = layers(key);
        return workspaceFolderValue ?? workspaceValue ?? globalValue ?? defaultValue;
      },
      inspect: (key: string) => ({ key: `${section}.${key}`, ...layers(key) }),
      update: async (key: string, value: unknown) => fake.set(`${section}.${key}`, 'globalValue', value),
    };
  },
  onDidChangeConfiguration: (listener: Listener<{ affectsConfiguration(section: string): boolean }>) => fake.onDidChangeConfiguration.event(listener),
  asRelativePath: (uri: Uri) => uri.fsPath,
};

export const tasks = {
  onDidStartTaskProcess: (listener: Listener<unknown>) => fake.taskProcessStarted.event(listener),
  onDidEndTaskProcess: (listener: Listener<unknown>) => fake.taskProcessEnded.event(listener),
  onDidEndTask: (listener: Listener<unknown>) => fake.taskEnded.event(listener),
  fetchTasks: async () => {
    fake.fetchTasksCalls++;
    return [];
  },
  executeTask: async (task: unknown) => {
    fake.executedTasks.push(task);
    return { task, terminate: () => undefined };
  },
};

export const commands = {
  registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
    fake.commands.set(id, handler);
    return { dispose: () => fake.commands.delete(id) };
  },
  executeCommand: async (id: string, ...args: unknown[]) => {
    fake.executedCommands.push(id);
    return fake.commands.get(id)?.(...args);
  },
};

export const env = { clipboard: { writeText: async () => undefined } };

/** An ExtensionContext over temporary folders; SecretStorage is `fake.secrets`. */
export function fakeContext(extensionPath: string, storagePath: string) {
  return {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: Uri.file(extensionPath),
    storageUri: Uri.file(join(storagePath, 'workspace')),
    globalStorageUri: Uri.file(join(storagePath, 'global')),
    secrets: {
      get: async (key: string) => fake.secrets.get(key),
      store: async (key: string, value: string) => void fake.secrets.set(key, value),
      delete: async (key: string) => void fake.secrets.delete(key),
      onDidChange: noEvent,
    },
  };
}
