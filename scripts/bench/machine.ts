import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { parseCpuModel } from '../../src/engine/system/machineFacts';

export interface MachineDescription {
  readonly date: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly nodeVersion: string;
  readonly os: string;
}

export function describeMachine(): MachineDescription {
  let cpuModel: string | undefined;
  try {
    cpuModel = parseCpuModel(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    cpuModel = undefined;
  }
  return {
    date: new Date().toISOString(),
    cpuModel: cpuModel ?? os.cpus()[0]?.model ?? 'unknown',
    cpuCount: os.availableParallelism(),
    nodeVersion: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}
