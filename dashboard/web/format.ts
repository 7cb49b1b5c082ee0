/** How times and numbers read on the pages. */
export const time = (iso: string | number | undefined): string =>
  iso === undefined ? '-' : new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (Math.abs(s) < 60) return `${s}s ago`;
  if (Math.abs(s) < 3600) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
}

export const seconds = (s: number | null): string =>
  s === null ? '-' : s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;

export const percent = (rate: number | null): string => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);

export const truncate = (text: string | undefined, chars: number): string =>
  !text ? '-' : text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;

/** Reads `#/path?query` into its parts. */
export function parseHash(hash: string): { path: string[]; query: URLSearchParams } {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

export function hashFor(path: string, query: Record<string, string | undefined> = {}): string {
  const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}
