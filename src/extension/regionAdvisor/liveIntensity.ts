import * as vscode from 'vscode';
import { chooseLiveProvider, LiveProviderChoice } from './liveProviderChoice';

export type { LiveProviderChoice } from './liveProviderChoice';

/** The SecretStorage key of the Electricity Maps API key. Never a setting: settings sync and show in plain text. */
export const ELECTRICITY_MAPS_SECRET = 'carbonMeter.electricityMapsApiKey';

export interface LiveIntensityOptions {
  readonly secrets: vscode.SecretStorage;
  /** `carbonMeter.liveIntensity`, read when a provider is asked for. */
  readonly enabled: () => boolean;
  /** Where answers are cached (the extension's global storage). */
  readonly cacheDir: string;
  /** The API's address; the composition root passes the real one, or another from the environment. */
  readonly baseUrl: string;
}

/**
 * The Electricity Maps key and the provider it unlocks. No request is ever made unless the user stored a
 * key with "Set Electricity Maps API Key" and turned `carbonMeter.liveIntensity` on.
 */
export class LiveIntensity {
  constructor(private readonly options: LiveIntensityOptions) {}

  /** Asks for the key and stores it in SecretStorage; an empty answer removes it. */
  async promptForKey(): Promise<void> {
    const key = await vscode.window.showInputBox({
      title: 'Carbon Meter: Set Electricity Maps API Key',
      prompt: 'Kept in VS Code\'s secret storage, never in settings or logs. Leave empty to remove the stored key. Free keys: https://api-portal.electricitymaps.com',
      password: true,
      ignoreFocusOut: true,
      placeHolder: 'Electricity Maps auth token',
      // The provider refuses such a key before any request; say so while it is typed.
      validateInput: (value) => (value.trim() === '' || /^[\x21-\x7e]+$/.test(value.trim())
        ? undefined : 'An Electricity Maps key has no spaces, line breaks or non-ASCII characters.'),
    });
    if (key === undefined) return;
    const trimmed = key.trim();
    if (trimmed === '') {
      await this.options.secrets.delete(ELECTRICITY_MAPS_SECRET);
      void vscode.window.showInformationMessage('Carbon Meter: the Electricity Maps API key was removed.');
      return;
    }
    await this.options.secrets.store(ELECTRICITY_MAPS_SECRET, trimmed);
    const action = this.options.enabled() ? undefined : 'Turn on live intensity';
    const choice = await vscode.window.showInformationMessage(
      `Carbon Meter: Electricity Maps API key stored.${action ? ' Live intensity is off (carbonMeter.liveIntensity).' : ''}`,
      ...(action ? [action] : []),
    );
    if (choice === action && action) {
      await vscode.workspace.getConfiguration('carbonMeter').update('liveIntensity', true, vscode.ConfigurationTarget.Global);
    }
  }

  /** The provider when the setting is on and a key is stored; otherwise why not. */
  async provider(): Promise<LiveProviderChoice> {
    // The secret is read only when live data is on: with it off nothing about the key is touched.
    const enabled = this.options.enabled();
    const apiKey = enabled ? await this.options.secrets.get(ELECTRICITY_MAPS_SECRET) : undefined;
    return chooseLiveProvider({ enabled, apiKey, baseUrl: this.options.baseUrl, cacheDir: this.options.cacheDir });
  }
}
