/**
 * The operator's loop through the built CLI against the local runtime: a job fails, shows up in
 * `failed` and `failed --stats`, is retried with a corrected payload and completes; a class-wide
 * outage is repaired with `retry --all`; `redrive` re-runs DLQ copies; `forget` and `flush`
 * remove exactly what they name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobActionResult } from '../../shared/admin/admin-context.ts';
import type { FailureStats } from '../../shared/admin/failure-stats.ts';
import type { JobView } from '../../shared/admin/job-view.ts';
import type { JobStatus } from '../../shared/lifecycle.ts';
import type { JobPage } from '../../shared/status-store/job-query.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import type { DemoJobRegistry } from '../../examples/demo/src/jobs.ts';
import { queueDepth, waitFor } from '../integration/harness.ts';
import { runCli, runCliJson, startCliRuntime, startWebhookTarget, type WebhookTarget } from './cli-harness.ts';

let runtime: LocalRuntime<DemoJobRegistry>;
let hooks: WebhookTarget;
let env: Record<string, string>;

beforeAll(async () => {
  [runtime, hooks] = await Promise.all([startCliRuntime(), startWebhookTarget()]);
  env = runtime.environment;
});
afterAll(async () => {
  await Promise.all([runtime?.stop(), hooks?.close()]);
});

const webhook = (path: string) => JSON.stringify({ url: hooks.url(path), event: 'test' });
const enqueue = async (job: string, payload: string) =>
  (await runCliJson<{ id: string }>(['enqueue', job, '--payload', payload], env)).id;
const show = (id: string) => runCliJson<JobView>(['show', id], env);
const settled = (id: string, status: JobStatus) =>
  waitFor(async () => ((await runtime.store.get(id))?.status === status ? true : undefined), `job ${id} ${status}`);
const dlqDepth = (cls: string) => queueDepth(runtime.clients.sqs, runtime.config.queues[cls]!.dlqUrl);

describe('sqs-jobs CLI: failures and repairs', () => {
  it('shows a failed job, groups failures, and retries it with a corrected payload', async () => {
    const id = await enqueue('webhook.send', webhook('/gone'));
    await settled(id, 'failed');

    const failed = await runCliJson<JobPage>(['failed'], env);
    expect(failed.jobs.map((j) => j.id)).toContain(id);
    const table = await runCli(['failed'], env);
    // The consumer's catalog (test-sized classes here) decides the attempts its claim records.
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+webhook\\.send\\s+notifications\\s+1/2`));

    const stats = await runCliJson<FailureStats>(['failed', '--stats'], env);
    expect(stats.byJob).toContainEqual({ job: 'webhook.send', count: expect.any(Number) });
    expect(stats.byReason.map((r) => r.reason)).toContain('non-retryable error');

    const rejected = await runCli(['retry', id, '--payload', JSON.stringify({ url: 'not a url', event: 'x' })], env);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toMatch(/invalid payload for job "webhook.send": url: /);
    expect((await show(id)).job.status).toBe('failed');

    const retried = await runCliJson<JobActionResult[]>(['retry', id, '--payload', webhook('/ok')], env);
    expect(retried).toEqual([{ id, ok: true, detail: expect.stringMatching(/generation 2/) }]);
    await settled(id, 'completed');
    const view = await show(id);
    expect(view.job).toMatchObject({ status: 'completed', gen: 2, attempts: 1 });
    expect(view.job.errors?.[0]?.message).toMatch(/HTTP 404/); // the history survives the retry
    expect(view.whereNow).toBe('finished');
  });

  it('repairs a class-wide outage with retry --all, leaving other classes alone', async () => {
    hooks.setDown(true);
    const ids = await Promise.all([1, 2, 3].map(() => enqueue('webhook.send', webhook('/outage'))));
    const bystander = await enqueue('demo.always-fails', '{}');
    await Promise.all([...ids.map((id) => settled(id, 'failed')), settled(bystander, 'failed')]);
    hooks.setDown(false);

    const results = await runCliJson<JobActionResult[]>(['retry', '--all', '--class', 'notifications'], env);

    expect(results.filter((r) => r.ok).map((r) => r.id).sort()).toEqual([...ids].sort());
    await Promise.all(ids.map((id) => settled(id, 'completed')));
    expect((await show(bystander)).job.status).toBe('failed');
    expect(await dlqDepth('notifications')).toBe(0); // retried jobs' DLQ copies are gone
  });

  it('redrives DLQ copies so failed jobs run again', async () => {
    hooks.setDown(true);
    const id = await enqueue('webhook.send', webhook('/outage'));
    await settled(id, 'failed');
    await waitFor(async () => (await dlqDepth('notifications')) === 1, 'the DLQ copy');
    hooks.setDown(false);

    const run = await runCli(['redrive', '--class', 'notifications'], env);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/notifications\s+copy\s+1/);
    await settled(id, 'completed');
    expect((await show(id)).job.attempts).toBe(1); // fresh attempts after the redrive
  });

  it('forgets one job only with confirmation, and flushes exactly what it listed', async () => {
    const [first, second, third] = await Promise.all([1, 2, 3].map(() => enqueue('webhook.send', webhook('/gone'))));
    const bystander = await enqueue('demo.always-fails', '{}');
    await Promise.all([first, second, third].map((id) => settled(id!, 'failed')));
    await settled(bystander, 'failed');

    const refused = await runCli(['forget', first!], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refusing without --yes/);
    expect((await show(first!)).job.status).toBe('failed');

    expect((await runCli(['forget', first!, '--yes'], env)).code).toBe(0);
    const gone = await runCli(['show', first!], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(new RegExp(`^sqs-jobs: no job with id "${first}": no record yet\\.`));

    const flushed = await runCliJson<JobActionResult[]>(['flush', '--class', 'notifications', '--yes'], env);
    expect(flushed.map((r) => r.id).sort()).toEqual([second, third].sort());
    expect(await dlqDepth('notifications')).toBe(0);
    expect((await show(bystander)).job.status).toBe('failed'); // another class: untouched
    expect(await dlqDepth('default')).toBeGreaterThan(0);
  });

  it('names the problem in one line and changes nothing on bad input', async () => {
    const badJson = await runCli(['enqueue', 'webhook.send', '--payload', '{nope'], env);
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toMatch(/^sqs-jobs: --payload is not valid JSON: /);
    const unknown = await runCli(['enqueue', 'no.such.job', '--payload', '{}'], env);
    expect(unknown.stderr).toBe('sqs-jobs: unknown job "no.such.job": no job definition with that name is registered\n');
    const schema = await runCli(['enqueue', 'webhook.send', '--payload', '{"url":"x"}'], env);
    expect(schema.stderr).toMatch(/^sqs-jobs: invalid payload for job "webhook.send": url: .*; event: /);
    const noConfig = await runCli(['stats'], {});
    expect(noConfig.stderr).toMatch(/^sqs-jobs: no pipeline configured: set SQS_JOBS_TABLE_NAME/);
  });
});
