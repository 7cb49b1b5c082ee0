/**
 * Starting and SIGKILLing the consumer child (consumer-child.ts) from the suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildConfig } from './consumer-child.ts';

const CHILD_FILE = fileURLToPath(new URL('./consumer-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ConsumerProcess {
  readonly pid: number;
  readonly startedAt: number;
  /** Resolves once the child printed READY; rejects if it exits first or takes longer than `timeoutMs`. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code or signal once the child is gone. */
  readonly exited: Promise<string>;
  /** Its stderr so far (last 4 KB), for diagnostics. */
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
}

export function startConsumer(config: ChildConfig, environment: Record<string, string>, timeoutMs = 30_000): ConsumerProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD_FILE], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...environment, FAULT_CHILD: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-4096);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`));
  });
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`consumer ${child.pid} not ready after ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`consumer ${child.pid} ended (${how}) before it was ready: ${err}`));
    });
  });
  ready.catch(() => undefined);
  if (child.pid === undefined) throw new Error('could not spawn the consumer process');
  return {
    pid: child.pid,
    startedAt: Date.now(),
    ready,
    exited,
    stderr: () => err,
    kill: (signal) => {
      child.kill(signal);
    },
  };
}
