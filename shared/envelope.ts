/**
 * The versioned message envelope that travels through SQS, validated on both sides.
 * The payload travels here, not in the job record: the record stays small so that each status
 * write costs one DynamoDB write unit.
 *
 * @example
 * const body = encodeEnvelope({ v: 1, id, job: 'report.generate', gen: 1, enqueuedAt, payload });
 * const envelope = decodeEnvelope(body); // throws EnvelopeError naming what is wrong
 */
import { z } from 'zod';
import { EnvelopeError } from './errors';

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

export const envelopeSchema = z.object({
  v: z.literal(ENVELOPE_VERSION),
  /** Job id: the job record's key. */
  id: z.string().min(1).max(128),
  /** Registered job name. */
  job: z.string().min(1).max(100),
  /** Generation: bumped when an operator retries a failed job, so older copies are ignored. */
  gen: z.number().int().min(1),
  enqueuedAt: z.iso.datetime(),
  payload: z.unknown(),
  /** Per-enqueue overrides of the job definition. */
  maxAttempts: z.number().int().min(1).max(100).optional(),
  backoff: backoffSchema.optional(),
  /**
   * Set on the copy the consumer puts in a DLQ. When an operator redrives that copy, it may
   * re-run the failed job (once); a duplicate of the original message never may.
   */
  deadLettered: z.literal(true).optional(),
});

export type Envelope = z.infer<typeof envelopeSchema>;

export function encodeEnvelope(envelope: Envelope): string {
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
