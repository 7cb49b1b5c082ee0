/**
 * The consumer's side of `rateLimit`: after the claim, a job either holds the slot it reserved
 * on an earlier delivery (`rateSlotAt` on its record), or reserves the next one. A slot in the
 * future sends the job back until then — its message hidden to that moment, its record
 * `queued` with the slot — without counting an attempt or a release. SQS visibility has whole
 * seconds, so a job starts up to a second after its slot; the slots themselves stay spaced.
 *
 * @example
 * const gate = await rateLimitGate({ limiter, definition, payload, record: claim.record, nowMs: Date.now() });
 * if (!gate.run) await store.release(token, gate.slotAt, { rateSlotAt: gate.slotAt });
 */
import type { AnyJobDefinition } from '../../shared/define-job.ts';
import type { JobRecord } from '../../shared/status-store/job-record.ts';
import { rateLimitItemId, type RateLimiter } from '../../shared/status-store/rate-limiter.ts';

/** How late a reserved slot may still be used: SQS visibility has whole seconds. */
export function slotGraceMs(intervalMs: number): number {
  return Math.max(SLOT_GRACE_MS, intervalMs);
}
const SLOT_GRACE_MS = 3000;

export type RateGate = { readonly run: true } | { readonly run: false; readonly slotAt: number; readonly waitSeconds: number };

export async function rateLimitGate(input: {
  limiter: RateLimiter;
  definition: AnyJobDefinition;
  payload: unknown;
  record: JobRecord;
  nowMs: number;
}): Promise<RateGate> {
  const { rateLimit } = input.definition;
  if (!rateLimit) return { run: true };
  const intervalMs = (rateLimit.perSeconds * 1000) / rateLimit.limit;
  // Reserved on the delivery that sent it back (the claim succeeds only once it is due). A slot
  // missed by more than the grace (a backlog held the message) is not used late: late starts
  // would bunch up above the limit, so the job takes a new slot instead.
  const slot = input.record.rateSlotAt;
  if (slot !== undefined && input.nowMs - slot <= slotGraceMs(intervalMs)) return { run: true };
  const key = rateLimit.key?.(input.payload);
  const slotAt = await input.limiter.reserve(rateLimitItemId(input.definition.name, key), intervalMs);
  if (slotAt <= input.nowMs) return { run: true };
  return { run: false, slotAt, waitSeconds: Math.ceil((slotAt - input.nowMs) / 1000) };
}
