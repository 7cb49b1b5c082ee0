/** The catalog refuses nonsensical flow-control settings, one clear error each. */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineJob } from '../../shared/define-job.ts';

const base = { name: 'x.job', class: 'default', schema: z.object({ tenant: z.string() }), handle: async () => undefined } as const;

describe('defineJob rateLimit', () => {
  it('accepts a limit per job and per key', () => {
    expect(defineJob({ ...base, rateLimit: { limit: 100, perSeconds: 60, key: (p) => p.tenant } }).rateLimit?.limit).toBe(100);
  });

  it.each([
    [{ limit: 0, perSeconds: 1 }, /rateLimit.limit must be an integer >= 1/],
    [{ limit: 1.5, perSeconds: 1 }, /rateLimit.limit must be an integer >= 1/],
    [{ limit: 1, perSeconds: 0 }, /rateLimit.perSeconds must be > 0/],
    [{ limit: 5000, perSeconds: 1 }, /at most 1000 \(one DynamoDB item's write rate\)/],
    [{ limit: 1, perSeconds: 1, key: 'tenant' }, /rateLimit.key must be a function/],
  ])('refuses %o', (rateLimit, message) => {
    expect(() => defineJob({ ...base, rateLimit: rateLimit as never })).toThrow(message);
  });
});

describe('defineJob concurrency', () => {
  it.each([
    [{ limit: 0, key: () => 'k' }, /concurrency.limit must be an integer from 1 to 1000/],
    [{ limit: 2 }, /concurrency.key must be a function/],
  ])('refuses %o', (concurrency, message) => {
    expect(() => defineJob({ ...base, concurrency: concurrency as never })).toThrow(message);
  });
});

describe('defineJob unique', () => {
  it.each([
    [{ key: 'report', while: 'queued', forSeconds: 60 }, /unique.key must be a function/],
    [{ key: () => 'k', while: 'done', forSeconds: 60 }, /unique.while must be one of queued, running, queued-or-running/],
    [{ key: () => 'k', while: 'queued', forSeconds: 0 }, /unique.forSeconds must be a whole number of seconds >= 1/],
  ])('refuses %o', (unique, message) => {
    expect(() => defineJob({ ...base, unique: unique as never })).toThrow(message);
  });
});

describe('defineJob debounce', () => {
  it.each([
    [{ key: 'user', seconds: 5, mode: 'last' }, /debounce.key must be a function/],
    [{ key: () => 'k', seconds: 0, mode: 'last' }, /debounce.seconds must be a whole number of seconds >= 1/],
    [{ key: () => 'k', seconds: 5, mode: 'middle' }, /debounce.mode must be 'first' or 'last'/],
  ])('refuses %o', (debounce, message) => {
    expect(() => defineJob({ ...base, debounce: debounce as never })).toThrow(message);
  });

  it('refuses debounce together with unique', () => {
    expect(() =>
      defineJob({ ...base, debounce: { key: () => 'k', seconds: 5, mode: 'last' }, unique: { key: () => 'k', while: 'queued', forSeconds: 60 } }),
    ).toThrow(/debounce and unique exclude each other/);
  });
});
