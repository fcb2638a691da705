import * as assert from 'node:assert/strict';
import { withAlpha } from '../../../src/webview/colors';

describe('chart colours', () => {
  it('makes a translucent fill from each form of theme colour', () => {
    assert.equal(withAlpha('#3794ff', 0.35), 'rgba(55, 148, 255, 0.35)');
    assert.equal(withAlpha('#38F', 0.5), 'rgba(51, 136, 255, 0.5)');
    assert.equal(withAlpha(' rgb(10, 20, 30) ', 0.25), 'rgba(10, 20, 30, 0.25)');
    assert.equal(withAlpha('rgb(10 20 30 / 50%)', 1), 'rgba(10, 20, 30, 0.5)');
  });

  it("multiplies the colour's own alpha rather than replacing it", () => {
    // Dark Modern's charts.lines is #cccccc80.
    assert.equal(withAlpha('#cccccc80', 0.6), 'rgba(204, 204, 204, 0.301)');
    assert.equal(withAlpha('#0008', 0.5), 'rgba(0, 0, 0, 0.267)');
    assert.equal(withAlpha('rgba(255, 0, 0, 0.5)', 0.5), 'rgba(255, 0, 0, 0.25)');
  });

  it('clamps the alpha to 0…1', () => {
    assert.equal(withAlpha('#ffffff', 2), 'rgba(255, 255, 255, 1)');
    assert.equal(withAlpha('#ffffff', -1), 'rgba(255, 255, 255, 0)');
  });

  it('returns a colour it cannot read unchanged, so the chart still draws', () => {
    for (const color of ['red', 'hsl(0 100% 50%)', '#12345', '', 'var(--x)']) assert.equal(withAlpha(color, 0.3), color);
  });
});
