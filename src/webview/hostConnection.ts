// The panel's end of the conversation with the extension host: typed sends, checked receives, and the
// state VS Code keeps while the panel is hidden.
import { parseHostToPanel, type HostToPanelMessage, type PanelToHostMessage } from '../protocol/panelMessages';

/** What `acquireVsCodeApi()` returns inside a webview. */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export class HostConnection {
  // acquireVsCodeApi may be called once per page load.
  private readonly api: VsCodeApi = acquireVsCodeApi();

  post(message: PanelToHostMessage): void {
    this.api.postMessage(message);
  }

  /** Calls `listener` with each well-formed host message; malformed ones are logged and dropped. */
  onMessage(listener: (message: HostToPanelMessage) => void): void {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const message = parseHostToPanel(event.data);
      if (!message) {
        console.warn('Carbon Meter panel: dropped a malformed message from the host:', describe(event.data));
        return;
      }
      listener(message);
    });
  }

  getState(): unknown {
    return this.api.getState();
  }

  setState(state: unknown): void {
    this.api.setState(state);
  }
}

/** Enough of a dropped message to recognise it in the log without printing thousands of samples. */
function describe(data: unknown): string {
  if (typeof data !== 'object' || data === null) return typeof data;
  try {
    const type: unknown = (data as { type?: unknown }).type;
    return typeof type === 'string' ? `type ${JSON.stringify(type.slice(0, 50))}` : 'an object without a string type';
  } catch {
    return 'an unreadable object';
  }
}
