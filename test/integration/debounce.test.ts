/** Debounce on the emulators: a burst of enqueues runs once, with the last or the first payload. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startTestRuntime, waitFor } from './harness.ts';
import { debounceRegistry, debounceRuns } from './debounce-jobs.ts';

let runtime: LocalRuntime<typeof debounceRegistry>;

beforeAll(async () => {
  runtime = await startTestRuntime(debounceRegistry);
});
afterAll(async () => {
  await runtime?.stop();
});

async function burst(job: 'debounce.last' | 'debounce.first', user: string) {
  const enqueued = [];
  for (let n = 0; n < 5; n++) enqueued.push(await runtime.jobs.enqueue(job, { user, n }));
  return enqueued;
}

describe('debounce', () => {
  it("runs a burst once with the last payload (mode 'last'), other keys on their own", async () => {
    const [jobs, other] = await Promise.all([burst('debounce.last', 'u1'), burst('debounce.last', 'u2')]);
    const last = jobs.at(-1)!;
    await waitFor(async () => (await runtime.store.get(last.id))?.status === 'completed', 'the last job to complete');
    await waitFor(async () => (await runtime.store.get(other.at(-1)!.id))?.status === 'completed', "u2's last job to complete");
    for (const job of jobs.slice(0, -1)) {
      expect(await runtime.store.get(job.id)).toMatchObject({ status: 'cancelled', lastError: `debounced: replaced by ${jobs[jobs.indexOf(job) + 1]!.id}` });
    }
    const runs = debounceRuns.filter((run) => run.job === 'debounce.last');
    expect(runs.map((run) => [run.id, run.n])).toEqual(expect.arrayContaining([[last.id, 4], [other.at(-1)!.id, 4]]));
    expect(runs).toHaveLength(2);
  });

  it("runs a burst once with the first payload (mode 'first')", async () => {
    const jobs = await burst('debounce.first', 'u1');
    expect(new Set(jobs.map((job) => job.id)).size).toBe(1);
    expect(jobs.slice(1).every((job) => job.duplicate)).toBe(true);
    await waitFor(async () => (await runtime.store.get(jobs[0]!.id))?.status === 'completed', 'the job to complete');
    expect(debounceRuns.filter((run) => run.job === 'debounce.first').map((run) => run.n)).toEqual([0]);
  });
});
