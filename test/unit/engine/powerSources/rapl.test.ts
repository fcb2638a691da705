import * as assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { counterDelta, createRaplSource, RAPL_CHMOD_FIX } from '../../../../src/engine/powerSources/rapl';
import { type FakeSysfs, createFakeSysfs, readerFailingFor } from '../../../fixtures/fakeSysfs';

/** A controllable clock in milliseconds. */
function fakeClock(startMs = 1_000): { now: () => number; advance: (ms: number) => void } {
  let currentMs = startMs;
  return { now: () => currentMs, advance: (ms) => { currentMs += ms; } };
}

function assertWithinRelative(actual: number, expected: number, relative = 1e-4): void {
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * relative, `${actual} is not within ${relative * 100} % of ${expected}`);
}

/** A two-socket Xeon: packages with core and dram subzones, plus psys. */
const TWO_SOCKET_ZONES = [
  { zoneId: 'intel-rapl:0', name: 'package-0', energyMicrojoules: 10_000_000 },
  { zoneId: 'intel-rapl:0:0', name: 'core', energyMicrojoules: 5_000_000 },
  { zoneId: 'intel-rapl:0:1', name: 'dram', energyMicrojoules: 2_000_000 },
  { zoneId: 'intel-rapl:1', name: 'package-1', energyMicrojoules: 20_000_000 },
  { zoneId: 'intel-rapl:1:0', name: 'dram', energyMicrojoules: 3_000_000 },
  { zoneId: 'intel-rapl:2', name: 'psys', energyMicrojoules: 90_000_000 },
];

