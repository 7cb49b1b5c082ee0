import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STATUS_SHARDS, statusShard, statusShards } from '../../shared/job-table.ts';

describe('byStatus shards', () => {
  it('puts a job in the same shard of every status', () => {
    const id = 'b9c5c3f4-1c1e-4d5e-9f38-4a4f5e2b8c10';
    const shard = statusShard('queued', id).split('#')[1];
    expect(statusShard('completed', id)).toBe(`completed#${shard}`);
    expect(statusShards('completed')).toContain(statusShard('completed', id));
  });

  it('spreads ids evenly enough over the shards', () => {
    const counts = new Array<number>(STATUS_SHARDS).fill(0);
    // Fixed ids (not random) so the assertion cannot flake; random ones below only check range.
    for (let i = 0; i < 8000; i++) counts[Number(statusShard('completed', `job-${i}`).split('#')[1])]!++;
    for (const count of counts) expect(count).toBeGreaterThan(700);
    for (let i = 0; i < 100; i++) {
      const shard = Number(statusShard('running', randomUUID()).split('#')[1]);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(STATUS_SHARDS);
    }
  });

  it('lists every shard of a status once', () => {
    expect(statusShards('failed')).toEqual(Array.from({ length: STATUS_SHARDS }, (_, i) => `failed#${i}`));
  });
});
