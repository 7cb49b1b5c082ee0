/**
 * The dashboard's guards. Every request needs the secret token printed at start (as Jupyter
 * does), in the `token` query parameter or the `x-dashboard-token` header; a request naming
 * another host is refused (a DNS-rebinding page would); a POST needs the per-session CSRF token
 * in `x-csrf-token`, a JSON body, and, when the browser sends one, an Origin of this server.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface Secrets {
  readonly token: string;
  readonly csrf: string;
}

export function newSecrets(): Secrets {
  return { token: randomBytes(24).toString('base64url'), csrf: randomBytes(24).toString('base64url') };
}

function same(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The host names the server answers to: the one it binds and, for a loopback bind, localhost. */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set([host]);
  if (host === '127.0.0.1' || host === 'localhost' || host === '::1') names.add('127.0.0.1').add('localhost').add('[::1]');
  if (host.includes(':') && !host.startsWith('[')) names.add(`[${host}]`);
  return new Set([...names].map((name) => `${name}:${port}`));
}

/** Why the request is refused, or undefined when it may go on. */
export function refusal(request: IncomingMessage, url: URL, secrets: Secrets, hosts: Set<string>): string | undefined {
  if (!hosts.has(request.headers.host ?? '')) return 'unexpected Host header';
  const header = request.headers['x-dashboard-token'];
  const token = typeof header === 'string' ? header : (url.searchParams.get('token') ?? undefined);
  if (!same(token, secrets.token)) return 'missing or wrong token: open the address the dashboard printed at start';
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  if (request.method !== 'POST') return 'method not allowed';
  const csrf = request.headers['x-csrf-token'];
  if (!same(typeof csrf === 'string' ? csrf : undefined, secrets.csrf)) return 'missing or wrong CSRF token';
  const origin = request.headers.origin;
  if (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, ''))) return 'cross-origin request';
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return 'a POST must send JSON';
  return undefined;
}