describe('createRaplSource', () => {
  let sysfs: FakeSysfs;
  afterEach(async () => { await sysfs.dispose(); });

  it('reports the energy and average power of packages that advance at a known wattage', async () => {
    sysfs = await createFakeSysfs({ raplZones: TWO_SOCKET_ZONES });
    const clock = fakeClock();
    const source = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'cpu', now: clock.now });
    assert.equal(await source.probe(), undefined);
    assert.equal(source.description, 'RAPL package-0 + package-1');

    const primed = await source.read();
    assert.deepEqual(primed, { powerWatts: 0, energyJoules: 0 }, 'the first read only primes the counters');

    // package-0 at 35 W and package-1 at 52.5 W for 1.5 s; core, dram and psys move too but must not count.
    clock.advance(1_500);
    await sysfs.setEnergy('intel-rapl:0', 10_000_000 + 35 * 1.5e6);
    await sysfs.setEnergy('intel-rapl:1', 20_000_000 + 52.5 * 1.5e6);
    await sysfs.setEnergy('intel-rapl:0:0', 5_000_000 + 20 * 1.5e6);
    await sysfs.setEnergy('intel-rapl:0:1', 2_000_000 + 8 * 1.5e6);
    await sysfs.setEnergy('intel-rapl:2', 90_000_000 + 200 * 1.5e6);
    const reading = await source.read();
    assertWithinRelative(reading.energyJoules ?? Number.NaN, (35 + 52.5) * 1.5);
    assertWithinRelative(reading.powerWatts, 87.5);
  });

  it('adds max_energy_range_uj back when a counter wraps', async () => {
    const rangeMicrojoules = 262_143_328_850;
    sysfs = await createFakeSysfs({ raplZones: [
      { zoneId: 'intel-rapl:0', name: 'package-0', energyMicrojoules: rangeMicrojoules - 4_000_000, maxEnergyRangeMicrojoules: rangeMicrojoules },
    ] });
    const clock = fakeClock();
    const source = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'cpu', now: clock.now });
    await source.read();
    // 4 J before the wrap and 16 J after it: 20 J in 2 s = 10 W.
    clock.advance(2_000);
    await sysfs.setEnergy('intel-rapl:0', 16_000_000);
    const reading = await source.read();
    assertWithinRelative(reading.energyJoules ?? Number.NaN, 20);
    assertWithinRelative(reading.powerWatts, 10);
  });

  it('measures RAM from dram subzones of every package', async () => {
    sysfs = await createFakeSysfs({ raplZones: TWO_SOCKET_ZONES });
    const clock = fakeClock();
    const source = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'ram', now: clock.now });
    assert.equal(await source.probe(), undefined);
    assert.equal(source.component, 'ram');
    assert.equal(source.description, 'RAPL dram (intel-rapl:0:1) + dram (intel-rapl:1:0)');
    await source.read();
    clock.advance(1_000);
    await sysfs.setEnergy('intel-rapl:0:1', 2_000_000 + 6_000_000);
    await sysfs.setEnergy('intel-rapl:1:0', 3_000_000 + 7_500_000);
    await sysfs.setEnergy('intel-rapl:0', 99_000_000);
    const reading = await source.read();
    assertWithinRelative(reading.powerWatts, 13.5);
  });

  it('accepts a top-level dram zone', async () => {
    sysfs = await createFakeSysfs({ raplZones: [
      { zoneId: 'intel-rapl:0', name: 'package-0', energyMicrojoules: 1 },
      { zoneId: 'intel-rapl:1', name: 'dram', energyMicrojoules: 1 },
    ] });
    const source = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'ram' });
    assert.equal(await source.probe(), undefined);
    assert.equal(source.description, 'RAPL dram');
  });

  it('skips an unreadable package zone and keeps the others, with a warning', async () => {
    sysfs = await createFakeSysfs({ raplZones: TWO_SOCKET_ZONES });
    const clock = fakeClock();
    const source = createRaplSource({
      sysfsRoot: sysfs.sysfsRoot, component: 'cpu', now: clock.now,
      readTextFile: readerFailingFor(['intel-rapl:1/energy_uj']),
    });
    assert.equal(await source.probe(), undefined);
    assert.match(source.description, /^RAPL package-0; warning: skipped package-1 \(intel-rapl:1: permission denied\)$/);
    await source.read();
    clock.advance(1_000);
    await sysfs.setEnergy('intel-rapl:0', 10_000_000 + 40_000_000);
    assertWithinRelative((await source.read()).powerWatts, 40);
  });

  it('skips a zone whose energy_uj is not a counter', async () => {
    sysfs = await createFakeSysfs({ raplZones: TWO_SOCKET_ZONES });
    const energyPath = join(sysfs.zonePath('intel-rapl:1'), 'energy_uj');
    await rm(energyPath);
    await mkdir(energyPath);
    const source = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'cpu' });
    assert.equal(await source.probe(), undefined);
    assert.match(source.description, /skipped package-1 \(intel-rapl:1: .*EISDIR/);
  });

  it('rejects root-only counters with the chmod and udev fix', async () => {
    sysfs = await createFakeSysfs({ raplZones: TWO_SOCKET_ZONES });
    const source = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'cpu', readTextFile: readerFailingFor(['/energy_uj']) });
    const reason = await source.probe();
    assert.match(reason ?? '', /readable only by root \(CVE-2020-8694/);
    assert.ok(source.fix?.startsWith(RAPL_CHMOD_FIX));
    assert.match(source.fix ?? '', /udev\/rules\.d\/.*udevadm trigger/);
    await assert.rejects(source.read(), /readable only by root/);
  });

  it('rejects a machine without a powercap directory', async () => {
    sysfs = await createFakeSysfs({ createPowercap: false });
    const source = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'cpu' });
    assert.match(await source.probe() ?? '', /^no powercap directory at .*class\/powercap/);
    assert.equal(source.fix, undefined);
  });

  it('rejects RAM on a CPU without a dram zone, naming what it found', async () => {
    sysfs = await createFakeSysfs({ raplZones: [
      { zoneId: 'intel-rapl:0', name: 'package-0', energyMicrojoules: 1 },
      { zoneId: 'intel-rapl:0:0', name: 'core', energyMicrojoules: 1 },
      { zoneId: 'intel-rapl:0:1', name: 'uncore', energyMicrojoules: 1 },
    ] });
    const source = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'ram' });
    assert.equal(await source.probe(), 'no RAPL dram zone in ' + join(sysfs.sysfsRoot, 'class', 'powercap') +
      ': this CPU does not report DRAM energy (found: package-0, core, uncore)');
  });

  it('uses the MMIO package only when the MSR interface is absent', async () => {
    sysfs = await createFakeSysfs({ raplZones: [
      { zoneId: 'intel-rapl:0', name: 'package-0', energyMicrojoules: 1 },
      { zoneId: 'intel-rapl-mmio:0', name: 'package-0', energyMicrojoules: 1 },
    ] });
    const both = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'cpu' });
    await both.probe();
    assert.equal(both.description, 'RAPL package-0');
    await sysfs.dispose();

    sysfs = await createFakeSysfs({ raplZones: [{ zoneId: 'intel-rapl-mmio:0', name: 'package-0', energyMicrojoules: 1 }] });
    const mmioOnly = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'cpu' });
    assert.equal(await mmioOnly.probe(), undefined);
  });
});

describe('counterDelta', () => {
  it('returns the plain difference when the counter moved forward', () => {
    assert.equal(counterDelta(100, 250, 1_000), 150);
  });

  it('adds the range back after a wrap and counts only the new value when the range is unknown', () => {
    assert.equal(counterDelta(900, 50, 1_000), 150);
    assert.equal(counterDelta(900, 50, undefined), 50);
  });
});
