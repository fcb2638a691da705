import * as vscode from 'vscode';
import { createElectricityMapsProvider } from '../../engine/intensity/electricityMapsProvider';
import { createIntensityCache } from '../../engine/intensity/intensityCache';
import type { LiveIntensityProvider } from '../../engine/intensity/liveIntensityApi';

/** The SecretStorage key of the Electricity Maps API key. Never a setting: settings sync and show in plain text. */
export const ELECTRICITY_MAPS_SECRET = 'carbonMeter.electricityMapsApiKey';

/** A live provider, or why there is none (shown in the panel). */
export type LiveProviderChoice = { readonly provider: LiveIntensityProvider } | { readonly reason: string };

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
    if (!this.options.enabled()) return { reason: 'Live intensity is off: turn on carbonMeter.liveIntensity and set a key with "Carbon Meter: Set Electricity Maps API Key".' };
    const apiKey = (await this.options.secrets.get(ELECTRICITY_MAPS_SECRET))?.trim();
    if (!apiKey) return { reason: 'No Electricity Maps API key is stored: run "Carbon Meter: Set Electricity Maps API Key".' };
    return {
      provider: createElectricityMapsProvider({
        apiKey,
        baseUrl: this.options.baseUrl,
        cache: createIntensityCache({ directory: this.options.cacheDir }),
      }),
    };
  }
}
