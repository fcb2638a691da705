import * as assert from 'node:assert/strict';
import { formatSourceProblems } from '../../../../src/engine/powerSources/formatDiagnostics';

describe('formatSourceProblems', () => {
  it('lists each problem with its UTC time, oldest first', () => {
    const text = formatSourceProblems([
      { atMs: Date.UTC(2026, 10, 23, 14, 50, 21, 400), message: 'GPU source nvidia-smi failed: nvidia-smi stopped: exited with code 9; counting its last good power (69.6 W) meanwhile' },
      { atMs: Date.UTC(2026, 10, 23, 14, 50, 52), message: 'GPU source nvidia-smi reads again after 31 s' },
    ]);
    assert.equal(text, [
      'Problems while measuring (the last 2):',
      '  2026-11-23T14:50:21Z  GPU source nvidia-smi failed: nvidia-smi stopped: exited with code 9; counting its last good power (69.6 W) meanwhile',
      '  2026-11-23T14:50:52Z  GPU source nvidia-smi reads again after 31 s',
      '',
    ].join('\n'));
  });

  it('says there were none rather than printing an empty section', () => {
    assert.equal(formatSourceProblems([]), 'Problems while measuring: none\n');
  });
});
