/**
 * The versioned message envelope that travels through SQS, validated on both sides.
 * The payload travels here, not in the job record: the record stays small so that each status
 * write costs one DynamoDB write unit.
 *
 * @example
 * const body = encodeEnvelope({ v: 1, id, job: 'report.generate', gen: 1, enqueuedAt, payload });
 * const envelope = decodeEnvelope(body); // throws EnvelopeError naming what is wrong
 */
import * as z from 'zod';
import { EnvelopeError } from './errors.ts';

export const ENVELOPE_VERSION = 1;

const backoffSchema = z.union([
  z.array(z.number().int().min(0).max(43_200)).max(100),
  z.object({
    type: z.literal('exponential'),
    baseSeconds: z.number().min(0).max(43_200),
    capSeconds: z.number().min(0).max(43_200).optional(),
    jitter: z.enum(['none', 'full']).optional(),
  }),
]);

/**
 * A scheduled tick, as EventBridge Scheduler fills it in from its context attributes. The job
 * id is derived from the schedule and the scheduled time, never the execution id (which
 * changes on every retry of the same tick), so a tick delivered twice is one job.
 */
const tickSchema = z.object({
  schedule: z.string().min(1).max(512),
  scheduledTime: z.iso.datetime(),
  /** `skip`: do not start while the schedule's previous run is still queued or running. */
  overlap: z.enum(['allow', 'skip']).default('allow'),
});
export type Tick = z.infer<typeof tickSchema>;

const workflowRefSchema = z.object({
  kind: z.enum(['batch', 'chain']),
  id: z.string().min(1).max(120),
  /** Member index in a batch, step position in a chain. */
  at: z.number().int().min(0),
});

const wireSchema = z.object({
  v: z.literal(ENVELOPE_VERSION),
  /** Job id: the job record's key. Absent on a scheduled tick, which derives it. */
  id: z.string().min(1).max(128).optional(),
  /** Registered job name. */
  job: z.string().min(1).max(100),
  /** Generation: bumped when an operator retries a failed job, so older copies are ignored. */
  gen: z.number().int().min(1),
  /** Absent on a scheduled tick: its scheduled time stands in. */
  enqueuedAt: z.iso.datetime().optional(),
  tick: tickSchema.optional(),
  payload: z.unknown(),
  /** Per-enqueue overrides of the job definition. */
  maxAttempts: z.number().int().min(1).max(25).optional(),
  backoff: backoffSchema.optional(),
  /** Enqueued with lean tracking and no record: the first delivery runs without a claim. */
  lean: z.literal(true).optional(),
  /**
   * Set on the copy the consumer puts in a DLQ. When an operator redrives that copy, it may
   * re-run the failed job (once); a duplicate of the original message never may.
   */
  deadLettered: z.literal(true).optional(),
  /** Workflow membership (shared/workflows): the batch or chain this job belongs to, and where. */
  wf: workflowRefSchema.optional(),
});

/** The envelope with the derived fields filled in: what the consumer works with. */
export const envelopeSchema = wireSchema.transform((wire, ctx) => {
  const id = wire.id ?? (wire.tick ? tickJobId(wire.tick) : undefined);
  const enqueuedAt = wire.enqueuedAt ?? wire.tick?.scheduledTime;
  if (id === undefined || enqueuedAt === undefined) {
    ctx.addIssue({ code: 'custom', message: 'needs id and enqueuedAt, or a tick', path: ['id'] });
    return z.NEVER;
  }
  return { ...wire, id, enqueuedAt };
});

export type Envelope = z.output<typeof envelopeSchema>;

/**
 * The enqueue's own attempts and backoff, and its workflow membership: retries, re-armed
 * generations and an operator retry of a failed record keep them.
 */
export type EnvelopeOverrides = Pick<Envelope, 'maxAttempts' | 'backoff' | 'wf'>;

export function overridesOf(envelope: EnvelopeOverrides): EnvelopeOverrides {
  return {
    ...(envelope.maxAttempts !== undefined ? { maxAttempts: envelope.maxAttempts } : {}),
    ...(envelope.backoff !== undefined ? { backoff: envelope.backoff } : {}),
    ...(envelope.wf !== undefined ? { wf: envelope.wf } : {}),
  };
}

/** The schedule's short name from its ARN: `arn:aws:scheduler:…:schedule/<group>/<name>` → `<group>/<name>`. */
export function scheduleName(scheduleArn: string): string {
  const marker = ':schedule/';
  const at = scheduleArn.indexOf(marker);
  return at === -1 ? scheduleArn : scheduleArn.slice(at + marker.length);
}

/** Deterministic id of a tick's job: the same schedule and scheduled time give the same job. */
export function tickJobId(tick: Pick<Tick, 'schedule' | 'scheduledTime'>): string {
  return `tick:${scheduleName(tick.schedule)}@${new Date(tick.scheduledTime).toISOString()}`;
}

export function encodeEnvelope(envelope: z.input<typeof wireSchema>): string {
  return JSON.stringify(envelope);
}

export function decodeEnvelope(body: string): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new EnvelopeError('message body is not JSON');
  }
  const result = envelopeSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new EnvelopeError(
      `message body is not a v${ENVELOPE_VERSION} sqs-jobs envelope: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return result.data;
}

/** The job id of a body that failed validation, when one can still be read (for the record). */
export function salvageJobId(body: string): string | undefined {
  try {
    const json: unknown = JSON.parse(body);
    if (json && typeof json === 'object' && 'id' in json && typeof json.id === 'string' && json.id.length <= 128) {
      return json.id || undefined;
    }
  } catch {
    // not JSON: nothing to salvage
  }
  return undefined;
}
