/**
 * Turns an enqueue call into the record to insert and the message to send, or a typed error
 * naming what is wrong. Pure: nothing is written until every check has passed.
 */
import type { BackoffPolicy } from '../backoff';
import type { AnyJobDefinition } from '../define-job';
import { encodeEnvelope, envelopeSchema, type Envelope } from '../envelope';
import { InvalidOptionError, PayloadValidationError, UnknownJobError } from '../errors';
import { idempotentJobId, newJobId } from '../job-ids';
import type { JobRegistry } from '../job-registry';
import { queueLocationFor, type PipelineConfig } from '../pipeline-config';
import { pipelineSettings } from '../pipeline-settings';
import { isPriorityClassName, priorityClasses, type PriorityClass, type PriorityClassName } from '../priority-classes';
import type { NewJob } from '../status-store/status-store';

/** SQS's per-message delay limit. */
export const MAX_DELAY_SECONDS = 900;
/** Room kept for message attributes the consumer adds when it dead-letters the message. */
const ATTRIBUTE_HEADROOM_BYTES = 8 * 1024;

export interface EnqueueOptions {
  /** Seconds before the first attempt, 0–900 (SQS's per-message maximum). @defaultValue 0 */
  readonly delay?: number;
  /** Enqueueing the same job name and key again returns the first job and sends nothing. */
  readonly idempotencyKey?: string;
  /** Run on another priority class's queue. @defaultValue the job definition's class */
  readonly class?: PriorityClassName;
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
  readonly delay: number;
}

export function prepareJob(
  registry: JobRegistry,
  job: string | AnyJobDefinition,
  payload: unknown,
  options: EnqueueOptions,
  config: PipelineConfig,
  nowMs: number,
  classes: Readonly<Record<string, PriorityClass>> = priorityClasses,
): PreparedJob {
  const name = typeof job === 'string' ? job : job.name;
  const definition = registry.get(name);
  if (!definition) throw new UnknownJobError(name);

  const className = options.class ?? definition.class;
  if (!isPriorityClassName(className)) {
    throw new InvalidOptionError(`class "${className}" is not in the priority-class catalog`);
  }
  const delay = options.delay ?? 0;
  if (!(Number.isInteger(delay) && delay >= 0 && delay <= MAX_DELAY_SECONDS)) {
    throw new InvalidOptionError(
      `delay must be a whole number of seconds from 0 to ${MAX_DELAY_SECONDS} (the SQS maximum); got ${delay}. Longer delays are not supported yet.`,
    );
  }
  const maxAttempts = options.attempts ?? definition.attempts ?? classes[className]?.attempts ?? priorityClasses[className].attempts;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= 100)) {
    throw new InvalidOptionError(`attempts must be an integer from 1 to 100; got ${maxAttempts}`);
  }
  const key = options.idempotencyKey;
  if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > 256)) {
    throw new InvalidOptionError('idempotencyKey must be a string of 1 to 256 characters');
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
  const candidate = {
    v: 1 as const,
    id,
    job: name,
    gen: 1,
    enqueuedAt,
    payload,
    ...(options.attempts !== undefined ? { maxAttempts } : {}),
    ...(options.backoff !== undefined ? { backoff: options.backoff } : {}),
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
    delay,
    queueUrl: queueLocationFor(config, className).queueUrl,
    record: {
      id,
      name,
      class: className,
      maxAttempts,
      enqueuedAt,
      ...(key !== undefined ? { idempotencyKey: key } : {}),
      ...(delay > 0 ? { notBefore: nowMs + delay * 1000 } : {}),
    },
  };
}
