/**
 * `sqs-jobs dashboard` as an operator runs it: the built CLI, configured by the environment the
 * local runtime prints, prints an address on 127.0.0.1 with its token, and serves the API there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import type { DemoJobRegistry } from '../../examples/demo/src/jobs.ts';
import { CLI_BIN, DEMO_CONFIG, startCliRuntime } from '../cli/cli-harness.ts';

let runtime: LocalRuntime<DemoJobRegistry>;
let child: ChildProcess | undefined;
beforeAll(async () => {
  runtime = await startCliRuntime();
});
afterAll(async () => {
  child?.kill('SIGTERM');
  await runtime?.stop();
});

function startCli(): Promise<string> {
  child = spawn(process.execPath, [CLI_BIN, '--config', DEMO_CONFIG, 'dashboard', '--port', '0'], {
    env: { PATH: process.env.PATH ?? '', ...runtime.environment },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out)?.[0];
      if (url) resolve(url);
    });
    child!.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child!.on('exit', (code) => reject(new Error(`sqs-jobs dashboard exited ${code}: ${err}`)));
  });
}

describe('sqs-jobs dashboard (the CLI command)', () => {
  it('prints a tokened address on 127.0.0.1 and serves the pipeline it is configured for', async () => {
    const url = new URL(await startCli());
    const token = url.searchParams.get('token')!;
    expect((await fetch(`${url.origin}/api/meta`)).status).toBe(403);
    const meta = await fetch(`${url.origin}/api/meta`, { headers: { 'x-dashboard-token': token } });
    expect(await meta.json()).toMatchObject({ table: runtime.config.tableName });
    // The page comes from the package's build output (dist/dashboard/public, written by `npm run build`).
    expect(await (await fetch(url)).text()).toContain('app.js?token=');
    const health = await fetch(`${url.origin}/api/health?token=${encodeURIComponent(token)}`);
    expect(await health.json()).toMatchObject({ status: 'healthy' });
  });
});
