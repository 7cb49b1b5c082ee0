/**
 * Rate limits on the emulators, with four poll loops invoking the consumer concurrently: the
 * measured start rate over a few hundred jobs stays within 10 % of the limit, per key too, and
 * no job spends an attempt or a release waiting for its slot. The limits are set well below
 * what the emulators sustain on a 2-core machine (about 45 deliveries a second).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startTestRuntime, testClasses, waitFor } from './harness.ts';
import { KEYED_RATE, RATE, rateRegistry, starts } from './rate-limit-jobs.ts';

let runtime: LocalRuntime<typeof rateRegistry>;

beforeAll(async () => {
  runtime = await startTestRuntime(rateRegistry, {
    classes: { ...testClasses, default: { ...testClasses.default, maxConcurrency: 4, timeoutSeconds: 10 } },
  });
});
afterAll(async () => {
  await runtime?.stop();
});

/**
 * Starts per second in the steady part of a run, from the 20 % start to the 80 % one (its first
 * deliveries all arrive at once and queue behind each other, its end trails off): the slope of
 * a least-squares line through every start time of that part, so that a late first or last
 * start on a busy machine does not swing the figure the way a two-point estimate would. Plus
 * the counts per whole second from the first start, for the message.
 */
function steadyRate(times: readonly number[]): { rate: number; windows: number[] } {
  const sorted = [...times].sort((a, b) => a - b);
  const part = sorted.slice(Math.floor(sorted.length * 0.2), Math.floor(sorted.length * 0.8) + 1);
  const meanIndex = (part.length - 1) / 2;
  const meanTime = part.reduce((sum, t) => sum + t, 0) / part.length;
  let covariance = 0;
  let variance = 0;
  part.forEach((t, i) => {
    covariance += (i - meanIndex) * (t - meanTime);
    variance += (i - meanIndex) ** 2;
  });
  const msPerStart = covariance / variance;
  const rate = 1000 / msPerStart;
  const first = sorted[0]!;
  const full = Math.floor((sorted.at(-1)! - first) / 1000);
  const windows = Array.from({ length: full }, (_, w) => sorted.filter((t) => t >= first + w * 1000 && t < first + (w + 1) * 1000).length);
  return { rate, windows };
}

async function allCompleted(ids: readonly string[]) {
  return waitFor(
    async () => {
      const jobs = await Promise.all(ids.map((id) => runtime.store.get(id)));
      return jobs.every((job) => job?.status === 'completed') ? jobs : undefined;
    },
    `${ids.length} jobs to complete`,
    120_000,
  );
}

describe('rate limits', () => {
  it(`starts ${RATE} jobs a second, within 10 %, over 200 jobs`, async () => {
    const results = await runtime.jobs.enqueueMany(Array.from({ length: 200 }, (_, n) => ({ job: 'rate.limited' as const, payload: { n } })));
    const ids = results.map((r) => (r.ok ? r.job.id : ''));
    const jobs = await allCompleted(ids);

    const { rate, windows } = steadyRate(starts.filter((s) => s.job === 'rate.limited').map((s) => s.at));
    expect(Math.abs(rate - RATE) / RATE, `starts per second: ${windows.join(', ')}`).toBeLessThanOrEqual(0.1);
    // Waiting for a slot is neither an attempt nor a release.
    expect(jobs.every((job) => job?.attempts === 1 && (job.releases ?? 0) === 0)).toBe(true);
    expect(jobs.filter((job) => (job?.rateWaits ?? 0) >= 1).length).toBeGreaterThan(150);
  }, 120_000);

  it(`limits each key on its own: ${KEYED_RATE} a second per tenant`, async () => {
    const entries = Array.from({ length: 160 }, (_, n) => ({ job: 'rate.keyed' as const, payload: { tenant: n % 2 ? 'a' : 'b', n } }));
    const results = await runtime.jobs.enqueueMany(entries);
    await allCompleted(results.map((r) => (r.ok ? r.job.id : '')));
    for (const tenant of ['a', 'b']) {
      const { rate, windows } = steadyRate(starts.filter((s) => s.job === 'rate.keyed' && s.key === tenant).map((s) => s.at));
      expect(Math.abs(rate - KEYED_RATE) / KEYED_RATE, `tenant ${tenant} starts per second: ${windows.join(', ')}`).toBeLessThanOrEqual(0.1);
    }
  }, 120_000);
});
