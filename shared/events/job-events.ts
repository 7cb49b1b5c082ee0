/**
 * Job and workflow events: what applications react to instead of polling. The consumer
 * publishes them after the transition is on record; publishing is best effort (a failure is
 * logged and counted, never fails or repeats the job), and delivery is at least once.
 *
 * Detail shape, version 1 (EventBridge `detail`; `detail-type` is `type`, `source` is `sqs-jobs`):
 * `{ version: 1, type, at, jobId?, name?, class?, gen?, attempt?, batchId?, chainId?, … }`.
 *
 * @example
 * const bus = createLocalEventBus();
 * bus.on('batch.finished', (event) => console.log(event.batchId, event.counts));
 */
import type { BatchCounts, WorkflowRef } from '../workflows/workflow-types.ts';

export const JOB_EVENTS_VERSION = 1;
export const JOB_EVENTS_SOURCE = 'sqs-jobs';

export const jobEventTypes = ['job.completed', 'job.failed', 'job.retrying', 'job.cancelled', 'batch.finished', 'chain.finished'] as const;
export type JobEventType = (typeof jobEventTypes)[number];

interface EventBase {
  readonly version: typeof JOB_EVENTS_VERSION;
  /** ISO time the event was published. */
  readonly at: string;
  /** The batch or chain the job or workflow belongs to directly. */
  readonly batchId?: string;
  readonly chainId?: string;
  /** Its index there (member index, step position). */
  readonly position?: number;
}

export interface JobTransitionEvent extends EventBase {
  readonly type: 'job.completed' | 'job.failed' | 'job.retrying' | 'job.cancelled';
  readonly jobId: string;
  readonly name: string;
  readonly class: string;
  readonly gen: number;
  readonly attempt: number;
  /** job.failed, job.retrying, job.cancelled: why. */
  readonly reason?: string;
  /** job.retrying: epoch ms of the next attempt. */
  readonly nextAttemptAt?: number;
}

export interface BatchFinishedEvent extends EventBase {
  readonly type: 'batch.finished';
  /** The finished batch (`batchId`, when present, is the batch it is a member of). */
  readonly workflowId: string;
  readonly name?: string;
  readonly status: 'completed' | 'failed' | 'cancelled';
  readonly counts: BatchCounts;
}

export interface ChainFinishedEvent extends EventBase {
  readonly type: 'chain.finished';
  readonly workflowId: string;
  readonly name?: string;
  readonly status: 'completed' | 'failed' | 'cancelled';
  readonly reason?: string;
}

export type JobEvent = JobTransitionEvent | BatchFinishedEvent | ChainFinishedEvent;

/** Where events go. `publish` may reject; callers log and count that, nothing more. */
export interface EventPublisher {
  publish(events: readonly JobEvent[]): Promise<void>;
}

/** The membership fields of an event from a workflow reference. */
export function membershipOf(ref: WorkflowRef | undefined): Pick<EventBase, 'batchId' | 'chainId' | 'position'> {
  if (!ref) return {};
  return { ...(ref.kind === 'batch' ? { batchId: ref.id } : { chainId: ref.id }), position: ref.at };
}

export type JobEventListener<T extends JobEventType | '*'> = (event: T extends '*' ? JobEvent : Extract<JobEvent, { type: T }>) => void | Promise<void>;

/** The in-process subscriber API of the local runtime (`runtime.events`). */
export interface LocalEventBus extends EventPublisher {
  /** Subscribes to one type, or to every event with `'*'`; returns the unsubscribe function. */
  on<T extends JobEventType | '*'>(type: T, listener: JobEventListener<T>): () => void;
}

export function createLocalEventBus(onListenerError: (error: unknown) => void = () => undefined): LocalEventBus {
  const listeners = new Map<string, Set<(event: JobEvent) => void | Promise<void>>>();
  return {
    on(type, listener) {
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set);
      const fn = listener as (event: JobEvent) => void | Promise<void>;
      set.add(fn);
      return () => set.delete(fn);
    },
    async publish(events) {
      for (const event of events) {
        for (const fn of [...(listeners.get(event.type) ?? []), ...(listeners.get('*') ?? [])]) {
          try {
            await fn(event);
          } catch (error) {
            // A subscriber's bug is its own: the job is settled already.
            onListenerError(error);
          }
        }
      }
    },
  };
}

/** Publishes to nowhere: the pipeline without an event bus. */
export const noEventPublisher: EventPublisher = { publish: async () => undefined };
