/** The last tick of a schedule as the dashboard shows it: found through the byClass index. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobRegistry, schedules } from '../../examples/demo/src/jobs.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { createAdmin } from '../../shared/admin/admin.ts';
import { cliTestClasses } from '../cli/cli-harness.ts';
import { startTestRuntime, waitFor } from './harness.ts';

let runtime: LocalRuntime<typeof jobRegistry>;
beforeAll(async () => {
  runtime = await startTestRuntime(jobRegistry, { classes: cliTestClasses, schedules });
});
afterAll(async () => {
  await runtime?.stop();
});

describe('lastTicks', () => {
  it('finds the newest tick of each schedule with its outcome, and none for a schedule never fired', async () => {
    const admin = createAdmin({ registry: jobRegistry, config: runtime.config, clients: runtime.clients });
    expect((await admin.lastTicks(schedules)).size).toBe(0);
    // A bystander in the same class, newer than the tick: it must not be taken for one.
    const tick = await runtime.scheduler!.fireNow('heartbeat');
    await runtime.jobs.enqueue('demo.sleep', { ms: 1 });
    await waitFor(async () => (await runtime.store.get(tick.jobId))?.status === 'completed', 'the tick to complete');

    const ticks = await admin.lastTicks(schedules);
    expect(ticks.get('heartbeat')).toMatchObject({ jobId: tick.jobId, status: 'completed' });
    expect(ticks.has('nightly-sales-report')).toBe(false);
  });
});
