/**
 * What the dashboard's JSON API sends and takes; the server and the browser app both import
 * these types (types only, so the browser bundle pulls in no server code).
 */
import type { JobActionResult } from '../shared/admin/admin-context.ts';
import type { FailureStats } from '../shared/admin/failure-stats.ts';
import type { HealthReport } from '../shared/admin/health-check.ts';
import type { JobView } from '../shared/admin/job-view.ts';
import type { PipelineStats } from '../shared/admin/pipeline-stats.ts';
import type { RedriveProgress, RedriveResult } from '../shared/admin/redrive.ts';
import type { JobRecord } from '../shared/status-store/job-record.ts';
import type { JobStatus } from '../shared/lifecycle.ts';
import type { ScheduleListing as CatalogListing } from '../cli/commands/schedule-commands.ts';
import type { LastTick } from '../shared/admin/last-ticks.ts';

export type { FailureStats, HealthReport, JobActionResult, JobRecord, JobStatus, JobView, LastTick, PipelineStats, RedriveResult };

/** A catalog entry with its next fire times and its last tick (null before the first). */
export type ScheduleListing = CatalogListing & { readonly lastTick: LastTick | null };

import type { Level } from '../shared/threshold-levels.ts';

export type { Level };

/** Threshold levels next to the numbers, computed as `sqs-jobs monitor` computes them. */
export interface StatsLevels {
  readonly classes: Record<string, { readonly visible: Level; readonly dlq: Level; readonly oldestQueued: Level; readonly oldestLimitSeconds: number }>;
  readonly failureRate: Level;
}

/** Jobs finished per minute over the last hour, oldest minute first. */
export interface ThroughputHistory {
  /** Epoch seconds of each minute's start. */
  readonly minutes: number[];
  readonly completed: number[];
  readonly failed: number[];
}

export interface Overview {
  readonly stats: PipelineStats;
  readonly levels: StatsLevels;
  readonly history: ThroughputHistory;
}

/** What the page needs to know about the app: its classes, jobs and statuses. */
export interface DashboardMeta {
  readonly classes: string[];
  readonly jobs: { readonly name: string; readonly class: string }[];
  readonly statuses: JobStatus[];
  readonly table: string;
}

export interface JobPage {
  readonly jobs: JobRecord[];
  readonly cursor?: string;
}

export interface JobDetail extends JobView {
  /** The failed payload when the record holds it (pretty-printed by the page). */
  readonly payload?: unknown;
  readonly maxReleases: number;
}

export interface PayloadIssue {
  readonly path: string;
  readonly message: string;
}

/** A retry with an edited payload the job's schema rejects: nothing was sent. */
export interface PayloadRejected {
  readonly issues: PayloadIssue[];
}

export interface DeadLetterSample {
  readonly messageId: string;
  readonly jobId?: string;
  readonly jobName?: string;
  readonly reason?: string;
  readonly failedAt?: string;
  readonly sentAt?: string;
  readonly attributes: Record<string, string>;
  readonly body: string;
}

export interface DeadLetterQueue {
  readonly class: string;
  readonly depth: number;
  readonly sample: DeadLetterSample[];
}

export interface RedriveTask {
  readonly id: string;
  readonly class?: string;
  readonly done: boolean;
  readonly progress: Record<string, { moved: number; total?: number }>;
  readonly results?: RedriveResult[];
  readonly error?: string;
}

export interface TickRunResult {
  readonly schedule: string;
  readonly jobId: string;
  readonly scheduledTime: string;
  readonly class: string;
}

export type { RedriveProgress };
