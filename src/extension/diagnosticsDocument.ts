import * as vscode from 'vscode';
import { formatDiagnostics } from '../engine/powerSources/formatDiagnostics';
import type { RunTracker } from './tracking/runTracker';

/** "Show Power Source Diagnostics": the `carbon-meter doctor` report, in an editor the user can copy from. */
export async function showDiagnosticsDocument(tracker: RunTracker): Promise<void> {
  const engine = tracker.currentEngine();
  let content: string;
  try {
    const [facts, { diagnostics }] = await Promise.all([engine.hostFacts(), engine.powerSources()]);
    const location = tracker.location();
    content = [
      'Carbon Meter: power sources and location',
      '',
      `Machine: ${facts.cpuModel}, ${facts.cpuCount} CPUs, ${facts.ramTotalGiB.toFixed(1)} GiB RAM${facts.cloudProvider ? `, on ${facts.cloudProvider}` : ''}`,
      `Location: ${location.location.countryName} (${location.location.countryIso3})${location.location.region ? `, ${location.location.region}` : ''}`
        + `${location.location.cloudProvider ? `, ${location.location.cloudProvider}:${location.location.cloudRegion ?? ''}` : ''}; decided by ${location.location.basis}`,
      `Grid intensity: ${location.intensity.gramsPerKWh} gCO2e/kWh (${location.intensity.source}); PUE ${location.pue} (${location.pueSource})`,
      '',
      formatDiagnostics(diagnostics),
    ].join('\n');
  } catch (error) {
    content = `Carbon Meter could not probe the power sources: ${(error as Error).message}\n`;
  }
  const document = await vscode.workspace.openTextDocument({ content, language: 'plaintext' });
  await vscode.window.showTextDocument(document, { preview: true });
}
