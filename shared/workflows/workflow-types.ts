/**
 * Workflows: chains (jobs one after another) and batches (jobs side by side, counted in one
 * DynamoDB item), and how they nest. The specs here are plain JSON: they are stored on the
 * workflow's item and read back by the consumer that advances it.
 *
 * @example
 * const chain: ChainSpec = { steps: [{ job: 'a', payload: {} }, { job: 'b', payload: {}, resultAs: 'fromA' }] };
 */
import type { BackoffPolicy } from '../backoff.ts';
import type { JobNameOf, PayloadOf } from '../job-registry.ts';

/** The largest batch, members counted at the top level (a member chain counts once). */
export const MAX_BATCH_MEMBERS = 1_000;
/** The longest chain. */
export const MAX_CHAIN_STEPS = 100;

/** Per-job options a workflow step may carry (a subset of EnqueueOptions: no keys, no runAt). */
export interface StepOptions {
  readonly class?: string;
  readonly attempts?: number;
  readonly backoff?: BackoffPolicy;
  /** Seconds before the step starts, counted from when the previous one finished. */
  readonly delay?: number;
}

/** A job run as part of a workflow. */
export interface JobStep {
  readonly job: string;
  readonly payload: unknown;
  readonly options?: StepOptions;
  /** Chains only: the previous step's result goes into the payload under this key. */
  readonly resultAs?: string;
}

/** A job the workflow enqueues when it reaches a point (then / catch / finally). */
export interface CallbackSpec {
  readonly job: string;
  readonly payload: unknown;
  readonly options?: StepOptions;
}

export interface BatchCallbacks {
  /** Once, when every member completed. */
  readonly then?: CallbackSpec;
  /** Once, at the first member that failed for good. */
  readonly catch?: CallbackSpec;
  /** Once, when every member finished (completed, failed or cancelled). */
  readonly finally?: CallbackSpec;
}

export interface BatchSpec extends BatchCallbacks {
  readonly name?: string;
  /** A failed member does not cancel the members not started yet. @defaultValue false */
  readonly allowFailures?: boolean;
  readonly members: readonly (JobStep | { readonly chain: ChainSpec })[];
}

export interface ChainSpec {
  readonly name?: string;
  readonly steps: readonly (JobStep | { readonly batch: BatchSpec })[];
  /** Once, when the last step completed. */
  readonly then?: CallbackSpec;
  /** Once, when a step failed for good (or a batch step did not succeed). */
  readonly catch?: CallbackSpec;
}

export type WorkflowKind = 'batch' | 'chain';

/** Where a job or a nested workflow sits: its parent workflow and its index there. */
export interface WorkflowRef {
  readonly kind: WorkflowKind;
  readonly id: string;
  readonly at: number;
}

export type MemberOutcome = 'completed' | 'failed' | 'cancelled';

/** A batch's counters, as stored and as reported. */
export interface BatchCounts {
  readonly total: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  /** total − completed − failed − cancelled. */
  readonly pending: number;
}

/** The workflow item as the SDK, CLI and admin read it. */
export interface WorkflowRecord {
  readonly id: string;
  readonly kind: WorkflowKind;
  readonly name?: string;
  readonly status: 'running' | 'completed' | 'failed' | 'cancelled';
  readonly createdAt: string;
  readonly finishedAt?: string;
  readonly cancelledAt?: string;
  readonly parent?: WorkflowRef;
  /** Batches. */
  readonly counts?: BatchCounts;
  readonly allowFailures?: boolean;
  /** Chains: steps in all, and the position of the newest step started. */
  readonly steps?: number;
  readonly position?: number;
  /** Chains: why the chain failed. */
  readonly reason?: string;
}

/** The id of a workflow's member job or nested workflow at `at`. */
export function memberId(workflowId: string, at: number): string {
  return `${workflowId}.${at}`;
}

/** The id of a workflow's callback job. */
export function callbackId(workflowId: string, which: 'then' | 'catch' | 'finally'): string {
  return `${workflowId}.${which}`;
}

/** The parent workflow id and position a member id names, when it has the member-id shape. */
export function parseMemberId(jobId: string): { readonly workflowId: string; readonly at: number } | undefined {
  const match = /^(.+)\.(\d+)$/.exec(jobId);
  return match ? { workflowId: match[1]!, at: Number(match[2]) } : undefined;
}

// ---- typed entries for the SDK ----

/** A typed step or member: a job from the registry with its payload. */
export type TypedJobStep<R> = {
  [N in JobNameOf<R>]:
    | { readonly job: N; readonly payload: PayloadOf<R, N>; readonly options?: StepOptions; readonly resultAs?: undefined }
    | {
        readonly job: N;
        /** The previous step's result fills in this payload key (chains only). */
        readonly resultAs: Extract<keyof PayloadOf<R, N>, string>;
        readonly payload: Partial<PayloadOf<R, N>>;
        readonly options?: StepOptions;
      };
}[JobNameOf<R>];

export type TypedCallback<R> = {
  [N in JobNameOf<R>]: { readonly job: N; readonly payload: PayloadOf<R, N>; readonly options?: StepOptions };
}[JobNameOf<R>];

export interface BatchOptions<R> {
  readonly name?: string;
  readonly allowFailures?: boolean;
  readonly then?: TypedCallback<R>;
  readonly catch?: TypedCallback<R>;
  readonly finally?: TypedCallback<R>;
}

export interface ChainOptions<R> {
  readonly name?: string;
  readonly then?: TypedCallback<R>;
  readonly catch?: TypedCallback<R>;
}

export type TypedBatchMember<R> = TypedJobStep<R> | { readonly chain: readonly TypedChainStep<R>[]; readonly options?: ChainOptions<R> };
export type TypedChainStep<R> =
  | TypedJobStep<R>
  | { readonly batch: readonly TypedBatchMember<R>[]; readonly options?: BatchOptions<R> };
