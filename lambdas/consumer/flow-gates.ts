/**
 * The flow-control gates a claimed job passes before it runs: its rate-limit slot, then a
 * concurrency slot of its key. A job stopped by either goes back to its queue (`wait`), its
 * record `queued` again without an attempt or a release counted; `error` (a key function
 * threw, the table cannot be reached) is settled by the caller as a failed attempt.
 */
import type { SQSRecord } from 'aws-lambda';
import type { AnyJobDefinition, JobLogger } from '../../shared/define-job.ts';
import { errorMessage } from '../../shared/errors.ts';
import type { ConcurrencySlots } from '../../shared/status-store/concurrency-slots.ts';
import type { JobRecord } from '../../shared/status-store/job-record.ts';
import type { RateLimiter } from '../../shared/status-store/rate-limiter.ts';
import { uniqueItemId, type UniqueLocks } from '../../shared/status-store/unique-locks.ts';
import type { ClaimToken, StatusStore } from '../../shared/status-store/status-store.ts';
import { concurrencyGate } from './concurrency-gate.ts';
import { rateLimitGate } from './rate-limit-gate.ts';
import type { VisibilityChanges } from './visibility-changes.ts';

/** The concurrency slot a record's job holds while it runs. */
export interface HeldSlot {
  release?: () => Promise<void>;
}

export type GateOutcome = { readonly kind: 'pass' } | { readonly kind: 'wait' } | { readonly kind: 'error'; readonly error: unknown };

export async function passFlowGates(input: {
  limiter: RateLimiter;
  slots: ConcurrencySlots;
  locks: UniqueLocks;
  store: StatusStore;
  definition: AnyJobDefinition;
  payload: unknown;
  claimed: JobRecord;
  token: ClaimToken;
  leaseUntil: number;
  record: SQSRecord;
  visibility: VisibilityChanges;
  logger: JobLogger;
  now: () => number;
  held: HeldSlot;
}): Promise<GateOutcome> {
  const { definition, store, token, logger, visibility, record } = input;
  const sendBack = async (waitSeconds: number, nextAttemptAt: number, options: { rateSlotAt?: number; concurrencyWait?: boolean }, why: string) => {
    visibility.set(record, waitSeconds);
    await store.release(token, nextAttemptAt, options).catch((e: unknown) => {
      logger.warn(`${why}: wait not recorded`, { error: errorMessage(e) });
    });
    logger.debug(`${why}: back later`, { waitSeconds });
    return { kind: 'wait' } as const;
  };
  try {
    if (definition.rateLimit) {
      const gate = await rateLimitGate({ limiter: input.limiter, definition, payload: input.payload, record: input.claimed, nowMs: input.now() });
      if (!gate.run) return await sendBack(gate.waitSeconds, gate.slotAt, { rateSlotAt: gate.slotAt }, 'rate limited');
    }
    if (definition.concurrency) {
      const gate = await concurrencyGate({
        slots: input.slots,
        definition,
        payload: input.payload,
        record: input.claimed,
        leaseUntil: input.leaseUntil,
        logger,
      });
      if (!gate.run) return await sendBack(gate.waitSeconds, input.now() + gate.waitSeconds * 1000, { concurrencyWait: true }, 'concurrency key full');
      input.held.release = gate.release;
    }
    if (definition.unique?.while === 'running') {
      // Unique while running: the running job names itself holder, so enqueues see it.
      await input.locks.hold(uniqueItemId(definition.name, definition.unique.key(input.payload)), token.id, input.leaseUntil);
    }
  } catch (error) {
    return { kind: 'error', error };
  }
  return { kind: 'pass' };
}
