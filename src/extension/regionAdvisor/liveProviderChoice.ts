/**
 * Whether the region advisor may use live intensity, and the provider when it may. Pure (no `vscode`), so
 * the rule "no request unless the user turned live data on and stored a key" is unit-tested.
 */
import { createElectricityMapsProvider } from '../../engine/intensity/electricityMapsProvider';
import { createIntensityCache } from '../../engine/intensity/intensityCache';
import type { LiveIntensityProvider } from '../../engine/intensity/liveIntensityApi';

/** A live provider, or why there is none (shown in the panel). */
export type LiveProviderChoice = { readonly provider: LiveIntensityProvider } | { readonly reason: string };

export interface LiveProviderInputs {
  /** `carbonMeter.liveIntensity`. */
  readonly enabled: boolean;
  /** From SecretStorage; undefined when none is stored. */
  readonly apiKey: string | undefined;
  readonly baseUrl: string;
  readonly cacheDir: string;
}

export function chooseLiveProvider(inputs: LiveProviderInputs): LiveProviderChoice {
  if (!inputs.enabled) return { reason: 'Live intensity is off: turn on carbonMeter.liveIntensity and set a key with "Carbon Meter: Set Electricity Maps API Key".' };
  const apiKey = inputs.apiKey?.trim();
  if (!apiKey) return { reason: 'No Electricity Maps API key is stored: run "Carbon Meter: Set Electricity Maps API Key".' };
  return {
    provider: createElectricityMapsProvider({ apiKey, baseUrl: inputs.baseUrl, cache: createIntensityCache({ directory: inputs.cacheDir }) }),
  };
}
