/**
 * `stats`: the numbers an operator checks first. Queue numbers come from SQS
 * (GetQueueAttributes, one request per queue); throughput, failure rate and durations from the
 * per-minute aggregate items the consumers write, read by key (the last hour: 61 items per
 * class, half a read unit each, present or not; the 23 hours before it for the day's completed
 * count at most every 5 minutes); counts of the indexed statuses from COUNT queries on the
 * sparse byStatus index (index keys only).
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { INDEXED_STATUSES } from '../job-table.ts';
import type { JobStatus } from '../lifecycle.ts';
import { batchGetJobs } from '../status-store/batch-get.ts';
import { createClassPauses, type ClassPause } from '../status-store/class-pause.ts';
import { histogramPercentile, readAggregates, type MinuteAggregate } from '../status-store/job-aggregates.ts';
import { countStatus, statusIndexIds } from '../status-store/status-index.ts';
import type { AdminContext } from './admin-context.ts';

export interface ClassStats {
  readonly class: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly dlqDepth: number;
  /** Age of the oldest job recorded as `queued` (keyed, delayed, released or requeued jobs; plain jobs wait as messages only). */
  readonly oldestQueuedSeconds: number | null;
  /** Set while the class is paused (`sqs-jobs pause`): when and by whom. */
  readonly paused?: { readonly at: string; readonly by: string };
}

