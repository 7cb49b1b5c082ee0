/**
 * The built front end (`dist/dashboard/public`, written by dashboard/build.ts at package build
 * time). index.html is served with the session's CSRF token and the access token filled in, so
 * the page's script can send them; everything else is served as built.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Secrets } from './security.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Next to the compiled server in the package (`dist/dashboard/public`); from the sources
 * (tsx, tests) the repository's build output.
 */
export function defaultAssetsDir(): string {
  const here = import.meta.dirname;
  const packaged = join(here, 'public');
  return existsSync(join(packaged, 'index.html')) ? packaged : join(here, '..', 'dist', 'dashboard', 'public');
}

export interface StaticFile {
  readonly status: number;
  readonly type: string;
  readonly body: Buffer | string;
}

export async function staticFile(assetsDir: string, pathname: string, secrets: Secrets): Promise<StaticFile> {
  let name: string;
  try {
    name = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  } catch {
    return { status: 400, type: 'text/plain', body: 'malformed path' };
  }
  const file = normalize(join(assetsDir, name));
  if (!file.startsWith(assetsDir + sep)) return { status: 404, type: TYPES['.html']!, body: 'not found' };
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    if (name === 'index.html') {
      return { status: 500, type: 'text/plain', body: `dashboard assets missing in ${assetsDir}: run npm run build` };
    }
    return { status: 404, type: 'text/plain', body: 'not found' };
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  if (name !== 'index.html') return { status: 200, type, body };
  const html = body
    .toString('utf8')
    .replaceAll('__CSRF_TOKEN__', secrets.csrf)
    .replaceAll('__ACCESS_TOKEN__', encodeURIComponent(secrets.token));
  return { status: 200, type, body: html };
}
