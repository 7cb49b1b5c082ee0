/**
 * Concurrency keys on the emulators with four poll loops: never more than the limit of one key
 * running at once (counted in the handlers, and sampled from the slot items while the jobs
 * run), while different keys run side by side; waiting is neither an attempt nor a release.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { concurrencyItemId, createConcurrencySlots } from '../../shared/status-store/concurrency-slots.ts';
import { startTestRuntime, testClasses, waitFor } from './harness.ts';
import { PER_KEY, concurrencyRegistry, mostAtOnce } from './concurrency-jobs.ts';

let runtime: LocalRuntime<typeof concurrencyRegistry>;

beforeAll(async () => {
  runtime = await startTestRuntime(concurrencyRegistry, {
    classes: { ...testClasses, default: { ...testClasses.default, maxConcurrency: 4 } },
  });
});
afterAll(async () => {
  await runtime?.stop();
});

describe('concurrency keys', () => {
  it(`runs at most ${PER_KEY} jobs per key at once, keys side by side`, async () => {
    const tenants = ['a', 'b', 'c'];
    const results = await runtime.jobs.enqueueMany(
      Array.from({ length: 36 }, (_, n) => ({ job: 'conc.keyed' as const, payload: { tenant: tenants[n % 3]!, n } })),
    );
    const ids = results.map((r) => (r.ok ? r.job.id : ''));

    const sampled: number[] = [];
    const jobs = await waitFor(
      async () => {
        for (const tenant of tenants) {
          const { Item } = await runtime.clients.dynamodb.send(
            new GetCommand({ TableName: runtime.config.tableName, Key: { id: concurrencyItemId('conc.keyed', tenant) }, ConsistentRead: true }),
          );
          sampled.push(Object.keys((Item?.holders ?? {}) as object).length);
        }
        const all = await Promise.all(ids.map((id) => runtime.store.get(id)));
        return all.every((job) => job?.status === 'completed') ? all : undefined;
      },
      'every job to complete',
      90_000,
    );

    for (const tenant of tenants) expect(mostAtOnce.get(tenant), `tenant ${tenant}`).toBe(PER_KEY);
    expect(Math.max(...sampled)).toBeLessThanOrEqual(PER_KEY);
    expect(sampled.some((n) => n === PER_KEY)).toBe(true);
    expect(jobs.every((job) => job?.attempts === 1 && (job.releases ?? 0) === 0)).toBe(true);
    expect(jobs.some((job) => (job?.concurrencyWaits ?? 0) > 0)).toBe(true);
  }, 120_000);

  it('frees the slot of a crashed holder when its lease ends', async () => {
    let clock = 1_000_000;
    const slots = createConcurrencySlots({ documentClient: runtime.clients.dynamodb, tableName: runtime.config.tableName, now: () => clock });
    const key = concurrencyItemId('conc.crash', 'k');
    expect(await slots.acquire(key, 'crashed', 2, clock + 1000)).toBe(true);
    expect(await slots.acquire(key, 'alive', 2, clock + 60_000)).toBe(true);
    expect(await slots.acquire(key, 'waiting', 2, clock + 60_000)).toBe(false);
    expect(await slots.acquire(key, 'alive', 2, clock + 60_000)).toBe(true); // a duplicate delivery keeps its slot
    clock += 2000;
    expect(await slots.acquire(key, 'waiting', 2, clock + 60_000)).toBe(true);
    await slots.release(key, 'alive');
    expect(await slots.acquire(key, 'next', 2, clock + 60_000)).toBe(true);
    expect(await slots.acquire(key, 'one-too-many', 2, clock + 60_000)).toBe(false);
  });
});
