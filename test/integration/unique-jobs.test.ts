/**
 * Unique jobs on the emulators: a second enqueue of the same key returns the first job while it
 * waits or runs, so it runs once; once it finished, the key is free again. Other keys are not
 * affected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import type { JobRecord } from '../../shared/status-store/job-record.ts';
import { startTestRuntime, waitFor } from './harness.ts';
import { uniqueGate, uniqueRegistry, uniqueRuns } from './unique-jobs.ts';

let runtime: LocalRuntime<typeof uniqueRegistry>;

beforeAll(async () => {
  runtime = await startTestRuntime(uniqueRegistry);
});
afterAll(async () => {
  for (const name of ['unique.either:q3', 'unique.either:q4', 'unique.running:r1']) uniqueGate(name).open();
  await runtime?.stop();
});

async function settled(id: string, status: JobRecord['status']): Promise<JobRecord> {
  return waitFor(async () => {
    const job = await runtime.store.get(id);
    return job?.status === status ? job : undefined;
  }, `job ${id} to be ${status}`);
}

describe('unique jobs', () => {
  it('runs a job enqueued twice once (while queued or running), then frees the key', async () => {
    const first = await runtime.jobs.enqueue('unique.either', { report: 'q3' });
    const second = await runtime.jobs.enqueue('unique.either', { report: 'q3' });
    expect(second).toMatchObject({ id: first.id, duplicate: true });
    const other = await runtime.jobs.enqueue('unique.either', { report: 'q4' });
    expect(other.duplicate).toBe(false);

    await settled(first.id, 'running');
    expect(await runtime.jobs.enqueue('unique.either', { report: 'q3' })).toMatchObject({ id: first.id, duplicate: true, status: 'running' });
    uniqueGate('unique.either:q3').open();
    await settled(first.id, 'completed');
    expect(uniqueRuns.filter((run) => run.id === first.id)).toHaveLength(1);
    expect(uniqueRuns.filter((run) => run.job === 'unique.either')).toHaveLength(2); // q3 once, q4 once

    const again = await runtime.jobs.enqueue('unique.either', { report: 'q3' });
    expect(again).toMatchObject({ duplicate: false });
    expect(again.id).not.toBe(first.id);
  });

  it("in 'running' mode refuses an enqueue only while one of the key runs", async () => {
    const first = await runtime.jobs.enqueue('unique.running', { report: 'r1' });
    await settled(first.id, 'running');
    expect(await runtime.jobs.enqueue('unique.running', { report: 'r1' })).toMatchObject({ id: first.id, duplicate: true });
    uniqueGate('unique.running:r1').open();
    await settled(first.id, 'completed');
    const next = await runtime.jobs.enqueue('unique.running', { report: 'r1' });
    expect(next.duplicate).toBe(false);
    await settled(next.id, 'completed');
  });
});
