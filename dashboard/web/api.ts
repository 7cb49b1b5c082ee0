/**
 * Talking to the dashboard server: the access token (from the page's URL) goes on every request,
 * the CSRF token (from the page's meta tag) on every POST.
 */
const token = new URLSearchParams(location.search).get('token') ?? '';
const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';

/** A non-2xx answer; `body` is the server's JSON (`{ error }`, or `{ issues }` for a rejected payload). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; issues?: { path: string; message: string }[] },
  ) {
    super(body.error ?? (body.issues ? 'the payload does not match the job schema' : `HTTP ${status}`));
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: {
      'x-dashboard-token': token,
      ...(method === 'POST' ? { 'x-csrf-token': csrf, 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await response.json().catch(() => ({}))) as T;
  if (!response.ok) throw new ApiError(response.status, json as ApiError['body']);
  return json;
}

export const get = <T>(path: string, query: Record<string, string | undefined> = {}) => {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1])));
  const qs = params.toString();
  return call<T>('GET', qs ? `${path}?${qs}` : path);
};

export const post = <T>(path: string, body: unknown) => call<T>('POST', path, body);
