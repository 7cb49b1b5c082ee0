/**
 * What the numbers were measured on: CPU, cores, memory, Node, the date, and the repository
 * state (commit, and how many pipeline files differed from it, since others edit concurrently).
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem, type as osType, release, arch } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly date: string;
  /** 1-minute load average when the run started. */
  readonly loadAverage: number;
  readonly git: { readonly commit: string; readonly uncommittedPipelineFiles: number };
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${osType()} ${release()} ${arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    git: gitState(),
  };
}

function gitState(): MachineInfo['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'shared', 'lambdas', 'local'], { encoding: 'utf8' });
    return { commit, uncommittedPipelineFiles: status.split('\n').filter(Boolean).length };
  } catch {
    return { commit: 'unknown', uncommittedPipelineFiles: 0 };
  }
}
