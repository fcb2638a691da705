import * as assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRaplSource, RAPL_CHMOD_FIX } from '../../../../src/engine/powerSources/rapl';
import { FALLBACK_MAX_ZONE_WATTS, judgeCounterStep, maxZoneWatts } from '../../../../src/engine/powerSources/raplCounterStep';
import type { MachineCpuTimes } from '../../../../src/engine/system/procStat';
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

describe('createRaplSource with odd counters', () => {
  let sysfs: FakeSysfs;
  afterEach(async () => { await sysfs.dispose(); });

  const RANGE = 4_294_967_295;
  /** /proc/stat as the sampler hands it over, with `busyTicks` so far. */
  const cpuTimes = (busyTicks: number): { cpuTimes: MachineCpuTimes } => ({ cpuTimes: { busyTicks, totalTicks: busyTicks * 2, onlineCpuCount: 4 } });

  async function onePackage(startMicrojoules: number, constraintMaxPowerMicrowatts?: number): Promise<{ source: ReturnType<typeof createRaplSource>; clock: ReturnType<typeof fakeClock> }> {
    sysfs = await createFakeSysfs({ raplZones: [
      { zoneId: 'intel-rapl:0', name: 'package-0', energyMicrojoules: startMicrojoules, maxEnergyRangeMicrojoules: RANGE },
    ] });
    if (constraintMaxPowerMicrowatts !== undefined) {
      await writeFile(join(sysfs.zonePath('intel-rapl:0'), 'constraint_0_max_power_uw'), `${constraintMaxPowerMicrowatts}\n`);
    }
    const clock = fakeClock();
    const source = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'cpu', now: clock.now });
    assert.equal(await source.probe(), undefined);
    await source.read();
    return { source, clock };
  }

  it('reads a counter that went back after suspend/resume as a reset, not as a wrap of 4.3 kJ', async () => {
    const { source, clock } = await onePackage(3_000_000_000);
    clock.advance(1_000);
    // Reset to 0 during the interval, then 12 J since: read as a wrap it would be 1.29 kJ in 1 s.
    await sysfs.setEnergy('intel-rapl:0', 12_000_000);
    const reading = await source.read();
    assert.equal(reading.energyJoules, 12);
    assert.equal(reading.powerWatts, 12);
    assert.equal(reading.notices?.length, 1);
    assert.match(reading.notices?.[0] ?? '', /package-0 \(intel-rapl:0\): counter went back from 3000000000 to 12000000 µJ: a reset .*not a wrap .*1307 W over 1000 ms/);
    // The next step is an ordinary advance again.
    clock.advance(1_000);
    await sysfs.setEnergy('intel-rapl:0', 42_000_000);
    assert.deepEqual(await source.read(), { powerWatts: 30, energyJoules: 30 });
  });

  it('still adds the range back for a real wrap near the top of the range', async () => {
    const { source, clock } = await onePackage(RANGE - 10_000_000);
    clock.advance(1_000);
    await sysfs.setEnergy('intel-rapl:0', 15_000_000);
    const reading = await source.read();
    assertWithinRelative(reading.energyJoules ?? Number.NaN, 25);
    assert.equal(reading.notices, undefined);
  });

  it('takes the bound from constraint_*_max_power_uw when the zone has one', async () => {
    // A 65 W part (bound 130 W): a backward step that would be a 300 W wrap is a reset here, though under 1 kW.
    const { source, clock } = await onePackage(RANGE - 290_000_000, 65_000_000);
    clock.advance(1_000);
    await sysfs.setEnergy('intel-rapl:0', 10_000_000);
    const reading = await source.read();
    assert.equal(reading.energyJoules, 10);
    assert.match(reading.notices?.[0] ?? '', /a reset .*300 W over 1000 ms, above the zone's 130 W/);
  });

  it('counts nothing for a forward jump no package can draw, and says so', async () => {
    const { source, clock } = await onePackage(1_000_000);
    clock.advance(1_000);
    await sysfs.setEnergy('intel-rapl:0', 1_000_000 + 5_000 * 1e6);
    const reading = await source.read();
    assert.equal(reading.energyJoules, 0);
    assert.match(reading.notices?.[0] ?? '', /counter jumped .*5000 W over 1000 ms.*counted nothing/);
  });

  it('fails the reading of a counter that stopped moving while the CPU was busy, then measures the whole gap when it moves again', async () => {
    const { source, clock } = await onePackage(50_000_000);
    // A few milliseconds without a step are normal: the counter updates about every millisecond.
    clock.advance(3);
    assert.equal((await source.read(cpuTimes(1_001))).energyJoules, 0);
    for (const [advanceMs, busy, seconds, reads] of [[997, 1_050, '1.0', '2 reads'], [1_000, 1_100, '2.0', '3 reads']] as const) {
      clock.advance(advanceMs);
      await assert.rejects(source.read(cpuTimes(busy)), new RegExp(`package-0 \\(intel-rapl:0\\) energy_uj has not moved for ${seconds} s \\(${reads}\\) while the CPU was busy: its energy is unknown until it moves`));
    }
    clock.advance(1_000);
    await sysfs.setEnergy('intel-rapl:0', 50_000_000 + 30_000_000);
    // Since the last good read, 2.997 s ago: the failed reads left the counters as they were.
    const resumed = await source.read(cpuTimes(1_150));
    assert.equal(resumed.energyJoules, 30);
    assertWithinRelative(resumed.powerWatts, 30 / 2.997, 1e-12);
  });

  it('does not call an unmoved counter stuck while the CPU is idle', async () => {
    const { source, clock } = await onePackage(50_000_000);
    for (let read = 0; read < 5; read++) {
      clock.advance(1_000);
      assert.equal((await source.read(cpuTimes(1_000))).energyJoules, 0);
    }
  });

  it('rejects at probe a package whose counter reads 0 and does not move, so the CPU model can take over', async () => {
    sysfs = await createFakeSysfs({ raplZones: [{ zoneId: 'intel-rapl:0', name: 'package-0', energyMicrojoules: 0 }] });
    const source = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'cpu' });
    assert.equal(await source.probe(), 'no readable RAPL package counter: package-0 (intel-rapl:0: energy_uj reads 0 and did not move in 50 ms; this firmware or hypervisor does not fill it)');
  });

  it('accepts a counter that read 0 at probe but moves, and keeps the zones that do move', async () => {
    sysfs = await createFakeSysfs({ raplZones: [
      { zoneId: 'intel-rapl:0', name: 'package-0', energyMicrojoules: 0 },
      { zoneId: 'intel-rapl:1', name: 'package-1', energyMicrojoules: 0 },
    ] });
    let reads = 0;
    // package-0 had just wrapped: it has moved by its second read; package-1 stays at 0.
    const readTextFile = async (path: string): Promise<string> => (path.endsWith('intel-rapl:0/energy_uj') && reads++ > 0 ? '1500\n' : readerFailingFor([])(path));
    const source = createRaplSource({ sysfsRoot: sysfs.sysfsRoot, component: 'cpu', readTextFile });
    assert.equal(await source.probe(), undefined);
    assert.equal(source.description, 'RAPL package-0; warning: skipped package-1 (intel-rapl:1: energy_uj reads 0 and did not move in 50 ms; this firmware or hypervisor does not fill it)');
  });

  it('reports a counter that was reset to 0 and stays there as stuck', async () => {
    const { source, clock } = await onePackage(5_000_000);
    await sysfs.setEnergy('intel-rapl:0', 0);
    clock.advance(1_500);
    const reset = await source.read();
    assert.equal(reset.energyJoules, 0);
    assert.match(reset.notices?.[0] ?? '', /a reset/);
    clock.advance(1_500);
    await assert.rejects(source.read(), /has not moved for 1\.5 s \(1 read\) while the CPU was busy and reads 0/);
  });
});

