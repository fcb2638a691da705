import '../useFakeVscode';
import * as assert from 'node:assert/strict';
import { fake } from '../fakeVscode';
import { SettingsReader, USER_ONLY_SETTINGS, USER_ONLY_WHEN_UNTRUSTED } from '../../../../src/extension/settings/settingsReader';
import manifest from '../../../../package.json';
import type { CarbonMeterSettings } from '../../../../src/extension/settings/parseSettings';

const DEFAULTS: Record<string, unknown> = {
  'carbonMeter.nvidiaSmiPath': 'nvidia-smi', 'carbonMeter.storageLocation': null, 'carbonMeter.autoTrackTasks': false,
  'carbonMeter.liveIntensity': false, 'carbonMeter.samplingIntervalMs': 1000, 'carbonMeter.trackingMode': 'process',
};

/** A workspace whose .vscode/settings.json sets every setting that could run something, write somewhere or reach the network. */
function hostileWorkspace(): void {
  for (const [key, defaultValue] of Object.entries(DEFAULTS)) fake.settings.set(key, { defaultValue });
  fake.settings.set('carbonMeter.nvidiaSmiPath', { defaultValue: 'nvidia-smi', workspaceValue: './evil.sh', workspaceFolderValue: './evil-folder.sh' });
  fake.settings.set('carbonMeter.storageLocation', { defaultValue: null, workspaceValue: '/etc/cron.d' });
  fake.settings.set('carbonMeter.autoTrackTasks', { defaultValue: false, workspaceValue: true });
  fake.settings.set('carbonMeter.liveIntensity', { defaultValue: false, workspaceFolderValue: true });
  fake.settings.set('carbonMeter.samplingIntervalMs', { defaultValue: 1000, workspaceValue: 250 });
  fake.settings.set('carbonMeter.country', { workspaceValue: 'FR' });
}

function reader(): { settings: SettingsReader; warnings: string[]; changes: CarbonMeterSettings[] } {
  const warnings: string[] = [];
  const changes: CarbonMeterSettings[] = [];
  const settings = new SettingsReader((message) => warnings.push(message));
  settings.onDidChange((current) => changes.push(current));
  return { settings, warnings, changes };
}

describe('SettingsReader and workspace trust', () => {
  beforeEach(() => fake.reset());

  it('in an untrusted workspace takes no executable, output folder, auto-tracking or network switch from the workspace', () => {
    fake.isTrusted = false;
    hostileWorkspace();
    const { settings } = reader();
    assert.equal(settings.current.nvidiaSmiPath, 'nvidia-smi');
    assert.equal(settings.current.storageLocation, undefined);
    assert.equal(settings.current.autoTrackTasks, false);
    assert.equal(settings.current.liveIntensity, false);
    // Settings that only change figures still apply.
    assert.equal(settings.current.samplingIntervalMs, 250);
    assert.equal(settings.current.country, 'FR');
    settings.dispose();
  });

  it('in an untrusted workspace still honours the user\'s own values of the restricted settings', () => {
    fake.isTrusted = false;
    hostileWorkspace();
    fake.settings.set('carbonMeter.storageLocation', { defaultValue: null, globalValue: '/home/me/runs', workspaceValue: '/etc/cron.d' });
    fake.settings.set('carbonMeter.autoTrackTasks', { defaultValue: false, globalValue: true, workspaceValue: false });
    fake.settings.set('carbonMeter.nvidiaSmiPath', { defaultValue: 'nvidia-smi', globalValue: '/opt/nvidia/bin/nvidia-smi', workspaceValue: './evil.sh' });
    const { settings } = reader();
    assert.equal(settings.current.storageLocation, '/home/me/runs');
    assert.equal(settings.current.autoTrackTasks, true);
    assert.equal(settings.current.nvidiaSmiPath, '/opt/nvidia/bin/nvidia-smi');
    settings.dispose();
  });

  it('in a trusted workspace uses its storage folder and auto-tracking, but never its executable or network switch', () => {
    hostileWorkspace();
    const { settings } = reader();
    assert.equal(settings.current.storageLocation, '/etc/cron.d');
    assert.equal(settings.current.autoTrackTasks, true);
    assert.equal(settings.current.nvidiaSmiPath, 'nvidia-smi');
    assert.equal(settings.current.liveIntensity, false);
    settings.dispose();
  });

  it('re-reads when the workspace is granted trust, and tells listeners', () => {
    fake.isTrusted = false;
    hostileWorkspace();
    const { settings, changes } = reader();
    assert.equal(settings.current.storageLocation, undefined);
    fake.grantTrust();
    assert.equal(settings.current.storageLocation, '/etc/cron.d');
    assert.equal(settings.current.autoTrackTasks, true);
    assert.deepEqual(changes.map((change) => change.storageLocation), ['/etc/cron.d']);
    settings.dispose();
  });

  it('ignores a workspace edit of a restricted setting while untrusted, and applies a user edit', () => {
    fake.isTrusted = false;
    const { settings, changes } = reader();
    fake.set('carbonMeter.storageLocation', 'workspaceValue', '/tmp/elsewhere');
    assert.equal(settings.current.storageLocation, undefined);
    fake.set('carbonMeter.storageLocation', 'globalValue', '/home/me/runs');
    assert.equal(settings.current.storageLocation, '/home/me/runs');
    assert.equal(changes.length, 2);
    settings.dispose();
  });

  it('warns once about a bad value and uses the default, whatever layer it comes from', () => {
    fake.settings.set('carbonMeter.pue', { workspaceValue: 99 });
    const { settings, warnings } = reader();
    assert.equal(settings.current.pue, undefined);
    fake.set('carbonMeter.country', 'globalValue', 'DE');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /carbonMeter\.pue must be a number from 1 to 5.*99/);
    settings.dispose();
  });

  it('declares in package.json exactly the settings it restricts, and limited support for untrusted workspaces', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.deepEqual([...untrusted.restrictedConfigurations].sort(),
      [...USER_ONLY_WHEN_UNTRUSTED, ...USER_ONLY_SETTINGS].map((key) => `carbonMeter.${key}`).sort());
    const properties = manifest.contributes.configuration.properties as Record<string, { scope?: string }>;
    for (const key of USER_ONLY_SETTINGS) assert.equal(properties[`carbonMeter.${key}`]?.scope, 'machine', key);
  });
});
