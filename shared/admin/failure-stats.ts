/**
 * `failed --stats`: failed jobs grouped by job name and by reason. Reasons are grouped by their
 * kind (the part before the first detail), so 500 webhooks failing with different URLs count as
 * one reason.
 */
import type { JobRecord } from '../status-store/job-record.ts';
import { queryJobs } from '../status-store/job-query.ts';
import type { AdminContext } from './admin-context.ts';

export interface FailureStats {
  readonly total: number;
  readonly byJob: readonly { readonly job: string; readonly count: number }[];
  readonly byReason: readonly { readonly reason: string; readonly count: number; readonly example: string }[];
  /** True when more failed jobs exist than were read (`max`). */
  readonly truncated: boolean;
}

/** The kind of a failure reason, e.g. `attempts exhausted` or `invalid payload for job "x"`. */
export function reasonKind(reason: string): string {
  const kind = reason
    .replace(/\s*\(\d+\/\d+\)/, '')
    .replace(/ on attempt \d+/, '')
    .split(':')[0]!
    .trim();
  return kind || 'unknown';
}

export async function failureStats(
  ctx: AdminContext,
  filter: { class?: string; job?: string; max?: number } = {},
): Promise<FailureStats> {
  const failed = await allFailedJobs(ctx, filter, filter.max ?? 10_000);
  const count = <K extends string>(key: (job: JobRecord) => K) => {
    const counts = new Map<K, { count: number; example: string }>();
    for (const job of failed.jobs) {
      const k = key(job);
      const entry = counts.get(k) ?? { count: 0, example: job.lastError ?? '' };
      entry.count++;
      counts.set(k, entry);
    }
    return [...counts.entries()].sort((a, b) => b[1].count - a[1].count);
  };
  return {
    total: failed.jobs.length,
    byJob: count((job) => job.name).map(([job, { count: n }]) => ({ job, count: n })),
    byReason: count((job) => reasonKind(job.lastError ?? 'unknown')).map(([reason, { count: n, example }]) => ({
      reason,
      count: n,
      example,
    })),
    truncated: failed.truncated,
  };
}

/** Every failed job matching the filter, newest first, up to `max`. */
export async function allFailedJobs(
  ctx: AdminContext,
  filter: { class?: string; job?: string; olderThan?: Date },
  max: number,
): Promise<{ jobs: JobRecord[]; truncated: boolean }> {
  const jobs: JobRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryJobs(
      ctx.clients.dynamodb,
      ctx.config.tableName,
      {
        status: 'failed',
        ...(filter.class ? { class: filter.class } : {}),
        ...(filter.job ? { job: filter.job } : {}),
        limit: Math.min(1000, max - jobs.length),
        ...(cursor ? { cursor } : {}),
      },
      ctx.classNames,
    );
    const cutoff = filter.olderThan?.toISOString();
    jobs.push(...page.jobs.filter((job) => !cutoff || job.statusAt < cutoff));
    cursor = page.cursor;
  } while (cursor && jobs.length < max);
  return { jobs, truncated: cursor !== undefined };
}
