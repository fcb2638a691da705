/**
 * The parts of the `vscode` API the extension touches, for the bench only: activation and sampling
 * cost are measured in plain Node, without an editor's own start-up in the figures. Events can be
 * fired from the bench (a task process starting), and webview messages are serialised as VS Code
 * serialises them (JSON), so their cost is counted.
 */
export { Disposable, EventEmitter, MarkdownString, StatusBarAlignment, Uri, ViewColumn } from '../../../test/fixtures/vscodeValues';
import { EventEmitter, Uri } from '../../../test/fixtures/vscodeValues';

/** What the bench controls and reads. */
export const bench = {
  settings: new Map<string, unknown>(),
  statusTexts: [] as string[],
  /** Status texts with watts in them: one per sample while something is tracked. */
  liveStatusCount: 0,
  onStatusText: new EventEmitter<string>(),
  postedBytes: 0,
  postedMessages: 0,
  warnings: [] as string[],
  panelReceive: undefined as undefined | ((message: unknown) => void),
  taskProcessStarted: new EventEmitter<unknown>(),
  taskProcessEnded: new EventEmitter<unknown>(),
  taskEnded: new EventEmitter<unknown>(),
  commands: new Map<string, (...args: unknown[]) => unknown>(),
};

const noEvent = () => ({ dispose: () => undefined });

export const window = {
  createStatusBarItem: () => {
    const item = {
      name: '', command: '', tooltip: undefined as unknown, show: () => undefined, hide: () => undefined, dispose: () => undefined,
      set text(value: string) {
        if (bench.statusTexts.length < 10) bench.statusTexts.push(value);
        else bench.statusTexts[bench.statusTexts.length - 1] = value;
        if (value.endsWith(' W')) bench.liveStatusCount++;
        bench.onStatusText.fire(value);
      },
      get text() { return bench.statusTexts[bench.statusTexts.length - 1] ?? ''; },
    };
    return item;
  },
  showWarningMessage: async (message: string) => { bench.warnings.push(message); return undefined; },
  showInformationMessage: async () => undefined,
  showErrorMessage: async (message: string) => { bench.warnings.push(message); return undefined; },
  setStatusBarMessage: () => ({ dispose: () => undefined }),
  createWebviewPanel: () => {
    const disposeEmitter = new EventEmitter<void>();
    const receiveEmitter = new EventEmitter<unknown>();
    bench.panelReceive = (message) => receiveEmitter.fire(JSON.parse(JSON.stringify(message)));
    return {
      visible: true,
      iconPath: undefined as unknown,
      reveal: () => undefined,
      dispose: () => disposeEmitter.fire(),
      onDidDispose: disposeEmitter.event,
      webview: {
        html: '',
        cspSource: 'https://bench.vscode-cdn.net',
        asWebviewUri: (uri: Uri) => uri,
        onDidReceiveMessage: receiveEmitter.event,
        postMessage: async (message: unknown) => {
          bench.postedBytes += JSON.stringify(message).length;
          bench.postedMessages++;
          return true;
        },
      },
    };
  },
  onDidStartTerminalShellExecution: noEvent,
  onDidEndTerminalShellExecution: noEvent,
  onDidCloseTerminal: noEvent,
  onDidChangeTerminalShellIntegration: noEvent,
  activeTerminal: undefined,
};

export const workspace = {
  isTrusted: true,
  onDidGrantWorkspaceTrust: noEvent,
  workspaceFolders: undefined,
  getConfiguration: () => ({
    get: (key: string) => bench.settings.get(key),
    inspect: (key: string) => ({ globalValue: bench.settings.get(key), defaultValue: undefined }),
  }),
  onDidChangeConfiguration: noEvent,
  asRelativePath: (uri: Uri) => uri.fsPath,
};

export const tasks = {
  onDidStartTaskProcess: bench.taskProcessStarted.event,
  onDidEndTaskProcess: bench.taskProcessEnded.event,
  onDidEndTask: bench.taskEnded.event,
  fetchTasks: async () => [],
  executeTask: async () => undefined,
};

export const commands = {
  registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
    bench.commands.set(id, handler);
    return { dispose: () => bench.commands.delete(id) };
  },
  executeCommand: async (id: string, ...args: unknown[]) => bench.commands.get(id)?.(...args),
};

export const env = { clipboard: { writeText: async () => undefined } };