describe('judgeCounterStep', () => {
  it('returns the plain difference when the counter moved forward at a plausible power', () => {
    assert.deepEqual(judgeCounterStep(100, 250, 1_000, 1_000, FALLBACK_MAX_ZONE_WATTS), { microjoules: 150 });
  });

  it('adds the range back after a plausible wrap', () => {
    assert.deepEqual(judgeCounterStep(900, 50, 1_000, 1_000, FALLBACK_MAX_ZONE_WATTS), { microjoules: 150 });
  });

  it('counts only the new value, with a notice, when the range is unknown', () => {
    const step = judgeCounterStep(900, 50, undefined, 1_000, FALLBACK_MAX_ZONE_WATTS);
    assert.equal(step.microjoules, 50);
    assert.match(step.notice ?? '', /max_energy_range_uj is unknown/);
  });

  it('never takes a value above the range for a wrap, which would count a negative energy', () => {
    const step = judgeCounterStep(2, 0, 1, 1, 1_000);
    assert.equal(step.microjoules, 0);
    assert.match(step.notice ?? '', /it was above max_energy_range_uj 1/);
  });

  it('bounds a zone at twice its largest constraint, at least 100 W, and at 1 kW without constraints', () => {
    assert.equal(maxZoneWatts([65_000_000, 90_000_000]), 180);
    assert.equal(maxZoneWatts([5_000_000]), 100);
    assert.equal(maxZoneWatts([]), 1_000);
    assert.equal(maxZoneWatts([Number.NaN, 0]), 1_000);
  });
});
