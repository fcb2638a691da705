import { strict as assert } from 'node:assert';
import { formatGrams, statusBarContent, StatusBarInput } from '../../../src/extension/statusBarText';

const idle: StatusBarInput = {
  intensityGramsPerKWh: 56.04,
  locationLabel: 'France (FRA)',
  intensitySource: 'Ember via OWID (CC BY 4.0)',
  locationIsGuess: false,
  pue: 1,
  runs: [],
};

describe('statusBarContent', () => {
  it('shows the grid intensity when nothing is tracked', () => {
    const content = statusBarContent(idle);
    assert.equal(content.text, '$(pulse) 56 gCO₂e/kWh');
    assert.match(content.tooltip, /nothing tracked/);
    assert.match(content.tooltip, /France \(FRA\)/);
    assert.match(content.tooltip, /Ember via OWID/);
  });

  it('says when the location is a guess from the time zone', () => {
    const tooltip = statusBarContent({ ...idle, locationLabel: 'France (FRA), guessed from the time zone', locationIsGuess: true }).tooltip;
    assert.match(tooltip, /France \(FRA\), guessed from the time zone \(set `carbonMeter\.country` to the real one\)/);
    assert.doesNotMatch(statusBarContent(idle).tooltip, /carbonMeter\.country/);
  });

  it('falls back to the name while the intensity is not known yet', () => {
    assert.equal(statusBarContent({ ...idle, intensityGramsPerKWh: undefined }).text, '$(pulse) Carbon Meter');
  });

  it('sums the grams and watts of every tracked run', () => {
    const content = statusBarContent({
      ...idle,
      runs: [
        { command: 'npm test', emissionsKg: 0.0003, powerWatts: { cpu: 10, gpu: 0, ram: 2 }, sources: [{ component: 'cpu', sourceId: 'tdp-model', estimated: true, description: '' }] },
        { command: 'make', emissionsKg: 0.00012, powerWatts: { cpu: 0.3, gpu: 0, ram: 0 }, sources: [] },
      ],
    });
    assert.equal(content.text, '$(pulse) 0.42 gCO₂e · 12.3 W');
    assert.match(content.tooltip, /tracking 2 runs/);
    assert.match(content.tooltip, /`npm test`: 0\.3 gCO₂e, 12 W/);
    assert.match(content.tooltip, /CPU: tdp-model \(\*estimated\*\)/);
  });

  it('keeps backticks in a command from breaking the tooltip', () => {
    const content = statusBarContent({ ...idle, runs: [{ command: 'echo `date`', emissionsKg: 0, powerWatts: { cpu: 1, gpu: 0, ram: 0 }, sources: [] }] });
    assert.match(content.tooltip, /`echo  date `/);
  });
});

describe('formatGrams', () => {
  it('uses grams below a kilogram and kilograms above', () => {
    assert.equal(formatGrams(0.000421), '0.421 g');
    assert.equal(formatGrams(0.5), '500 g');
    assert.equal(formatGrams(2.5), '2.5 kg');
    assert.equal(formatGrams(0), '0 g');
    assert.equal(formatGrams(1e-9), '<0.001 g');
  });
});
