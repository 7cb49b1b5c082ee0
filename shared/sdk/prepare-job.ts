/**
 * Turns an enqueue call into the record to insert and the message to send, or a typed error
 * naming what is wrong. Pure: nothing is written until every check has passed.
 */
import type { BackoffPolicy } from '../backoff.ts';
import { trackingOf, type AnyJobDefinition } from '../define-job.ts';
import { encodeEnvelope, envelopeSchema, type Envelope } from '../envelope.ts';
import { InvalidOptionError, PayloadValidationError, UnknownJobError } from '../errors.ts';
import { idempotentJobId, newJobId } from '../job-ids.ts';
import type { JobRegistry } from '../job-registry.ts';
import { queueLocationFor, type PipelineConfig } from '../pipeline-config.ts';
import { MAX_PAYLOAD_DEPTH, payloadDepthExceeds } from '../payload-depth.ts';
import { queueSpan, spanProblem } from '../queue-span.ts';
import { pipelineSettings, queueRetentionSeconds } from '../pipeline-settings.ts';
import { MAX_ATTEMPTS } from '../priority-classes.ts';
import type { NewJob } from '../status-store/status-store.ts';

/** Room kept for message attributes the consumer adds when it dead-letters the message. */
const ATTRIBUTE_HEADROOM_BYTES = 8 * 1024;

export interface EnqueueOptions {
  /**
   * Seconds before the first attempt, up to a year. Up to 15 minutes SQS holds the message;
   * beyond that the job waits in the table as `scheduled` until the dispatcher sends it.
   * @defaultValue 0
   */
  readonly delay?: number;
  /** Run at (or soon after) this moment instead; a past moment means now. Excludes `delay`. */
  readonly runAt?: Date;
  /** Enqueueing the same job name and key again returns the first job and sends nothing. */
  readonly idempotencyKey?: string;
  /** Run on another priority class's queue. @defaultValue the job definition's class */
  readonly class?: string;
  /** @defaultValue the job definition's, else the class's */
  readonly attempts?: number;
  /** @defaultValue the job definition's, else the class's */
  readonly backoff?: BackoffPolicy;
}

export interface PreparedJob {
  readonly record: NewJob;
  readonly envelope: Envelope;
  readonly body: string;
  readonly queueUrl: string;
  /** Seconds SQS should hold the message; absent for a `scheduled` job, which is not sent now. */
  readonly delay: number;
  /**
   * Whether the job's record is written before its message is sent: for keyed, unique,
   * debounced and `scheduled` jobs, whose enqueue reads it. Any other job's record is written
   * by its first claim (or, with lean tracking, only if it retries or fails).
   */
  readonly recordAtEnqueue: boolean;
}

export interface PrepareSettings {
  readonly nowMs: number;
  /** Longest delay SQS holds itself. @defaultValue pipelineSettings.maxQueueDelaySeconds */
  readonly maxQueueDelaySeconds?: number;
}

