/**
 * The consumer's side of `concurrency`: before a claimed job runs it takes a slot of its key
 * (leased until the claim's lease ends, so a crashed consumer's slot frees itself), and gives
 * it back once the job is settled. A job that finds every slot taken goes back to its queue,
 * counting neither an attempt nor a release, and looks again after a wait that doubles with
 * each miss (1 s up to a minute), so a long wait uses few receives.
 */
import type { AnyJobDefinition, JobLogger } from '../../shared/define-job.ts';
import { errorMessage } from '../../shared/errors.ts';
import type { JobRecord } from '../../shared/status-store/job-record.ts';
import { concurrencyItemId, type ConcurrencySlots } from '../../shared/status-store/concurrency-slots.ts';

/** Longest wait between two looks for a free slot. */
export const MAX_CONCURRENCY_WAIT_SECONDS = 60;

export type ConcurrencyGate =
  | { readonly run: true; readonly release: () => Promise<void> }
  | { readonly run: false; readonly waitSeconds: number };

export function concurrencyWaitSeconds(waitsSoFar: number): number {
  return Math.min(MAX_CONCURRENCY_WAIT_SECONDS, 2 ** Math.min(waitsSoFar, 6));
}

export async function concurrencyGate(input: {
  slots: ConcurrencySlots;
  definition: AnyJobDefinition;
  payload: unknown;
  record: JobRecord;
  leaseUntil: number;
  logger: JobLogger;
}): Promise<ConcurrencyGate> {
  const { concurrency } = input.definition;
  if (!concurrency) return { run: true, release: async () => undefined };
  const itemId = concurrencyItemId(input.definition.name, concurrency.key(input.payload));
  const holder = input.record.id;
  if (await input.slots.acquire(itemId, holder, concurrency.limit, input.leaseUntil)) {
    return {
      run: true,
      // A slot not given back frees itself when its lease ends.
      release: () => input.slots.release(itemId, holder).catch((e: unknown) => input.logger.warn('concurrency slot not released', { error: errorMessage(e) })),
    };
  }
  return { run: false, waitSeconds: concurrencyWaitSeconds(input.record.concurrencyWaits ?? 0) };
}
