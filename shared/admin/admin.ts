/**
 * The operator's functions, the same ones the `sqs-jobs` CLI calls: each takes ids or a filter
 * and returns what it found or changed.
 *
 * @example
 * const admin = createAdmin({ registry: jobRegistry, config: loadPipelineConfig(), clients: createAwsClients() });
 * const { jobs } = await admin.failed({ class: 'default' });
 * await admin.retry(jobs.map((job) => job.id));
 */
import type { AwsClients } from '../aws-clients.ts';
import type { JobRegistry } from '../job-registry.ts';
import type { PipelineConfig } from '../pipeline-config.ts';
import { queryJobs, type JobFilter } from '../status-store/job-query.ts';
import { readAggregates } from '../status-store/job-aggregates.ts';
import { createStatusStore, retentionFor } from '../status-store/status-store.ts';
import type { AdminContext } from './admin-context.ts';
import { failureStats } from './failure-stats.ts';
import { forgetJobs, listFlushable } from './forget-jobs.ts';
import { checkHealth } from './health-check.ts';
import { pauseClass, resumeClass, type EventSourceControl } from './pause-classes.ts';
import { showJob } from './job-view.ts';
import { cancelBatch, listBatches, showWorkflow } from './workflow-admin.ts';
import { lastTicks } from './last-ticks.ts';
import { pipelineStats } from './pipeline-stats.ts';
import type { Schedule } from '../schedules/schedule-catalog.ts';
import { redriveDeadLetters, type RedriveMethod, type RedriveProgress } from './redrive.ts';
import { retryAllJobs, retryJobs, type RetryOptions } from './retry-jobs.ts';

export interface AdminOptions {
  readonly registry: JobRegistry;
  readonly config: PipelineConfig;
  readonly clients: AwsClients;
  readonly now?: () => number;
  /** On AWS, the event source mappings `pause`/`resume` switch (see `lambdaEventSources`). @defaultValue none: the table flag only (local runtime) */
  readonly eventSources?: EventSourceControl;
}

export function createAdmin(options: AdminOptions) {
  const now = options.now ?? Date.now;
  const ctx: AdminContext = {
    ...options,
    now,
    store: createStatusStore({
      documentClient: options.clients.dynamodb,
      tableName: options.config.tableName,
      retention: retentionFor(options.config),
      now,
    }),
    classNames: Object.keys(options.config.queues),
  };
  const list = (filter: JobFilter) => queryJobs(ctx.clients.dynamodb, ctx.config.tableName, filter, ctx.classNames);
  return {
    context: ctx,
    show: (id: string) => showJob(ctx, id),
    batches: (limit?: number) => listBatches(ctx, limit),
    workflow: (id: string) => showWorkflow(ctx, id),
    cancelBatch: (id: string) => cancelBatch(ctx, id),
    list,
    failed: (filter: Omit<JobFilter, 'status'> = {}) => list({ ...filter, status: 'failed' }),
    failureStats: (filter: { class?: string; job?: string } = {}) => failureStats(ctx, filter),
    retry: (ids: readonly string[], retryOptions?: RetryOptions) => retryJobs(ctx, ids, retryOptions),
    retryAll: (filter: { class?: string; job?: string } = {}) => retryAllJobs(ctx, filter),
    redrive: (redrive: { class?: string; method?: RedriveMethod; onProgress?: (p: RedriveProgress) => void } = {}) =>
      redriveDeadLetters(ctx, redrive),
    listFlushable: (filter: { class?: string; job?: string; olderThan?: Date } = {}) => listFlushable(ctx, filter),
    forget: (ids: readonly string[]) => forgetJobs(ctx, ids),
    stats: () => pipelineStats(ctx),
    /** The per-minute aggregates of every class in the window (see job-aggregates.ts). */
    minutes: (sinceMs: number, untilMs: number = now()) =>
      readAggregates({ documentClient: ctx.clients.dynamodb, tableName: ctx.config.tableName }, ctx.classNames, sinceMs, untilMs),
    health: (health?: { slowMs?: number; timeoutMs?: number }) => checkHealth(ctx, health),
    lastTicks: (schedules: readonly Schedule[]) => lastTicks(ctx, schedules),
    pause: (className: string, by?: string) => pauseClass(ctx, className, by),
    resume: (className: string) => resumeClass(ctx, className),
  };
}

export type Admin = ReturnType<typeof createAdmin>;
