/**
 * Pause / resume a class on the local runtime: the admin writes the pause item, the class's
 * poller stops running jobs (a batch received after the pause is handed back), and resuming
 * runs everything that waited. Bystander classes keep running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, type Admin } from '../../shared/admin/admin.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startTestRuntime, waitFor } from './harness.ts';
import { flowRegistry, flowRuns, flowRunsOf } from './flow-jobs.ts';

let runtime: LocalRuntime<typeof flowRegistry>;
let admin: Admin;

beforeAll(async () => {
  runtime = await startTestRuntime(flowRegistry);
  admin = createAdmin({ registry: flowRegistry, config: runtime.config, clients: runtime.clients });
});
afterAll(async () => {
  await runtime?.stop();
});

describe('pause / resume', () => {
  it('runs nothing of a paused class until it is resumed, then everything', async () => {
    const paused = await admin.pause('high-priority', 'tester');
    expect(paused).toMatchObject({ class: 'high-priority', paused: true, pausedBy: 'tester', mappings: [] });

    const held = await runtime.jobs.enqueueMany(Array.from({ length: 20 }, (_, n) => ({ job: 'flow.urgent' as const, payload: { n } })));
    const heldIds = held.map((r) => (r.ok ? r.job.id : ''));
    const bystander = await runtime.jobs.enqueue('flow.plain', { n: -1 });

    // The other class runs on, and the paused class's messages sit visible in its queue.
    await waitFor(async () => (await runtime.store.get(bystander.id))?.status === 'completed', 'the bystander to complete');
    const stats = await waitFor(async () => {
      const s = await admin.stats();
      const urgent = s.classes.find((c) => c.class === 'high-priority');
      return urgent && urgent.visible + urgent.inFlight === 20 ? s : undefined;
    }, 'the paused class to hold its 20 messages');
    expect(stats.classes.find((c) => c.class === 'high-priority')?.paused).toMatchObject({ by: 'tester' });
    expect(stats.classes.find((c) => c.class === 'default')?.paused).toBeUndefined();
    expect((await admin.health()).paused.map((p) => p.className)).toEqual(['high-priority']);
    expect(flowRuns.filter((run) => run.job === 'flow.urgent')).toHaveLength(0);
    // Never claimed: a plain job's record is written by its first claim.
    for (const id of heldIds) expect(await runtime.store.get(id)).toBeUndefined();

    const resumed = await admin.resume('high-priority');
    expect(resumed).toMatchObject({ class: 'high-priority', paused: false });
    await waitFor(
      async () => (await Promise.all(heldIds.map((id) => runtime.store.get(id)))).every((job) => job?.status === 'completed'),
      'every held job to complete',
    );
    for (const id of heldIds) expect(flowRunsOf(id)).toHaveLength(1);
    expect((await admin.health()).paused).toEqual([]);
    expect((await admin.stats()).classes.every((c) => c.paused === undefined)).toBe(true);
  });

  it('refuses an unknown class', async () => {
    await expect(admin.pause('nope')).rejects.toThrow(/unknown class "nope"/);
  });
});
