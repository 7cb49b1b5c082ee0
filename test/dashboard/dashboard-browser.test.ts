/**
 * The operator's night, clicked through in Chromium: jobs succeed, fail and land in the DLQ; the
 * failed job is listed with its reason; an invalid edited payload shows the field error; a
 * corrected one retries it and the page shows it completed; redrive empties a DLQ; each page is
 * screenshotted into test-artifacts/dashboard/.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobStatus } from '../../shared/lifecycle.ts';
import { waitFor } from '../integration/harness.ts';
import { startWebhookTarget, type WebhookTarget } from '../cli/cli-harness.ts';
import { ARTIFACTS, CHROMIUM, hasChromium, launchChromium, startDashboardRun, type DashboardRun } from './dashboard-harness.ts';

if (!hasChromium) {
  console.warn(`dashboard browser tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium; CI installs it)`);
}

describe.skipIf(!hasChromium)('dashboard in a browser', () => {
  let run: DashboardRun;
  let hooks: WebhookTarget;
  let browser: Browser;
  let page: Page;
  const jobs = { gone: '', outage: '', alwaysFails: '', fine: '' };

  const settled = (id: string, status: JobStatus) =>
    waitFor(async () => ((await run.runtime.store.get(id))?.status === status ? true : undefined), `job ${id} ${status}`);
  const open = async (hash: string) => {
    await page.goto(`${run.dashboard.url}${hash}`);
  };
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const text = (selector: string, hasText: string | RegExp, timeout = 30_000) =>
    page.locator(selector).filter({ hasText }).first().waitFor({ timeout });

  beforeAll(async () => {
    [run, hooks, browser] = await Promise.all([startDashboardRun(), startWebhookTarget(), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const { jobs: client } = run.runtime;
    hooks.setDown(true);
    jobs.gone = (await client.enqueue('webhook.send', { url: hooks.url('/gone'), event: 'signup' })).id;
    jobs.outage = (await client.enqueue('webhook.send', { url: hooks.url('/outage'), event: 'signup' })).id;
    jobs.alwaysFails = (await client.enqueue('demo.always-fails', {})).id;
    jobs.fine = (await client.enqueue('demo.sleep', { ms: 5 })).id;
    await Promise.all([settled(jobs.gone, 'failed'), settled(jobs.outage, 'failed'), settled(jobs.alwaysFails, 'failed'), settled(jobs.fine, 'completed')]);
    hooks.setDown(false);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([run?.stop(), hooks?.close()]);
  });

  it('refuses the page without the token', async () => {
    const response = await page.goto(`${run.dashboard.origin}/`);
    expect(response?.status()).toBe(403);
    expect(await page.textContent('body')).toContain('missing or wrong token');
  });

  it('shows the overview with depths, health and live charts', async () => {
    await open('#/');
    await text('[data-testid=classes] tr', 'notifications');
    await text('[data-testid=health]', 'healthy');
    await page.locator('.uplot canvas').nth(1).waitFor();
    expect(await page.locator('.uplot').count()).toBe(2);
    // The DLQs hold copies, past the 0 threshold: marked as monitor marks them.
    await text('[data-testid=classes] tr', /notifications.*2!(?!!)/);
    await shot('overview');
  });

  it('lists the failed job with its reason, rejects an invalid payload by field, retries a corrected one', async () => {
    await open('#/failed');
    const row = page.locator(`tr[data-job-id="${jobs.gone}"]`);
    await text('[data-testid=failure-stats]', 'non-retryable error');
    await shot('failed');
    await row.filter({ hasText: 'HTTP 404' }).waitFor();

    await row.getByRole('link', { name: 'Edit payload' }).click();
    await text('[data-testid=job-status]', 'failed');
    expect(await page.inputValue('textarea[name=payload]')).toContain('/gone');
    await page.fill('textarea[name=payload]', JSON.stringify({ url: 'not a url', event: '' }, null, 2));
    await page.getByRole('button', { name: 'Validate and retry' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await text('[data-testid=field-errors] li', /^url /);
    await text('[data-testid=field-errors] li', /^event /);
    await shot('payload-rejected');
    expect((await run.runtime.store.get(jobs.gone))?.status).toBe('failed'); // nothing was sent

    await page.fill('textarea[name=payload]', JSON.stringify({ url: hooks.url('/ok'), event: 'signup' }));
    await page.getByRole('button', { name: 'Validate and retry' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await text('[data-testid=action-results]', 'retried: queued again as generation 2');
    await text('[data-testid=job-status]', 'completed');
    await text('[data-testid=where-now]', 'finished');
    // A completed job offers no retry: the admin function would refuse it.
    expect(await page.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(0);
    await shot('job');
  });

  it('shows a DLQ sample with reasons and empties it with a redrive', async () => {
    await open('#/dlq');
    const card = page.locator('.dlq[data-class=notifications]');
    await card.getByTestId('dlq-depth-notifications').filter({ hasText: /^1$/ }).waitFor();
    await card.locator('tr').filter({ hasText: jobs.outage }).filter({ hasText: 'HTTP 503' }).waitFor();
    await shot('dead-letters');

    await card.getByRole('button', { name: 'Redrive' }).click();
    await card.getByRole('button', { name: 'Confirm' }).click();
    await card.getByTestId('redrive-progress').filter({ hasText: 'Redrive done: notifications: 1 message(s) moved' }).waitFor();
    await card.getByTestId('dlq-depth-notifications').filter({ hasText: /^0$/ }).waitFor();
    await settled(jobs.outage, 'completed'); // its copy ran again, hooks are up now
  });

  it('filters jobs by status and opens a job with its error history', async () => {
    await open('#/jobs?status=failed');
    await page.locator('[data-testid=jobs] a').filter({ hasText: jobs.alwaysFails }).click();
    await text('[data-testid=errors] tr', 'this job always fails');
    await text('details', 'Newest stack');
    expect(await page.textContent('[data-testid=payload]')).toBe('{}');
    await open('#/jobs');
    await text('[data-testid=jobs] tr', jobs.fine);
    await shot('jobs');
  });

  it('lists schedules with their next fire times and runs one now', async () => {
    await open('#/schedules');
    const row = page.locator('[data-testid=schedules] tr').filter({ hasText: 'heartbeat' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Run now' }).click();
    await row.getByRole('button', { name: 'Confirm' }).click();
    await row.filter({ hasText: 'sent:' }).waitFor();
    const jobId = (await row.locator('.ok a').textContent()) ?? '';
    await settled(jobId, 'completed');
    // The last tick and how it ended, read back from the table.
    await page.reload();
    const lastTick = page.getByTestId('last-tick-heartbeat');
    await lastTick.filter({ hasText: 'completed' }).waitFor();
    expect(await lastTick.locator('a').getAttribute('href')).toBe(`#/jobs/${jobId}`);
    await shot('schedules');
  });
});
