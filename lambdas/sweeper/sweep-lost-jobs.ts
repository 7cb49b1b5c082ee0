/**
 * The sweeper: no job stays `queued` past its delivery deadline without someone noticing.
 * It runs beside the delay dispatcher. A `queued` record (one written before its message was
 * sent: a keyed, unique, debounced, delayed, released or requeued job) whose message must have
 * come back by now (see lost-job-decision.ts) is first marked as a suspect; one grace period
 * later, still unchanged and with still no backlog in its queue, it is failed with reason
 * "message lost" and counted, so `sqs-jobs failed` lists it and the metric alarms.
 *
 * `running` and `retrying` records are not in the (sparse) index: their message is already in
 * the queue and comes back by itself, unless SQS's redrive policy moved it to the DLQ. The
 * sweeper finds those through a bounded scan that resumes each run (scan-in-flight.ts), and
 * judges them the same way. A plain job's record is only written by its first claim, so there is
 * no record whose message could have failed to go out.
 *
 * A message that SQS moved to the DLQ by its redrive policy (about a hundred receives that ran
 * nothing) also leaves its record waiting. The record keeps `lostAt`, so should the message turn
 * up after all (`sqs-jobs redrive` of that DLQ copy, or a delivery later than any deadline), the
 * consumer re-arms the job as its next generation and runs it. A lost message cannot be re-sent
 * from the record (the payload travels only in the message), so failing it is the honest outcome.
 *
 * Cost per run: one GetQueueAttributes per class, one byStatus query per shard of `queued`
 * (8, half a read unit each when empty), the in-flight scan's slice (see scan-in-flight.ts), a BatchGetItem for records waiting
 * longer than the grace period, and a conditional write per suspect.
 *
 * @example
 * const { lost } = await sweepLostJobs({ clients, config });
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../../shared/aws-clients.ts';
import { mapWithConcurrency } from '../../shared/concurrency.ts';
import { statusShard } from '../../shared/job-table.ts';
import type { JobStatus } from '../../shared/lifecycle.ts';
import type { PipelineConfig } from '../../shared/pipeline-config.ts';
import { batchGetJobs } from '../../shared/status-store/batch-get.ts';
import { appendError, ERROR_MESSAGE_CHARS, truncate } from '../../shared/status-store/job-record.ts';
import { statusIndexIds } from '../../shared/status-store/status-index.ts';
import { ExpressionBuilder } from '../../shared/status-store/update-expression.ts';
import { lostJobVerdict, type SweptRecord } from './lost-job-decision.ts';
import { scanInFlight } from './scan-in-flight.ts';

/** How long past its deadline a record waits before it is suspected, and again before it is failed. */
export const LOST_GRACE_SECONDS = 600;
const WAITING: readonly JobStatus[] = ['queued'];

export interface SweepOptions {
  readonly clients: AwsClients;
  readonly config: PipelineConfig;
  readonly now?: () => number;
  /** @defaultValue LOST_GRACE_SECONDS */
  readonly graceSeconds?: number;
  /** Most records one run reads per status. @defaultValue 1000 */
  readonly limit?: number;
  /** The in-flight scan's slice per run (table pages, and items per page for tests). @defaultValue 2 pages of 1 MB */
  readonly scan?: { readonly pages: number; readonly itemsPerPage?: number };
  readonly onLost?: (record: SweptRecord) => void;
}

export interface SweepResult {
  /** Records past the grace period that were looked at. */
  readonly checked: number;
  readonly suspects: number;
  readonly lost: number;
  /** Lost records per class, for the `JobMessageLost` metric. */
  readonly lostByClass: Readonly<Record<string, number>>;
}

interface QueueFacts {
  readonly backlog: number;
  readonly visibilityTimeoutMs: number;
}

