import * as assert from 'node:assert/strict';
import { createRamModelSource, DEFAULT_RAM_WATTS_PER_GIB } from '../../../../src/engine/powerSources/ramModel';
import { type FakeSysfs, createFakeSysfs, memInfoText } from '../../../fixtures/fakeSysfs';

describe('createRamModelSource', () => {
  let sysfs: FakeSysfs;
  beforeEach(async () => { sysfs = await createFakeSysfs(); });
  afterEach(async () => { await sysfs.dispose(); });

  it('charges 3 W per 8 GiB of installed memory, whatever is in use', async () => {
    await sysfs.writeMemInfo(memInfoText(32 * 1_048_576, 24 * 1_048_576));
    const source = createRamModelSource({ procRoot: sysfs.procRoot });
    assert.equal(await source.probe(), undefined);
    assert.equal(DEFAULT_RAM_WATTS_PER_GIB, 0.375);
    assert.equal(source.estimated, true);
    assert.equal(source.description, '0.375 W/GiB × 32.0 GiB installed (CodeCarbon ≤ 2.x: 3 W per 8 GB)');
    const reading = await source.read();
    assert.equal(reading.powerWatts, 12);
    assert.equal(reading.utilizationPercent, 25);
  });

  it('takes an override coefficient and names its source', async () => {
    await sysfs.writeMemInfo(memInfoText(16 * 1_048_576, 8 * 1_048_576));
    const source = createRamModelSource({ procRoot: sysfs.procRoot, wattsPerGiB: 0.392, wattsPerGiBSource: 'CCF' });
    await source.probe();
    assert.ok(Math.abs((await source.read()).powerWatts - 16 * 0.392) < 1e-12);
    assert.match(source.description, /0\.392 W\/GiB × 16\.0 GiB installed \(CCF\)/);
  });

  it('takes the memory the sampler already read from /proc/meminfo', async () => {
    await sysfs.writeMemInfo(memInfoText(32 * 1_048_576, 24 * 1_048_576));
    const source = createRamModelSource({ procRoot: sysfs.procRoot });
    await source.probe();
    const reading = await source.read({ memory: { totalGiB: 16, usedGiB: 12 } });
    assert.equal(reading.powerWatts, 6);
    assert.equal(reading.utilizationPercent, 75);
  });

  it('rejects when /proc/meminfo is missing', async () => {
    assert.match(await createRamModelSource({ procRoot: sysfs.procRoot }).probe() ?? '', /cannot read installed memory/);
  });
});
