/**
 * What the cheap write path keeps: a plain job's record comes from its first claim, a lean job
 * leaves none unless it retries or fails, the per-minute aggregates carry `stats`, `list` of an
 * unindexed status scans, and a job cancelled before it started never runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { createAdmin } from '../../shared/admin/admin.ts';
import { JobNotFoundError } from '../../shared/admin/job-view.ts';
import { startTestRuntime, waitFor } from './harness.ts';
import { runsOf, trackingRegistry, trackingRuns } from './tracking-jobs.ts';

let runtime: LocalRuntime<typeof trackingRegistry>;
let admin: ReturnType<typeof createAdmin>;

beforeAll(async () => {
  runtime = await startTestRuntime(trackingRegistry);
  admin = createAdmin({ registry: trackingRegistry, config: runtime.config, clients: runtime.clients });
});
afterAll(async () => {
  await runtime?.stop();
});

const statusOf = async (id: string) => (await runtime.store.get(id))?.status;

describe('lean tracking', () => {
  it('runs a lean job that succeeds without writing its record; aggregates count it', async () => {
    const before = (await admin.stats()).throughput.lastHour;
    const jobs = await runtime.jobs.enqueueMany(Array.from({ length: 12 }, (_, n) => ({ job: 'tracking.lean' as const, payload: { n } })));
    const ids = jobs.map((r) => (r.ok ? r.job.id : ''));
    await waitFor(() => ids.every((id) => runsOf(id).length === 1), 'every lean job to run');

    for (const id of ids) expect(await runtime.store.get(id)).toBeUndefined();
    await expect(admin.show(ids[0]!)).rejects.toThrow(JobNotFoundError);
    await expect(admin.show(ids[0]!)).rejects.toThrow(/lean-tracked job\s+that completed leaves no record/);
    // The consumer adds the batch's tally to the minute's aggregate once the batch is done.
    const stats = await waitFor(async () => {
      const s = await admin.stats();
      return s.throughput.lastHour >= before + 12 ? s : undefined;
    }, 'the aggregates to count the lean jobs');
    expect(stats.durations.find((d) => d.job === 'tracking.lean')?.count).toBe(12);
  });

  it('writes a lean job record once it fails, and retries it as a tracked job', async () => {
    const job = await runtime.jobs.enqueue('tracking.lean', { n: 100, failTimes: 1 });
    const record = await waitFor(async () => {
      const r = await runtime.store.get(job.id);
      return r?.status === 'completed' ? r : undefined;
    }, 'the lean job to complete on its second attempt');

    expect(record).toMatchObject({ name: 'tracking.lean', class: 'default', attempts: 2 });
    expect(record.errors?.map((e) => e.message)).toEqual(['Error: planned failure 1']);
    expect(runsOf(job.id).map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('fails a lean job for good into the DLQ with its record, payload and reason', async () => {
    const job = await runtime.jobs.enqueue('tracking.lean', { n: 101, failTimes: 9 });
    await waitFor(async () => (await statusOf(job.id)) === 'failed', 'the lean job to fail');
    const record = await runtime.store.get(job.id);
    expect(record).toMatchObject({ attempts: 3, lastError: expect.stringMatching(/planned failure 3/) });
    expect(JSON.parse(record!.payloadJson!)).toEqual({ n: 101, failTimes: 9 });
    expect((await admin.failed({ job: 'tracking.lean' })).jobs.map((j) => j.id)).toContain(job.id);
  });
  it('does not start a lean job past its retryUntil: it fails with that reason', async () => {
    const job = await runtime.jobs.enqueue('tracking.lean-expired', { n: 102 });
    await waitFor(async () => (await statusOf(job.id)) === 'failed', 'the expired lean job to fail');
    expect((await runtime.store.get(job.id))?.lastError).toMatch(/retryUntil/);
    expect(runsOf(job.id)).toHaveLength(0);
  });
});

describe('default tracking', () => {
  it('records a plain job at its first claim, with no index entry until it fails', async () => {
    const job = await runtime.jobs.enqueue('tracking.full', { n: 1 });
    await waitFor(async () => (await statusOf(job.id)) === 'completed', 'the job to complete');
    const record = await runtime.store.get(job.id);
    expect(record).toMatchObject({ name: 'tracking.full', class: 'default', attempts: 1, enqueuedAt: expect.any(String) });
    expect(record?.statusShard).toBeUndefined();
  });

  it('lists completed jobs by scanning, filtered by job name and time', async () => {
    const since = new Date();
    const jobs = await runtime.jobs.enqueueMany(Array.from({ length: 5 }, (_, n) => ({ job: 'tracking.full' as const, payload: { n: 10 + n } })));
    const ids = jobs.map((r) => (r.ok ? r.job.id : ''));
    await waitFor(async () => (await Promise.all(ids.map(statusOf))).every((s) => s === 'completed'), 'the jobs to complete');

    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.list({ status: 'completed', job: 'tracking.full', since, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      listed.push(...page.jobs.map((j) => j.id));
      cursor = page.cursor;
    } while (cursor);
    expect(listed.sort()).toEqual([...ids].sort());
    // Aggregate items and other non-job items never show up in a scan.
    const all = await admin.list({ limit: 1000 });
    expect(all.jobs.every((j) => typeof j.gen === 'number' && j.name !== undefined)).toBe(true);
  });

  it('cancels a job that has not started: its delivery is dropped and it never runs', async () => {
    await admin.pause('default', 'tracking-test');
    try {
      const job = await runtime.jobs.enqueue('tracking.full', { n: 50 });
      const bystander = await runtime.jobs.enqueue('tracking.full', { n: 51 });
      expect(await runtime.jobs.cancel(job.id, { by: 'tester' })).toEqual({ id: job.id, status: 'cancelled' });
      expect(await runtime.store.get(job.id)).toMatchObject({ status: 'cancelled', lastError: 'cancelled by tester' });
      await admin.resume('default');
      await waitFor(async () => (await statusOf(bystander.id)) === 'completed', 'the bystander to complete');
      expect(runsOf(job.id)).toHaveLength(0);
      expect(await statusOf(job.id)).toBe('cancelled');
    } finally {
      await admin.resume('default').catch(() => undefined);
    }
  });
});

describe('aggregates', () => {
  it('count failures and retries per minute for stats and the failure rate', async () => {
    const before = await admin.stats();
    const job = await runtime.jobs.enqueue('tracking.full', { n: 200, failTimes: 9 });
    await waitFor(async () => (await statusOf(job.id)) === 'failed', 'the job to fail');
    const minutes = await waitFor(async () => {
      const list = await admin.minutes(Date.now() - 5 * 60_000);
      const failed = list.reduce((sum, m) => sum + (m.byJob.get('tracking.full')?.failed ?? 0), 0);
      return failed >= 1 ? list : undefined;
    }, 'the failure to be aggregated');
    const retried = minutes.reduce((sum, m) => sum + (m.byJob.get('tracking.full')?.retried ?? 0), 0);
    expect(retried).toBeGreaterThanOrEqual(2);
    const after = await admin.stats();
    expect(after.failureRate).not.toBeNull();
    expect(after.jobsByStatus.failed).toBeGreaterThan(before.jobsByStatus.failed ?? 0);
    expect(trackingRuns.filter((r) => r.id === job.id)).toHaveLength(3);
  });
});

describe('scan listing', () => {
  it('pages through a table larger than one scan chunk without repeats or gaps', async () => {
    const { scanJobs } = await import('../../shared/status-store/job-scan.ts');
    const jobs = await runtime.jobs.enqueueMany(Array.from({ length: 23 }, (_, n) => ({ job: 'tracking.full' as const, payload: { n: 300 + n } })));
    const ids = jobs.map((r) => (r.ok ? r.job.id : ''));
    await waitFor(async () => (await Promise.all(ids.map(statusOf))).every((s) => s === 'completed'), 'the jobs to complete');

    const seen: string[] = [];
    let position: Awaited<ReturnType<typeof scanJobs>>['next'];
    let pages = 0;
    do {
      // Chunks of two 5-item table pages, 4 jobs a page: many chunks, some pages empty.
      const page = await scanJobs(runtime.clients.dynamodb, runtime.config.tableName, { job: 'tracking.full', limit: 4 }, position, { pages: 2, itemsPerPage: 5 });
      seen.push(...page.jobs.map((j) => j.id));
      position = page.next;
      pages++;
    } while (position && pages < 500);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
  });
});
