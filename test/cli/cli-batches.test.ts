/**
 * `batches list|show|cancel` and `show <jobId>` naming the job's batch and position, through the
 * built CLI against the local runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowRecord } from '../../shared/workflows/workflow-types.ts';
import type { DemoJobRegistry } from '../../examples/demo/src/jobs.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
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

describe('sqs-jobs CLI: batches', () => {
  it('lists a finished batch with its progress, shows it, and shows a member with its batch and position', async () => {
    const batch = await runtime.jobs.batch([{ job: 'demo.sleep', payload: { ms: 1 } }, { job: 'demo.sleep', payload: { ms: 1 } }], { name: 'naps' });
    await runtime.jobs.waitForBatch(batch.id, { timeoutMs: 30_000 });

    const listed = await runCli(['batches'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${batch.id}\\s+naps\\s+completed\\s+2/2 \\(100%\\)`));
    const shown = await runCliJson<WorkflowRecord>(['batches', 'show', batch.id], env);
    expect(shown).toMatchObject({ id: batch.id, kind: 'batch', status: 'completed', counts: { total: 2, completed: 2, pending: 0 } });
    expect((await runCli(['batches', 'show', batch.id], env)).stdout).toMatch(/progress\s+2\/2 \(100%\)/);

    const member = await runCli(['show', `${batch.id}.1`], env);
    expect(member.stdout).toMatch(new RegExp(`workflow\\s+batch ${batch.id} \\(naps\\) position 1 of 2`));
  });

  it('cancels a running batch: members not started are skipped', async () => {
    await runCli(['pause', 'high-priority'], env);
    await runCli(['pause', 'default'], env);
    const batch = await runtime.jobs.batch([1, 2, 3].map(() => ({ job: 'demo.sleep' as const, payload: { ms: 1 } })));

    const cancel = await runCli(['batches', 'cancel', batch.id], env);
    expect(cancel).toMatchObject({ code: 0, stdout: `${batch.id} cancelled: members not started yet will be skipped; running ones finish\n` });
    await runCli(['resume', 'high-priority'], env);
    await runCli(['resume', 'default'], env);

    const done = await runtime.jobs.waitForBatch(batch.id, { timeoutMs: 30_000 });
    expect(done).toMatchObject({ status: 'cancelled', counts: { total: 3, cancelled: 3, completed: 0 } });
    const again = await runCli(['batches', 'cancel', batch.id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('has finished; there is nothing to cancel');
    expect((await runCli(['batches', 'show', 'b-none'], env)).stderr).toContain('no batch or chain with id "b-none"');
  });
});
