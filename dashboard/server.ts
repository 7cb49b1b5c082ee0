/**
 * `startDashboard`: the operator's web dashboard over the admin functions, on node:http.
 * Binds 127.0.0.1 by default; every request needs the random token in the printed URL (403
 * without it), and every POST the session's CSRF token (see security.ts).
 *
 * @example
 * const dashboard = await startDashboard({ admin, registry, schedules, config });
 * console.log(`Dashboard: ${dashboard.url}`);
 * await dashboard.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Admin } from '../shared/admin/admin.ts';
import type { JobRegistry } from '../shared/job-registry.ts';
import type { PipelineConfig } from '../shared/pipeline-config.ts';
import type { Schedule } from '../shared/schedules/schedule-catalog.ts';
import { apiRoutes } from './routes.ts';
import { allowedHosts, newSecrets, refusal } from './security.ts';
import { defaultAssetsDir, staticFile } from './static-files.ts';

export interface DashboardOptions {
  readonly admin: Admin;
  readonly registry: JobRegistry;
  readonly schedules: readonly Schedule[];
  readonly config: PipelineConfig;
  /** @defaultValue '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @defaultValue 0 */
  readonly port?: number;
  /** The built front end. @defaultValue dist/dashboard/public */
  readonly assetsDir?: string;
}

export interface Dashboard {
  /** The address to open, with the access token. */
  readonly url: string;
  /** The address without the token. */
  readonly origin: string;
  readonly token: string;
  readonly csrfToken: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  const assetsDir = options.assetsDir ?? defaultAssetsDir();
  const secrets = newSecrets();
  const api = apiRoutes(options);
  let hosts = new Set<string>();

  const send = (response: ServerResponse, status: number, type: string, body: string | Buffer) => {
    response.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    });
    response.end(body);
  };
  const sendJson = (response: ServerResponse, status: number, value: unknown) =>
    send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://dashboard');
    const refused = refusal(request, url, secrets, hosts);
    if (refused) return sendJson(response, 403, { error: refused });
    if (!url.pathname.startsWith('/api/')) {
      if (request.method !== 'GET') return sendJson(response, 405, { error: 'method not allowed' });
      const file = await staticFile(assetsDir, url.pathname, secrets);
      return send(response, file.status, file.type, file.body);
    }
    let body: Record<string, unknown> = {};
    if (request.method === 'POST') {
      const parsed = await readJson(request);
      if (parsed === undefined) return sendJson(response, 400, { error: 'the body must be a JSON object up to 1 MB' });
      body = parsed;
    }
    const result = await api(request.method ?? 'GET', url, body);
    sendJson(response, result.status, result.body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  hosts = allowedHosts(host, port);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `${origin}/?token=${encodeURIComponent(secrets.token)}`,
    origin,
    token: secrets.token,
    csrfToken: secrets.csrf,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
