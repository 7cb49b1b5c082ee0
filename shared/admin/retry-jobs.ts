/**
 * `retry`: runs failed jobs again with fresh attempts, as a new generation so the old copy in
 * the DLQ can never run them again. The new message is sent before the record changes: if the
 * record update then fails, the message waits ("retry not recorded yet") instead of the job
 * being left queued with no message. Two retries of one job at once both send, but only one
 * moves the record, and the consumer runs that generation once.
 *
 * @example
 * await retryJobs(ctx, ['4f0c…'], { payload: { url: 'https://fixed.example.com/hook' } });
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { mapWithConcurrency } from '../concurrency.ts';
import { encodeEnvelope, overridesOf, type EnvelopeOverrides } from '../envelope.ts';
import { PayloadValidationError, errorMessage } from '../errors.ts';
import { queueLocationFor } from '../pipeline-config.ts';
import { failedPayloadOf, type JobRecord } from '../status-store/job-record.ts';
import type { AdminContext, JobActionResult } from './admin-context.ts';
import { changeVisibility, collectDeadLetters, deleteMessages } from './dead-letters.ts';
import { allFailedJobs } from './failure-stats.ts';

export interface RetryOptions {
  /** A corrected payload (validated against the job's schema first). Only with one job. */
  readonly payload?: unknown;
}

export async function retryJobs(ctx: AdminContext, ids: readonly string[], options: RetryOptions = {}): Promise<JobActionResult[]> {
  if (options.payload !== undefined && ids.length !== 1) {
    return ids.map((id) => ({ id, ok: false, error: 'a corrected payload can be given for one job at a time' }));
  }
  const records = await Promise.all(ids.map((id) => ctx.store.get(id)));
  const failed = records.filter((r): r is JobRecord => r?.status === 'failed');
  // Payloads too large for the record are read from the DLQ copies.
  const dlqCopies = await findDeadLetterCopies(ctx, failed.filter((r) => r.payloadJson === undefined && options.payload === undefined));
  const results = await mapWithConcurrency(ids, 8, async (id, i): Promise<JobActionResult> => {
    const record = records[i];
    if (!record) return { id, ok: false, error: `no job with id "${id}"` };
    if (record.status !== 'failed') return { id, ok: false, error: `job is ${record.status}; only failed jobs can be retried` };
    const copy = dlqCopies.get(id);
    const payload = options.payload ?? failedPayloadOf(record) ?? copy?.payload;
    if (payload === undefined) {
      return { id, ok: false, error: 'its payload is neither on the record nor in the DLQ; pass a payload' };
    }
    try {
      return await retryOne(ctx, record, payload, record.overrides ?? copy?.overrides ?? {});
    } catch (error) {
      return { id, ok: false, error: errorMessage(error) };
    }
  });
  const retried = new Set(results.filter((r) => r.ok).map((r) => r.id));
  await removeDeadLetterCopies(ctx, failed.filter((r) => retried.has(r.id)));
  return results;
}

/** Retries every failed job of a class and/or job name (after an outage, say). */
export async function retryAllJobs(ctx: AdminContext, filter: { class?: string; job?: string }): Promise<JobActionResult[]> {
  const { jobs } = await allFailedJobs(ctx, filter, 100_000);
  return retryJobs(ctx, jobs.map((job) => job.id));
}

async function retryOne(
  ctx: AdminContext,
  record: JobRecord,
  payload: unknown,
  overrides: EnvelopeOverrides,
): Promise<JobActionResult> {
  const definition = ctx.registry.get(record.name);
  if (!definition) return { id: record.id, ok: false, error: `job "${record.name}" is not registered here` };
  const parsed = definition.schema.safeParse(payload);
  if (!parsed.success) {
    throw new PayloadValidationError(
      record.name,
      parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    );
  }
  const gen = record.gen + 1;
  await ctx.clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: queueLocationFor(ctx.config, record.class).queueUrl,
      MessageBody: encodeEnvelope({
        v: 1,
        id: record.id,
        job: record.name,
        gen,
        // A fresh start for retryUntil; the record keeps the original enqueue time.
        enqueuedAt: new Date(ctx.now()).toISOString(),
        payload,
        // The attempts and backoff given at enqueue still apply, as they do to a redriven copy.
        ...overrides,
      }),
    }),
  );
  const maxAttempts =
    definition.attempts ?? ctx.registry.classOf(definition.name)?.attempts ?? record.maxAttempts;
  const attempts = overrides.maxAttempts ?? maxAttempts;
  try {
    await ctx.store.requeueFailed(record.id, { fromGen: record.gen, toGen: gen, maxAttempts: attempts });
  } catch (error) {
    // Someone retried it first: the message just sent duplicates theirs and runs at most once.
    return { id: record.id, ok: false, error: `not retried: ${errorMessage(error)} (already retried?)` };
  }
  return { id: record.id, ok: true, detail: `queued again as generation ${gen} with ${attempts} attempt(s)` };
}

/** What a retry needs from a job's DLQ copy when the record lacks it. */
interface DeadLetterCopy {
  readonly payload: unknown;
  readonly overrides: EnvelopeOverrides;
}

async function findDeadLetterCopies(ctx: AdminContext, records: readonly JobRecord[]): Promise<Map<string, DeadLetterCopy>> {
  const copies = new Map<string, DeadLetterCopy>();
  for (const className of new Set(records.map((r) => r.class))) {
    const wanted = new Set(records.filter((r) => r.class === className).map((r) => r.id));
    const location = ctx.config.queues[className];
    if (!location) continue;
    const genOf = new Map(records.map((r) => [r.id, r.gen]));
    const scan = await collectDeadLetters(ctx.clients.sqs, location.dlqUrl, (l) => wanted.has(l.jobId ?? ''));
    // The copy of the generation that failed, if several are there.
    for (const letter of scan.taken) {
      if (!copies.has(letter.jobId!) || letter.envelope?.gen === genOf.get(letter.jobId!)) {
        copies.set(letter.jobId!, {
          payload: letter.envelope?.payload,
          overrides: letter.envelope ? overridesOf(letter.envelope) : {},
        });
      }
    }
    // Only read here; the copies are removed once the retries went through.
    await scan.releaseOthers();
    await changeVisibility(ctx.clients.sqs, location.dlqUrl, scan.taken.map((l) => l.message), 0);
  }
  return copies;
}

/**
 * Removes the DLQ copies of the given jobs, up to each one's generation `gen`, from their
 * classes' DLQs; returns how many. A copy of a newer generation (the job failed again since)
 * stays: it may be the only place its payload lives.
 */
export async function removeDeadLetterCopies(
  ctx: AdminContext,
  jobs: readonly { readonly id: string; readonly class: string; readonly gen: number }[],
): Promise<number> {
  let removed = 0;
  for (const className of new Set(jobs.map((job) => job.class))) {
    const location = ctx.config.queues[className];
    if (!location) continue;
    const upTo = new Map(jobs.filter((job) => job.class === className).map((job) => [job.id, job.gen]));
    const scan = await collectDeadLetters(ctx.clients.sqs, location.dlqUrl, (letter) => {
      const gen = upTo.get(letter.jobId ?? '');
      return gen !== undefined && (letter.envelope?.gen ?? 0) <= gen;
    });
    removed += await deleteMessages(ctx.clients.sqs, location.dlqUrl, scan.taken.map((l) => l.message));
    await scan.releaseOthers();
  }
  return removed;
}
