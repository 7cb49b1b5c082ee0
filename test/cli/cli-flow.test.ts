/**
 * `pause`, `resume` and `cancel` through the built CLI against the local runtime: a class paused
 * from this other process stops the runtime's poller, `stats` and `health` show it, and a
 * running job cancelled from the CLI ends `cancelled` with the operator recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../shared/admin/health-check.ts';
import type { PipelineStats } from '../../shared/admin/pipeline-stats.ts';
import type { DemoJobRegistry } from '../../examples/demo/src/jobs.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { waitFor } from '../integration/harness.ts';
import { runCli, runCliJson, startCliRuntime } from './cli-harness.ts';

let runtime: LocalRuntime<DemoJobRegistry>;
let env: Record<string, string>;

beforeAll(async () => {
  runtime = await startCliRuntime();
  env = runtime.environment;
});
afterAll(async () => {
  await runtime?.stop();
});

describe('sqs-jobs CLI: flow control', () => {
  it('pauses a class (nothing runs, stats and health say so) and resumes it', async () => {
    const paused = await runCli(['pause', 'high-priority'], env);
    expect(paused).toMatchObject({ code: 0, stdout: 'high-priority paused\n' });
    const job = await runCliJson<{ id: string; class: string }>(['enqueue', 'demo.sleep', '--payload', '{"ms":10}'], env);
    const { id } = job;

    const stats = await runCliJson<PipelineStats>(['stats'], env);
    expect(stats.classes.find((c) => c.class === job.class)?.paused?.by).toMatch(/@/);
    expect((await runCliJson<HealthReport>(['health'], env)).paused.map((p) => p.className)).toContain('high-priority');
    expect((await runCli(['stats'], env)).stdout).toMatch(/paused since/);
    // Not started, so not on record yet: a plain job's record is written by its first claim.
    expect(await runtime.store.get(id)).toBeUndefined();

    expect((await runCli(['resume', 'high-priority'], env)).stdout).toBe('high-priority resumed\n');
    await waitFor(async () => (await runtime.store.get(id))?.status === 'completed', 'the job to run once resumed');
  });

  it('cancels a running job and records who asked', async () => {
    const { id } = await runCliJson<{ id: string }>(['enqueue', 'demo.sleep', '--payload', '{"ms":30000}'], env);
    await waitFor(async () => (await runtime.store.get(id))?.status === 'running', 'the job to run');
    const cancel = await runCli(['cancel', id], env);
    expect(cancel.stdout).toMatch(/cancel requested/);
    const done = await waitFor(async () => {
      const job = await runtime.store.get(id);
      return job?.status === 'cancelled' ? job : undefined;
    }, 'the job to be cancelled');
    expect(done.cancelRequestedBy).toMatch(/@/);
    expect((await runCli(['show', id], env)).stdout).toMatch(/cancel asked/);
  });
});
