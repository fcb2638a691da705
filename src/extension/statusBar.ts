import * as vscode from 'vscode';
import { CommandId, TRACKING_CONTEXT_KEY } from './commandIds';
import { DisposableObject } from './disposableObject';
import { locationLabel } from './panel/runViews';
import { statusBarContent } from './statusBarText';
import type { RunTracker } from './tracking/runTracker';

/**
 * The status bar counter: the grid intensity when idle, live grams CO₂e and watts while tracking.
 * Redraws on each sample, at most once per sample interval of the fastest run.
 */
export class StatusBarCounter extends DisposableObject {
  private tracking: boolean | undefined;
  private readonly item = this.register(vscode.window.createStatusBarItem('carbonMeter.status', vscode.StatusBarAlignment.Right, 100));

  constructor(private readonly tracker: RunTracker) {
    super();
    this.item.name = 'Carbon Meter';
    this.item.command = CommandId.openPanel;
    this.item.text = '$(pulse) Carbon Meter';
    this.item.show();
    this.register(tracker.onDidChangeRuns(() => this.update()));
    this.register(tracker.onDidSample(() => this.update()));
  }

  /** Reads the location (and with it the data tables), so the first call is left until after activation. */
  update(): void {
    let location;
    try {
      location = this.tracker.location();
    } catch (error) {
      location = undefined;
      console.error('Carbon Meter: could not resolve the location', error);
    }
    const runs = this.tracker.activeRuns.map((run) => ({
      command: run.command,
      emissionsKg: run.latestSample?.emissionsKg ?? 0,
      powerWatts: run.latestSample?.taskPowerWatts ?? { cpu: 0, gpu: 0, ram: 0 },
      sources: run.session.header.sources,
    }));
    const content = statusBarContent({
      intensityGramsPerKWh: location?.intensity.gramsPerKWh,
      locationLabel: location ? locationLabel(location.location) : undefined,
      intensitySource: location?.intensity.source,
      locationIsGuess: location?.location.basis === 'time-zone-guess',
      pue: location?.pue,
      runs,
    });
    this.item.text = content.text;
    this.item.tooltip = new vscode.MarkdownString(content.tooltip);
    if (this.tracking !== runs.length > 0) {
      this.tracking = runs.length > 0;
      void vscode.commands.executeCommand('setContext', TRACKING_CONTEXT_KEY, this.tracking);
    }
  }
}
