/**
 * Jobs completed and failed per minute over the last hour, for the Overview's charts. The first
 * read lists the hour's finished jobs (up to `max` per status); later reads list only what
 * finished since the previous read (with a little overlap, deduplicated), so a refresh every
 * few seconds costs a few index reads, not the whole hour again.
 */
import type { Admin } from '../shared/admin/admin.ts';
import type { ThroughputHistory } from './api-types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const OVERLAP = 10_000;

export function throughputHistory(admin: Pick<Admin, 'list'>, now: () => number = Date.now, max = 2000) {
  /** `id:statusAt` → epoch ms it finished, per status. */
  const seen = { completed: new Map<string, number>(), failed: new Map<string, number>() };
  let readUpTo: number | undefined;

  async function read(status: 'completed' | 'failed', since: number): Promise<void> {
    let cursor: string | undefined;
    let count = 0;
    do {
      const page = await admin.list({ status, since: new Date(since), limit: 500, ...(cursor ? { cursor } : {}) });
      for (const job of page.jobs) seen[status].set(`${job.id}:${job.statusAt}`, Date.parse(job.statusAt));
      count += page.jobs.length;
      cursor = page.cursor;
    } while (cursor && count < max);
  }

  return async function refresh(): Promise<ThroughputHistory> {
    const at = now();
    const since = readUpTo === undefined ? at - HOUR : Math.max(at - HOUR, readUpTo - OVERLAP);
    await Promise.all([read('completed', since), read('failed', since)]);
    readUpTo = at;
    const first = Math.floor((at - HOUR) / MINUTE) * MINUTE + MINUTE;
    const minutes = Array.from({ length: 60 }, (_, i) => first + i * MINUTE);
    const bucket = (map: Map<string, number>) => {
      const counts = new Array<number>(60).fill(0);
      for (const [key, ms] of map) {
        if (ms < first - MINUTE) map.delete(key);
        else if (ms >= first) counts[Math.min(59, Math.floor((ms - first) / MINUTE))]!++;
      }
      return counts;
    };
    return { minutes: minutes.map((ms) => ms / 1000), completed: bucket(seen.completed), failed: bucket(seen.failed) };
  };
}
