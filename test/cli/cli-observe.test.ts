/**
 * `stats`, `list`, `monitor` and `health` through the built CLI, on a runtime of their own so
 * the numbers can be checked exactly against the jobs this file ran.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../shared/admin/health-check.ts';
import type { PipelineStats } from '../../shared/admin/pipeline-stats.ts';
import type { DemoJobRegistry } from '../../examples/demo/src/jobs.ts';
import type { JobPage } from '../../shared/status-store/job-query.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { waitFor } from '../integration/harness.ts';
import { runCli, runCliJson, startCliRuntime, startWebhookTarget, type WebhookTarget } from './cli-harness.ts';

let runtime: LocalRuntime<DemoJobRegistry>;
let hooks: WebhookTarget;
let env: Record<string, string>;
let stopped = false;

beforeAll(async () => {
  [runtime, hooks] = await Promise.all([startCliRuntime(), startWebhookTarget()]);
  env = runtime.environment;
});
afterAll(async () => {
  await hooks?.close();
  if (!stopped) await runtime?.stop();
});

const enqueue = async (job: string, payload: unknown) =>
  (await runCliJson<{ id: string }>(['enqueue', job, '--payload', JSON.stringify(payload)], env)).id;
const settled = (ids: readonly string[], status: string) =>
  waitFor(async () => {
    const records = await Promise.all(ids.map((id) => runtime.store.get(id)));
    return records.every((r) => r?.status === status) ? true : undefined;
  }, `${ids.length} job(s) ${status}`);

describe('sqs-jobs CLI: observing the pipeline', () => {
  it('reports stats that match the jobs run', async () => {
    const sleepers = await Promise.all([40, 60, 80].map((ms) => enqueue('demo.sleep', { ms })));
    const failing = await enqueue('webhook.send', { url: hooks.url('/gone'), event: 'x' });
    await settled(sleepers, 'completed');
    await settled([failing], 'failed');

    const stats = await runCliJson<PipelineStats>(['stats'], env);

    expect(stats.jobsByStatus).toEqual({ scheduled: 0, queued: 0, completed: 3, failed: 1, cancelled: 0 });
    expect(stats.throughput).toEqual({ lastMinute: 3, last5Minutes: 3, lastHour: 3 });
    expect(stats.failureRate).toBe(0.25);
    const sleep = stats.durations.find((d) => d.job === 'demo.sleep');
    expect(sleep?.count).toBe(3);
    expect(sleep?.p99).toBeGreaterThanOrEqual(80); // the slowest sleeper slept 80 ms
    expect(stats.classes.find((c) => c.class === 'notifications')).toMatchObject({ dlqDepth: 1, visible: 0 });
    expect(stats.classes.find((c) => c.class === 'high-priority')).toMatchObject({ dlqDepth: 0, visible: 0, inFlight: 0 });

    const monitor = await runCli(['monitor', '--once'], env);
    expect(monitor.code).toBe(0);
    expect(monitor.stdout).toMatch(/notifications\s+0\s+0\s+0\s+1!(?!!)/); // a non-empty DLQ is a warning, as its alarm
  });

  it('lists jobs newest first, page by page, without repeats or gaps', async () => {
    const ids: string[] = [];
    for (const failuresBeforeSuccess of [0, 0, 0, 0, 0]) ids.push(await enqueue('demo.flaky', { failuresBeforeSuccess }));
    await settled(ids, 'completed');

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page: JobPage = await runCliJson<JobPage>(
        ['list', '--class', 'default', '--limit', '2', ...(cursor ? ['--cursor', cursor] : [])],
        env,
      );
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 10);

    expect(seen).toEqual([...ids].reverse());
    const all = await runCliJson<JobPage>(['list', '--limit', '50'], env);
    expect(all.jobs).toHaveLength(9); // 3 sleepers + 1 webhook + 5 flaky, merged across classes
  });

  it('says healthy while the services answer and unhealthy once they are gone', async () => {
    const healthy = await runCli(['health'], env);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/^healthy\n/);

    await runtime.stop();
    stopped = true;
    const down = await runCli(['--json', 'health'], env);
    expect(down.code).toBe(2);
    const report = JSON.parse(down.stdout) as HealthReport;
    expect(report.status).toBe('unhealthy');
    expect(report.checks.every((c) => !c.ok)).toBe(true);
  });
});
