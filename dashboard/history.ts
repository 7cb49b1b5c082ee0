/**
 * Jobs completed and failed per minute over the last hour, for the Overview's charts: the
 * consumers' per-minute aggregate items, read by key (60 per class, one BatchGetItem per 100).
 */
import type { Admin } from '../shared/admin/admin.ts';
import type { ThroughputHistory } from './api-types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function throughputHistory(admin: Pick<Admin, 'minutes'>, now: () => number = Date.now) {
  return async function refresh(): Promise<ThroughputHistory> {
    const at = now();
    const first = Math.floor((at - HOUR) / MINUTE) * MINUTE + MINUTE;
    const minutes = Array.from({ length: 60 }, (_, i) => first + i * MINUTE);
    const completed = new Array<number>(60).fill(0);
    const failed = new Array<number>(60).fill(0);
    for (const minute of await admin.minutes(first, at)) {
      const slot = Math.floor((minute.minute - first) / MINUTE);
      if (slot < 0 || slot >= 60) continue;
      completed[slot]! += minute.totals.completed;
      failed[slot]! += minute.totals.failed;
    }
    return { minutes: minutes.map((ms) => ms / 1000), completed, failed };
  };
}