export async function sweepLostJobs(options: SweepOptions): Promise<SweepResult> {
  const { clients, config } = options;
  const now = options.now ?? Date.now;
  const graceMs = (options.graceSeconds ?? LOST_GRACE_SECONDS) * 1000;
  const queues = await queueFacts(options);
  const until = new Date(now() - graceMs).toISOString();
  const ids = (
    await Promise.all(
      WAITING.map((status) =>
        statusIndexIds(clients.dynamodb, config.tableName, { status, until, order: 'oldest', limit: options.limit ?? 1000 }),
      ),
    )
  ).flat();
  const records = [
    ...((await batchGetJobs(clients.dynamodb, config.tableName, ids)) as SweptRecord[]),
    ...(await scanInFlight({ db: clients.dynamodb, tableName: config.tableName, pages: options.scan?.pages ?? 2, ...(options.scan?.itemsPerPage !== undefined ? { itemsPerPage: options.scan.itemsPerPage } : {}) })),
  ];

  let suspects = 0;
  const lostByClass: Record<string, number> = {};
  await mapWithConcurrency(records, 8, async (record) => {
    const facts = queues.get(record.class);
    if (!facts) return;
    const verdict = lostJobVerdict(record, { nowMs: now(), graceMs, ...facts });
    if (verdict === 'fine') return;
    const changed = verdict === 'suspect' ? await markSuspect(options, record, now()) : await failLost(options, record, now());
    if (!changed) return;
    if (verdict === 'suspect') {
      suspects++;
    } else {
      lostByClass[record.class] = (lostByClass[record.class] ?? 0) + 1;
      options.onLost?.(record);
    }
  });
  const lost = Object.values(lostByClass).reduce((sum, n) => sum + n, 0);
  return { checked: records.length, suspects, lost, lostByClass };
}

async function queueFacts({ clients, config }: SweepOptions): Promise<Map<string, QueueFacts>> {
  const facts = new Map<string, QueueFacts>();
  await Promise.all(
    Object.entries(config.queues).map(async ([className, location]) => {
      const { Attributes = {} } = await clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: location.queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'VisibilityTimeout'],
        }),
      );
      facts.set(className, {
        backlog: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        visibilityTimeoutMs: Number(Attributes.VisibilityTimeout ?? 0) * 1000,
      });
    }),
  );
  return facts;
}

/** The record exactly as read: any move of the job since (a claim, a retry) makes the write miss. */
function unchanged(e: ExpressionBuilder, record: SweptRecord): void {
  e.condition(`${e.name('status')} = ${e.value(record.status)}`);
  e.condition(`${e.name('statusAt')} = ${e.value(record.statusAt)}`);
  e.condition(`${e.name('gen')} = ${e.value(record.gen)}`);
  e.condition(`${e.name('attempts')} = ${e.value(record.attempts)}`);
}

async function markSuspect({ clients, config }: SweepOptions, record: SweptRecord, nowMs: number): Promise<boolean> {
  const e = new ExpressionBuilder();
  e.set('lostSuspectAt', nowMs);
  unchanged(e, record);
  return conditionalUpdate(clients, config.tableName, record.id, e);
}

async function failLost(options: SweepOptions, record: SweptRecord, nowMs: number): Promise<boolean> {
  const at = new Date(nowMs).toISOString();
  const reason = `message lost: no delivery since ${new Date(record.lostSuspectAt ?? nowMs).toISOString()} (${record.status} since ${record.statusAt}); if the message turns up (a DLQ redrive), the job runs as its next generation`;
  const e = new ExpressionBuilder();
  e.set('status', 'failed').set('statusShard', statusShard('failed', record.id)).set('statusAt', at).set('finishedAt', at);
  e.set('lostAt', nowMs);
  e.set('lastError', truncate(reason, ERROR_MESSAGE_CHARS));
  e.set('errors', appendError(record.errors, { attempt: record.attempts, at, message: reason }));
  const days = options.config.failedRetentionDays;
  if (days !== undefined) e.set('expiresAt', Math.floor(nowMs / 1000) + days * 86_400);
  else e.remove('expiresAt');
  e.remove('leaseUntil', 'nextAttemptAt', 'lostSuspectAt');
  unchanged(e, record);
  e.condition(`${e.name('lostSuspectAt')} = ${e.value(record.lostSuspectAt)}`);
  return conditionalUpdate(options.clients, options.config.tableName, record.id, e);
}

async function conditionalUpdate(clients: AwsClients, tableName: string, id: string, e: ExpressionBuilder): Promise<boolean> {
  try {
    await clients.dynamodb.send(new UpdateCommand({ TableName: tableName, Key: { id }, ...e.build() }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
