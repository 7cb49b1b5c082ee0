/**
 * What a scheduled tick needs beyond any job: the `skip` overlap lock (no new run while the
 * schedule's previous one is queued or running) and the pointer to the schedule's newest tick,
 * which the dashboard reads.
 */
import type { JobLogger } from '../../shared/define-job.ts';
import { scheduleName, type Envelope } from '../../shared/envelope.ts';
import { errorMessage } from '../../shared/errors.ts';
import { isTerminal } from '../../shared/lifecycle.ts';
import type { LastTickPointers } from '../../shared/status-store/last-tick-pointer.ts';
import type { ScheduleLock } from '../../shared/status-store/schedule-lock.ts';
import type { StatusStore, UnrunJob } from '../../shared/status-store/status-store.ts';

export function createScheduleTicks(deps: {
  readonly scheduleLock: ScheduleLock;
  readonly pointers: LastTickPointers;
  readonly store: StatusStore;
  readonly logger: JobLogger;
}) {
  const { scheduleLock, store, logger } = deps;
  /** The lock a tick of a `skip` schedule holds while it runs; undefined for other jobs. */
  const overlapLockOf = (envelope: Envelope) =>
    envelope.tick?.overlap === 'skip' ? scheduleName(envelope.tick.schedule) : undefined;

  /** Points the schedule at this tick, once its claim (or its skip) put the tick's job on record. */
  async function pointAt(envelope: Envelope): Promise<void> {
    if (!envelope.tick) return;
    await deps.pointers
      .record(envelope.tick.schedule, envelope.id, new Date(envelope.tick.scheduledTime).toISOString())
      .catch((e: unknown) => logger.warn('last tick not recorded', { jobId: envelope.id, error: errorMessage(e) }));
  }

  return {
    /** Frees a `skip` schedule for its next tick once this job finished for good. */
    async releaseOverlap(envelope: Envelope): Promise<void> {
      const lock = overlapLockOf(envelope);
      if (lock) await scheduleLock.release(lock, envelope.id).catch((e: unknown) => logger.warn('schedule lock not released', { error: errorMessage(e) }));
    },

    /** Takes the overlap lock, or records the tick as skipped; false when it must not run. */
    async acquireOverlap(envelope: Envelope, job: UnrunJob): Promise<boolean> {
      const lock = overlapLockOf(envelope);
      if (!lock) return true;
      const held = await scheduleLock.acquire(lock, envelope.id, async (holder) => {
        const current = await store.get(holder);
        return current !== undefined && !isTerminal(current.status);
      });
      if (held.acquired) return true;
      const reason = `skipped: the previous run (${held.holder}) of schedule ${lock} has not finished`;
      await store.skip(job, reason).catch((e: unknown) => logger.warn('skipped tick not recorded', { jobId: envelope.id, error: errorMessage(e) }));
      // A skipped tick is the schedule's newest too: the dashboard shows it as skipped.
      await pointAt(envelope);
      logger.info('tick skipped (overlap)', { jobId: envelope.id, holder: held.holder });
      return false;
    },

    claimed: pointAt,
  };
}
