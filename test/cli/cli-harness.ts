/**
 * Runs the built CLI (`dist/cli/main.js`) as a user would: a child process with the environment
 * the local runtime prints and the demo app's config module. Plus a webhook receiver whose
 * outage the test switches on and off.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { jobRegistry } from '../../examples/demo/src/jobs.ts';
import type { PriorityClass } from '../../shared/priority-classes.ts';
import { startTestRuntime } from '../integration/harness.ts';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
/** What `npm run build` (and `npm ci`, through `prepare`) writes; the package's `bin`. */
export const CLI_BIN = join(REPO_ROOT, 'dist', 'cli', 'main.js');
export const DEMO_CONFIG = join(REPO_ROOT, 'examples', 'demo', 'sqs-jobs.config.ts');

const tiny: PriorityClass = {
  timeoutSeconds: 4,
  attempts: 2,
  backoff: [1],
  batchSize: 10,
  batchWindowSeconds: 0,
  maxConcurrency: 2,
  recordParallelism: 10,
  memoryMb: 128,
};
/** The app's own jobs on test-sized classes. */
export const cliTestClasses = { default: tiny, notifications: tiny, 'high-priority': tiny, reports: tiny } as const;

export function startCliRuntime() {
  return startTestRuntime(jobRegistry, { classes: cliTestClasses });
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_BIN, '--config', DEMO_CONFIG, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export async function runCliJson<T>(args: readonly string[], env: Record<string, string>): Promise<T> {
  const run = await runCli(['--json', ...args], env);
  if (run.code !== 0) throw new Error(`sqs-jobs ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

export interface WebhookTarget {
  readonly url: (path: string) => string;
  /** While down, every hook answers 503 (retryable); `/gone` always answers 404. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startWebhookTarget(): Promise<WebhookTarget> {
  let down = false;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url === '/gone') response.writeHead(404).end();
      else response.writeHead(down ? 503 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    setDown: (value) => {
      down = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
