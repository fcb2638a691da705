/**
 * Every command the extension contributes. `package.json` must list exactly these (a unit test
 * compares the two, as PR-github's check-commands does).
 */
export const CommandId = {
  trackTask: 'carbonMeter.trackTask',
  trackTerminalCommands: 'carbonMeter.trackTerminalCommands',
  stopTracking: 'carbonMeter.stopTracking',
  openPanel: 'carbonMeter.openPanel',
  exportReport: 'carbonMeter.exportReport',
  copyImpactStatement: 'carbonMeter.copyImpactStatement',
  showDiagnostics: 'carbonMeter.showDiagnostics',
  recommendRegion: 'carbonMeter.recommendRegion',
  setElectricityMapsKey: 'carbonMeter.setElectricityMapsKey',
} as const;

export type CommandId = (typeof CommandId)[keyof typeof CommandId];

/** Set while at least one run is tracked; gates "Stop Tracking" in the command palette. */
export const TRACKING_CONTEXT_KEY = 'carbonMeter.tracking';