export function prepareJob(
  registry: JobRegistry,
  job: string | AnyJobDefinition,
  payload: unknown,
  options: EnqueueOptions,
  config: PipelineConfig,
  settings: PrepareSettings,
): PreparedJob {
  const { nowMs } = settings;
  const maxQueueDelay = settings.maxQueueDelaySeconds ?? pipelineSettings.maxQueueDelaySeconds;
  const name = typeof job === 'string' ? job : job.name;
  const definition = registry.get(name);
  if (!definition) throw new UnknownJobError(name);

  const className = options.class ?? definition.class;
  const cls = Object.hasOwn(registry.classes, className) ? registry.classes[className] : undefined;
  if (!cls) {
    throw new InvalidOptionError(
      `class "${className}" is not in the priority-class catalog (known: ${Object.keys(registry.classes).join(', ')})`,
    );
  }
  const dueAt = dueTime(options, nowMs);
  const maxAttempts = options.attempts ?? definition.attempts ?? cls.attempts;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= MAX_ATTEMPTS)) {
    throw new InvalidOptionError(`attempts must be an integer from 1 to ${MAX_ATTEMPTS}; got ${maxAttempts}`);
  }
  // Per-call attempts or backoff must fit the queue's retention as the job's own settings do.
  if (options.attempts !== undefined || options.backoff !== undefined) {
    const span = queueSpan(cls, {
      ...definition,
      attempts: maxAttempts,
      ...(options.backoff !== undefined ? { backoff: options.backoff } : {}),
    });
    const retention = queueRetentionSeconds();
    if (span.totalSeconds > retention) throw new InvalidOptionError(spanProblem(`job "${name}" with these options`, span, retention));
  }
  const key = options.idempotencyKey;
  if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > 256)) {
    throw new InvalidOptionError('idempotencyKey must be a string of 1 to 256 characters');
  }

  // Before the schema: zod and JSON.stringify recurse, and would overflow the stack first.
  if (payloadDepthExceeds(payload)) {
    throw new PayloadValidationError(name, [
      { path: '', message: `nested deeper than ${MAX_PAYLOAD_DEPTH} levels (DynamoDB's limit for stored items)` },
    ]);
  }
  const parsed = definition.schema.safeParse(payload);
  if (!parsed.success) {
    throw new PayloadValidationError(
      name,
      parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    );
  }

  const enqueuedAt = new Date(nowMs).toISOString();
  const id = key === undefined ? newJobId() : idempotentJobId(name, key);
  const waitMs = dueAt - nowMs;
  const scheduled = waitMs > maxQueueDelay * 1000;
  const recordAtEnqueue = key !== undefined || scheduled || definition.unique !== undefined || definition.debounce !== undefined;
  const lean = !recordAtEnqueue && trackingOf(definition, cls.tracking) === 'lean';
  const candidate = {
    v: 1 as const,
    id,
    job: name,
    gen: 1,
    enqueuedAt,
    payload,
    ...(options.attempts !== undefined ? { maxAttempts } : {}),
    ...(options.backoff !== undefined ? { backoff: options.backoff } : {}),
    ...(lean ? { lean: true as const } : {}),
  };
  const checked = envelopeSchema.safeParse(candidate);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new InvalidOptionError(`invalid enqueue options: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const envelope = checked.data;
  const body = encodeEnvelope(envelope);
  const limit = pipelineSettings.maxMessageBytes - ATTRIBUTE_HEADROOM_BYTES;
  if (Buffer.byteLength(body) > limit) {
    throw new InvalidOptionError(
      `payload for job "${name}" is ${Buffer.byteLength(body)} bytes as a message; the limit is ${limit}`,
    );
  }

  return {
    envelope,
    body,
    recordAtEnqueue,
    delay: scheduled ? 0 : Math.ceil(waitMs / 1000),
    queueUrl: queueLocationFor(config, className).queueUrl,
    record: {
      id,
      name,
      class: className,
      maxAttempts,
      enqueuedAt,
      ...(key !== undefined ? { idempotencyKey: key } : {}),
      ...(scheduled ? { scheduled: { dueAt, message: body } } : waitMs > 0 ? { notBefore: dueAt } : {}),
    },
  };
}

/** Epoch ms the job is due, from `delay` or `runAt`. */
function dueTime(options: EnqueueOptions, nowMs: number): number {
  if (options.delay !== undefined && options.runAt !== undefined) {
    throw new InvalidOptionError('give delay or runAt, not both');
  }
  const max = pipelineSettings.maxDelaySeconds;
  if (options.runAt !== undefined) {
    const at = options.runAt instanceof Date ? options.runAt.getTime() : Number.NaN;
    if (Number.isNaN(at)) throw new InvalidOptionError('runAt must be a valid Date');
    if (at - nowMs > max * 1000) throw new InvalidOptionError(`runAt must be within ${max / 86_400} days`);
    return Math.max(nowMs, at);
  }
  const delay = options.delay ?? 0;
  if (!(Number.isInteger(delay) && delay >= 0 && delay <= max)) {
    throw new InvalidOptionError(`delay must be a whole number of seconds from 0 to ${max} (${max / 86_400} days); got ${delay}`);
  }
  return nowMs + delay * 1000;
}
