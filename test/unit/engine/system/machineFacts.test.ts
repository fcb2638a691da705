import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectCloudFromDmi, parseCpuModel, readHostFacts } from '../../../../src/engine/system/machineFacts';

describe('machineFacts', () => {
  it('reads the x86 model name and the Arm Model line', () => {
    assert.equal(parseCpuModel('processor\t: 0\nmodel name\t: AMD EPYC 7B13 64-Core Processor\n'), 'AMD EPYC 7B13 64-Core Processor');
    assert.equal(parseCpuModel('processor\t: 0\nBogoMIPS\t: 50.00\nModel\t: Raspberry Pi 4 Model B Rev 1.4\n'), 'Raspberry Pi 4 Model B Rev 1.4');
  });

  it('detects AWS, GCP and Azure from DMI strings and nothing on bare metal', () => {
    assert.equal(detectCloudFromDmi({ sysVendor: 'Amazon EC2', productName: 'm6i.large' }), 'aws');
    assert.equal(detectCloudFromDmi({ sysVendor: 'Google', productName: 'Google Compute Engine' }), 'gcp');
    assert.equal(detectCloudFromDmi({ sysVendor: 'Microsoft Corporation', productName: 'Virtual Machine', chassisAssetTag: '7783-7084-3265-9085-8269-3286-77' }), 'azure');
    assert.equal(detectCloudFromDmi({ sysVendor: 'Microsoft Corporation', productName: 'Virtual Machine' }), undefined);
    assert.equal(detectCloudFromDmi({ sysVendor: 'Dell Inc.', productName: 'PowerEdge R740' }), undefined);
  });

  it('reads facts from injected proc and sysfs roots', async () => {
    const root = mkdtempSync(join(tmpdir(), 'facts-'));
    mkdirSync(join(root, 'proc'));
    mkdirSync(join(root, 'sys/class/dmi/id'), { recursive: true });
    writeFileSync(join(root, 'proc/cpuinfo'), 'model name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\n');
    writeFileSync(join(root, 'proc/meminfo'), 'MemTotal:       8388608 kB\nMemAvailable:  4194304 kB\n');
    writeFileSync(join(root, 'sys/class/dmi/id/sys_vendor'), 'Amazon EC2\n');
    const facts = await readHostFacts({ procRoot: join(root, 'proc'), sysfsRoot: join(root, 'sys') });
    assert.equal(facts.cpuModel, 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz');
    assert.equal(facts.ramTotalGiB, 8);
    assert.equal(facts.cloudProvider, 'aws');
  });
});
