/**
 * The dashboard's guards, request by request: no token, no entry (403); a POST needs the CSRF
 * token, this server's Origin and JSON; a foreign Host header (DNS rebinding) is refused.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardRun, type DashboardRun } from './dashboard-harness.ts';

let run: DashboardRun;
beforeAll(async () => {
  run = await startDashboardRun();
});
afterAll(async () => {
  await run?.stop();
});

const at = (path: string) => `${run.dashboard.origin}${path}`;
const post = (path: string, headers: Record<string, string>, body = '{"ids":["nope"]}') =>
  fetch(at(path), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

/** node:http, because fetch will not send a Host header of our choosing. */
function getWithHost(path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(at(path));
    request({ hostname: url.hostname, port: url.port, path, headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('dashboard security', () => {
  it('binds to loopback and refuses any request without the token', async () => {
    expect(run.dashboard.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(at('/'))).status).toBe(403);
    expect((await fetch(at('/app.js'))).status).toBe(403);
    expect((await fetch(at('/api/meta'))).status).toBe(403);
    expect((await fetch(at('/api/meta?token=wrong'))).status).toBe(403);
    expect((await fetch(at('/api/meta'), { headers: { 'x-dashboard-token': 'wrong' } })).status).toBe(403);
  });

  it('serves the page and the API with the token', async () => {
    const page = await fetch(run.dashboard.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`content="${run.dashboard.csrfToken}"`);
    const meta = await fetch(at('/api/meta'), { headers: { 'x-dashboard-token': run.dashboard.token } });
    expect(await meta.json()).toMatchObject({ classes: expect.arrayContaining(['default', 'notifications']) });
  });

  it('answers a malformed path with 400, and does not escape the assets folder', async () => {
    const headers = { 'x-dashboard-token': run.dashboard.token };
    expect((await fetch(at('/api/jobs/%E0%A4%A'), { headers })).status).toBe(400);
    expect((await fetch(at('/%E0%A4%A'), { headers })).status).toBe(400);
    expect((await fetch(at('/..%2f..%2fpackage.json'), { headers })).status).toBe(404);
  });

  it('refuses a POST without the CSRF token, from another origin, or not JSON', async () => {
    const token = { 'x-dashboard-token': run.dashboard.token };
    const csrf = { ...token, 'x-csrf-token': run.dashboard.csrfToken };
    const noCsrf = await post('/api/retry', token);
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.json()).toEqual({ error: 'missing or wrong CSRF token' });
    expect((await post('/api/retry', { ...token, 'x-csrf-token': 'guess' })).status).toBe(403);
    expect((await post('/api/retry', { ...csrf, origin: 'http://evil.example' })).status).toBe(403);
    const form = await fetch(at('/api/retry'), { method: 'POST', headers: { ...csrf, 'content-type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(403);
    // All present: the admin function answers, here that there is no such job.
    const ok = await post('/api/retry', { ...csrf, origin: run.dashboard.origin });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual([{ id: 'nope', ok: false, error: 'no job with id "nope"' }]);
  });

  it('refuses a request naming another host (DNS rebinding)', async () => {
    const path = `/api/meta?token=${encodeURIComponent(run.dashboard.token)}`;
    expect(await getWithHost(path, 'evil.example')).toBe(403);
    expect(await getWithHost(path, new URL(run.dashboard.origin).host)).toBe(200);
  });
});
