import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAmdHwmonSource } from '../../../../src/engine/powerSources/amdHwmon';

const MIB = 1_048_576;

interface FakeCard {
  readonly pciSlot: string;
  readonly hwmon: string;
  readonly files: Readonly<Record<string, string>>;
  readonly deviceFiles?: Readonly<Record<string, string>>;
}

/** Lays out sysfs the way the kernel does: class/drm/cardN/device is a symlink to the PCI device directory. */
function addCard(sysfsRoot: string, cardName: string, card: FakeCard): string {
  const deviceDir = join(sysfsRoot, 'devices', 'pci0000:00', card.pciSlot);
  const hwmonDir = join(deviceDir, 'hwmon', card.hwmon);
  mkdirSync(hwmonDir, { recursive: true });
  for (const [file, text] of Object.entries(card.files)) writeFileSync(join(hwmonDir, file), text);
  for (const [file, text] of Object.entries(card.deviceFiles ?? {})) writeFileSync(join(deviceDir, file), text);
  linkDevice(sysfsRoot, cardName, deviceDir);
  return deviceDir;
}

function linkDevice(sysfsRoot: string, entry: string, deviceDir: string): void {
  mkdirSync(join(sysfsRoot, 'class', 'drm', entry), { recursive: true });
  symlinkSync(deviceDir, join(sysfsRoot, 'class', 'drm', entry, 'device'));
}

describe('createAmdHwmonSource', () => {
  let sysfsRoot: string;

  beforeEach(() => {
    sysfsRoot = mkdtempSync(join(tmpdir(), 'carbon-meter-amd-'));
  });

  afterEach(() => {
    rmSync(sysfsRoot, { recursive: true, force: true });
  });

  it('reads power1_average in microwatts, busy percent and VRAM of an amdgpu card', async () => {
    const deviceDir = addCard(sysfsRoot, 'card0', {
      pciSlot: '0000:03:00.0', hwmon: 'hwmon4',
      files: { name: 'amdgpu\n', power1_average: '35000000\n' },
      deviceFiles: { gpu_busy_percent: '12\n', mem_info_vram_used: `${512 * MIB}\n`, mem_info_vram_total: `${8192 * MIB}\n` },
    });
    const gpu = createAmdHwmonSource({ sysfsRoot });
    assert.equal(await gpu.probe(), undefined);
    const reading = await gpu.read();
    assert.equal(reading.powerWatts, 35);
    assert.equal(reading.utilizationPercent, 12);
    assert.deepEqual(reading.devices, [{
      deviceId: realpathSync(deviceDir), index: 0, name: 'AMD GPU card0', powerWatts: 35,
      utilizationPercent: 12, memoryUsedMiB: 512, memoryTotalMiB: 8192,
    }]);
  });

  it('uses power1_input when the kernel gives no power1_average (RDNA3)', async () => {
    addCard(sysfsRoot, 'card1', { pciSlot: '0000:0c:00.0', hwmon: 'hwmon2', files: { name: 'amdgpu\n', power1_input: '187000000\n' } });
    const reading = await createAmdHwmonSource({ sysfsRoot }).read();
    assert.equal(reading.powerWatts, 187);
    assert.equal(reading.devices?.[0]?.utilizationPercent, undefined);
    assert.equal(reading.devices?.[0]?.index, 1);
  });

  it('counts a card once although connectors and render nodes point at the same device', async () => {
    const deviceDir = addCard(sysfsRoot, 'card0', { pciSlot: '0000:03:00.0', hwmon: 'hwmon4', files: { name: 'amdgpu\n', power1_average: '20000000\n' } });
    linkDevice(sysfsRoot, 'card0-DP-1', deviceDir);
    linkDevice(sysfsRoot, 'renderD128', deviceDir);
    linkDevice(sysfsRoot, 'card7', deviceDir);
    const reading = await createAmdHwmonSource({ sysfsRoot }).read();
    assert.equal(reading.devices?.length, 1);
    assert.equal(reading.powerWatts, 20);
  });

  it('sums several amdgpu cards and ignores other hwmon drivers', async () => {
    addCard(sysfsRoot, 'card0', { pciSlot: '0000:03:00.0', hwmon: 'hwmon4', files: { name: 'amdgpu\n', power1_average: '20000000\n' } });
    addCard(sysfsRoot, 'card1', { pciSlot: '0000:04:00.0', hwmon: 'hwmon5', files: { name: 'amdgpu\n', power1_average: '150500000\n' } });
    addCard(sysfsRoot, 'card2', { pciSlot: '0000:05:00.0', hwmon: 'hwmon6', files: { name: 'nouveau\n', power1_input: '90000000\n' } });
    const reading = await createAmdHwmonSource({ sysfsRoot }).read();
    assert.deepEqual(reading.devices?.map((device) => [device.index, device.powerWatts]), [[0, 20], [1, 150.5]]);
    assert.equal(reading.powerWatts, 170.5);
  });

  it('marks a card without a power file as unknown power instead of 0 W', async () => {
    addCard(sysfsRoot, 'card0', { pciSlot: '0000:03:00.0', hwmon: 'hwmon4', files: { name: 'amdgpu\n', power1_average: '20000000\n' } });
    addCard(sysfsRoot, 'card1', { pciSlot: '0000:04:00.0', hwmon: 'hwmon5', files: { name: 'amdgpu\n' } });
    const reading = await createAmdHwmonSource({ sysfsRoot }).read();
    assert.equal(reading.powerWatts, 20);
    assert.match(reading.devices?.[1]?.powerUnknownReason ?? '', /card1 has neither power1_average nor power1_input/);
  });

  it('gives a probe reason when there is no amdgpu hwmon', async () => {
    assert.match(await createAmdHwmonSource({ sysfsRoot }).probe() ?? '', /no amdgpu hwmon under .*class\/drm/);
    addCard(sysfsRoot, 'card0', { pciSlot: '0000:05:00.0', hwmon: 'hwmon6', files: { name: 'nouveau\n', power1_input: '90000000\n' } });
    assert.match(await createAmdHwmonSource({ sysfsRoot }).probe() ?? '', /no amdgpu hwmon/);
  });

  it('gives a probe reason when no card has a power sensor', async () => {
    addCard(sysfsRoot, 'card0', { pciSlot: '0000:03:00.0', hwmon: 'hwmon4', files: { name: 'amdgpu\n' } });
    assert.match(await createAmdHwmonSource({ sysfsRoot }).probe() ?? '', /neither power1_average nor power1_input/);
  });

  it('fails with the file and its text when a power value is garbage', async () => {
    addCard(sysfsRoot, 'card0', { pciSlot: '0000:03:00.0', hwmon: 'hwmon4', files: { name: 'amdgpu\n', power1_average: 'abc\n' } });
    const gpu = createAmdHwmonSource({ sysfsRoot });
    assert.match(await gpu.probe() ?? '', /power1_average holds "abc", not a whole number/);
    await assert.rejects(gpu.read(), /power1_average holds "abc"/);
  });

  it('fails with the reason when the power file cannot be read', async () => {
    addCard(sysfsRoot, 'card0', { pciSlot: '0000:03:00.0', hwmon: 'hwmon4', files: { name: 'amdgpu\n', power1_average: '1\n' } });
    const gpu = createAmdHwmonSource({ sysfsRoot });
    await gpu.read();
    rmSync(join(sysfsRoot, 'devices', 'pci0000:00', '0000:03:00.0', 'hwmon', 'hwmon4', 'power1_average'));
    await assert.rejects(gpu.read(), /cannot read .*power1_average/);
  });
});