export interface DurationStats {
  readonly job: string;
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface PipelineStats {
  readonly at: string;
  readonly classes: readonly ClassStats[];
  /**
   * Jobs per status where counting is cheap: `scheduled` and `queued` records now, and jobs
   * that completed (aggregates), failed or were cancelled in the last 24 h. Running and retrying
   * jobs are messages in flight: see each class's `inFlight`.
   */
  readonly jobsByStatus: Readonly<Partial<Record<JobStatus, number>>>;
  /** Jobs completed in the last 1, 5 and 60 minutes. */
  readonly throughput: { readonly lastMinute: number; readonly last5Minutes: number; readonly lastHour: number };
  /** failed / (completed + failed) over the last hour; null when nothing finished. */
  readonly failureRate: number | null;
  /** Attempt durations (ms, to within a 19 % bucket) in the last hour, per job name. */
  readonly durations: readonly DurationStats[];
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export async function pipelineStats(ctx: AdminContext): Promise<PipelineStats> {
  const now = ctx.now();
  const since = (ms: number) => new Date(now - ms).toISOString();
  const count = (status: JobStatus, from?: string) =>
    countStatus(ctx.clients.dynamodb, ctx.config.tableName, { status, ...(from ? { since: from } : {}) });
  const pauses = createClassPauses({ documentClient: ctx.clients.dynamodb, tableName: ctx.config.tableName });
  const db = { documentClient: ctx.clients.dynamodb, tableName: ctx.config.tableName };
  const [classes, counts, minutes, completedBefore, paused] = await Promise.all([
    Promise.all(ctx.classNames.map((name) => classStats(ctx, name, now))),
    Promise.all(INDEXED_STATUSES.map((s) => count(s, s === 'failed' || s === 'cancelled' ? since(DAY) : undefined))),
    readAggregates(db, ctx.classNames, now - 60 * MINUTE, now),
    completedBeforeLastHour(db, ctx.classNames, now),
    pauses.list(ctx.classNames),
  ]);
  const within = (ms: number) => minutes.filter((m) => m.minute > now - ms - MINUTE);
  const total = (list: readonly MinuteAggregate[], outcome: 'completed' | 'failed') => list.reduce((sum, m) => sum + m.totals[outcome], 0);
  const lastHour = within(60 * MINUTE);
  const completedLastHour = total(lastHour, 'completed');
  const finished = completedLastHour + total(lastHour, 'failed');
  return {
    at: new Date(now).toISOString(),
    classes: classes.map((c) => withPause(c, paused)),
    jobsByStatus: {
      ...Object.fromEntries(INDEXED_STATUSES.map((s, i) => [s, counts[i] ?? 0])),
      completed: completedBefore + total(minutes, 'completed'),
    },
    throughput: { lastMinute: total(within(MINUTE), 'completed'), last5Minutes: total(within(5 * MINUTE), 'completed'), lastHour: completedLastHour },
    failureRate: finished === 0 ? null : total(lastHour, 'failed') / finished,
    durations: durationStats(lastHour),
  };
}

/**
 * Jobs completed in the 23 hours before the last one. Those minutes no longer change, so the
 * sum is kept for `OLDER_MINUTES_TTL_MS`: a dashboard polling every few seconds reads the last
 * hour's 60 items per class, not 1,440.
 */
const olderMinutes = new Map<string, { readonly at: number; readonly completed: number }>();
const OLDER_MINUTES_TTL_MS = 5 * MINUTE;

async function completedBeforeLastHour(db: { documentClient: AdminContext['clients']['dynamodb']; tableName: string }, classNames: readonly string[], now: number): Promise<number> {
  const key = `${db.tableName}|${classNames.join(',')}`;
  const cached = olderMinutes.get(key);
  if (cached && now - cached.at < OLDER_MINUTES_TTL_MS && now >= cached.at) return cached.completed;
  const minutes = await readAggregates(db, classNames, now - DAY, now - 60 * MINUTE - MINUTE);
  const completed = minutes.reduce((sum, m) => sum + m.totals.completed, 0);
  if (olderMinutes.size > 100) olderMinutes.clear();
  olderMinutes.set(key, { at: now, completed });
  return completed;
}

function durationStats(minutes: readonly MinuteAggregate[]): DurationStats[] {
  const byName = new Map<string, Map<number, number>>();
  for (const minute of minutes) {
    for (const [job, histogram] of minute.durations) {
      const merged = byName.get(job) ?? new Map<number, number>();
      for (const [bucket, n] of histogram) merged.set(bucket, (merged.get(bucket) ?? 0) + n);
      byName.set(job, merged);
    }
  }
  return [...byName.entries()]
    .map(([job, histogram]) => ({
      job,
      count: [...histogram.values()].reduce((sum, n) => sum + n, 0),
      p50: histogramPercentile(histogram, 50),
      p95: histogramPercentile(histogram, 95),
      p99: histogramPercentile(histogram, 99),
    }))
    .sort((a, b) => a.job.localeCompare(b.job));
}

function withPause(stats: ClassStats, pauses: readonly ClassPause[]): ClassStats {
  const pause = pauses.find((p) => p.className === stats.class);
  return pause ? { ...stats, paused: { at: pause.pausedAt, by: pause.pausedBy } } : stats;
}

async function classStats(ctx: AdminContext, className: string, now: number): Promise<ClassStats> {
  const location = ctx.config.queues[className]!;
  const attributes = async (url: string) =>
    (
      await ctx.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      )
    ).Attributes ?? {};
  const [queue, dlq, oldest] = await Promise.all([attributes(location.queueUrl), attributes(location.dlqUrl), oldestQueued(ctx, className)]);
  return {
    class: className,
    visible: Number(queue.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(queue.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(queue.ApproximateNumberOfMessagesDelayed ?? 0),
    dlqDepth: Number(dlq.ApproximateNumberOfMessages ?? 0) + Number(dlq.ApproximateNumberOfMessagesNotVisible ?? 0),
    oldestQueuedSeconds: oldest === undefined ? null : Math.max(0, Math.round((now - Date.parse(oldest)) / 1000)),
  };
}

/** `statusAt` of the class's oldest queued job among the 100 oldest queued jobs overall. */
async function oldestQueued(ctx: AdminContext, className: string): Promise<string | undefined> {
  const { dynamodb } = ctx.clients;
  const ids = await statusIndexIds(dynamodb, ctx.config.tableName, { status: 'queued', order: 'oldest', limit: 100 });
  const jobs = await batchGetJobs(dynamodb, ctx.config.tableName, ids);
  return jobs
    .filter((job) => job.class === className && job.status === 'queued')
    .map((job) => job.statusAt)
    .sort()[0];
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
