import * as vscode from 'vscode';
import { DisposableObject } from '../disposableObject';
import { CarbonMeterSettings, parseSettings, RawSettings } from './parseSettings';

const SECTION = 'carbonMeter';
const KEYS = ['country', 'region', 'cloud', 'pue', 'samplingIntervalMs', 'autoTrackTasks', 'storageLocation', 'nvidiaSmiPath', 'trackingMode', 'liveIntensity'] as const;

/**
 * The only reader of `carbonMeter.*`. Every value goes through parseSettings, so the rest of the
 * extension only ever sees valid settings; a bad value is shown once as a warning and its default used.
 */
export class SettingsReader extends DisposableObject {
  private settings: CarbonMeterSettings;
  /** Warnings already shown, so a change to another setting does not repeat them. */
  private shownWarnings = new Set<string>();
  private readonly changeEmitter = this.register(new vscode.EventEmitter<CarbonMeterSettings>());
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly showWarning: (message: string) => void) {
    super();
    this.settings = this.read();
    this.register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      this.settings = this.read();
      this.changeEmitter.fire(this.settings);
    }));
  }

  get current(): CarbonMeterSettings {
    return this.settings;
  }

  private read(): CarbonMeterSettings {
    const configuration = vscode.workspace.getConfiguration(SECTION);
    const raw: Record<string, unknown> = {};
    for (const key of KEYS) raw[key] = configuration.get<unknown>(key);
    // An executable to run is never taken from a workspace, even a trusted one: only the user's own
    // settings (the schema already scopes it to "machine"; this holds for older VS Code too).
    const nvidia = configuration.inspect<unknown>('nvidiaSmiPath');
    raw.nvidiaSmiPath = nvidia?.globalValue ?? nvidia?.defaultValue;
    const { settings, warnings } = parseSettings(raw as RawSettings);
    const current = new Set(warnings);
    for (const warning of warnings) if (!this.shownWarnings.has(warning)) this.showWarning(warning);
    this.shownWarnings = current;
    return settings;
  }
}
