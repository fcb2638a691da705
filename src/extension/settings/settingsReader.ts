import * as vscode from 'vscode';
import { DisposableObject } from '../disposableObject';
import { CarbonMeterSettings, parseSettings, RawSettings } from './parseSettings';

const SECTION = 'carbonMeter';
const KEYS = [
  'country', 'region', 'cloud', 'pue', 'samplingIntervalMs', 'autoTrackTasks', 'storageLocation', 'nvidiaSmiPath', 'trackingMode', 'liveIntensity',
  'pushgatewayUrl', 'readableIds',
] as const;
type SettingKey = typeof KEYS[number];

/**
 * Read from the user's own settings only, whatever a workspace says, even a trusted one: an executable
 * to run, the switch that lets requests leave the machine, and whether the user's name leaves it. The
 * schema scopes them to "machine"; this holds whatever VS Code does with that scope.
 */
export const USER_ONLY_SETTINGS: readonly SettingKey[] = ['nvidiaSmiPath', 'liveIntensity', 'readableIds'];

/**
 * Read from the user's own settings only while the workspace is untrusted (package.json's
 * `restrictedConfigurations`): where run records are written, whether every task is measured as it
 * starts, and where runs are pushed. A trusted team workspace may name its Pushgateway. The other
 * settings (location, PUE, interval, mode) only change figures.
 */
export const USER_ONLY_WHEN_UNTRUSTED: readonly SettingKey[] = ['storageLocation', 'autoTrackTasks', 'pushgatewayUrl'];

/**
 * The only reader of `carbonMeter.*`. Every value goes through parseSettings, so the rest of the
 * extension only ever sees valid settings; a bad value is shown once as a warning and its default used.
 * Granting the workspace trust re-reads them, so its own values apply from then on.
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
      if (event.affectsConfiguration(SECTION)) this.reread();
    }));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.reread()));
  }

  get current(): CarbonMeterSettings {
    return this.settings;
  }

  private reread(): void {
    this.settings = this.read();
    this.changeEmitter.fire(this.settings);
  }

  private read(): CarbonMeterSettings {
    const configuration = vscode.workspace.getConfiguration(SECTION);
    const userOnly = new Set<SettingKey>([...USER_ONLY_SETTINGS, ...(vscode.workspace.isTrusted ? [] : USER_ONLY_WHEN_UNTRUSTED)]);
    const raw: Record<string, unknown> = {};
    for (const key of KEYS) {
      if (!userOnly.has(key)) {
        raw[key] = configuration.get<unknown>(key);
        continue;
      }
      // The user's settings, else the contributed default: never a workspace or folder value.
      const inspected = configuration.inspect<unknown>(key);
      raw[key] = inspected?.globalValue ?? inspected?.defaultValue;
    }
    const { settings, warnings } = parseSettings(raw as RawSettings);
    const current = new Set(warnings);
    for (const warning of warnings) if (!this.shownWarnings.has(warning)) this.showWarning(warning);
    this.shownWarnings = current;
    return settings;
  }
}
