/**
 * `stats`: the numbers an operator checks first. Queue numbers come from SQS
 * (GetQueueAttributes, one request per queue); job numbers from the table's byStatus index
 * (COUNT queries read index keys only: about 1 read unit per 4 KB of keys, ~100 jobs) and, for
 * durations, the most recent completed jobs of the last hour (up to 1,000 items read).
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { jobStatuses, type JobStatus } from '../lifecycle.ts';
import { batchGetJobs } from '../status-store/batch-get.ts';
import { createClassPauses, type ClassPause } from '../status-store/class-pause.ts';
import { countStatus, statusIndexIds } from '../status-store/status-index.ts';
import type { AdminContext } from './admin-context.ts';

export interface ClassStats {
  readonly class: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly dlqDepth: number;
  /** Age of the oldest job waiting in `queued` (from the table; AWS's CloudWatch metric is the message view). */
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
  /** Jobs per status: all of them for live statuses, those that got there in the last 24 h for final ones. */
  readonly jobsByStatus: Readonly<Record<JobStatus, number>>;
  /** Jobs completed in the last 1, 5 and 60 minutes. */
  readonly throughput: { readonly lastMinute: number; readonly last5Minutes: number; readonly lastHour: number };
  /** failed / (completed + failed) over the last hour; null when nothing finished. */
  readonly failureRate: number | null;
  /** Attempt durations (ms) of jobs completed in the last hour, per job name. */
  readonly durations: readonly DurationStats[];
}

const MINUTE = 60_000;
const LIVE: readonly JobStatus[] = ['scheduled', 'queued', 'running', 'retrying'];

export async function pipelineStats(ctx: AdminContext): Promise<PipelineStats> {
  const now = ctx.now();
  const since = (ms: number) => new Date(now - ms).toISOString();
  const count = (status: JobStatus, from?: string) =>
    countStatus(ctx.clients.dynamodb, ctx.config.tableName, { status, ...(from ? { since: from } : {}) });
  const pauses = createClassPauses({ documentClient: ctx.clients.dynamodb, tableName: ctx.config.tableName });
  const [classes, counts, lastMinute, last5Minutes, lastHour, failedLastHour, durations, paused] = await Promise.all([
    Promise.all(ctx.classNames.map((name) => classStats(ctx, name, now))),
    Promise.all(jobStatuses.map((s) => count(s, LIVE.includes(s) ? undefined : since(24 * 60 * MINUTE)))),
    count('completed', since(MINUTE)),
    count('completed', since(5 * MINUTE)),
    count('completed', since(60 * MINUTE)),
    count('failed', since(60 * MINUTE)),
    recentDurations(ctx, since(60 * MINUTE)),
    pauses.list(ctx.classNames),
  ]);
  const finished = lastHour + failedLastHour;
  return {
    at: new Date(now).toISOString(),
    classes: classes.map((c) => withPause(c, paused)),
    jobsByStatus: Object.fromEntries(jobStatuses.map((s, i) => [s, counts[i] ?? 0])) as Record<JobStatus, number>,
    throughput: { lastMinute, last5Minutes, lastHour },
    failureRate: finished === 0 ? null : failedLastHour / finished,
    durations,
  };
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

async function recentDurations(ctx: AdminContext, sinceIso: string): Promise<DurationStats[]> {
  const { dynamodb } = ctx.clients;
  const ids = await statusIndexIds(dynamodb, ctx.config.tableName, { status: 'completed', since: sinceIso, order: 'newest', limit: 1000 });
  const jobs = await batchGetJobs(dynamodb, ctx.config.tableName, ids);
  const byName = new Map<string, number[]>();
  for (const job of jobs) {
    if (!job.startedAt || !job.finishedAt) continue;
    const list = byName.get(job.name) ?? [];
    list.push(Date.parse(job.finishedAt) - Date.parse(job.startedAt));
    byName.set(job.name, list);
  }
  return [...byName.entries()]
    .map(([job, values]) => {
      const sorted = values.sort((a, b) => a - b);
      return { job, count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
    })
    .sort((a, b) => a.job.localeCompare(b.job));
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
