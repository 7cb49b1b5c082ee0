/**
 * The job status store on DynamoDB. Every status write is a conditional update that asserts
 * where the job comes from (per the lifecycle's transition table) and, for a claimed job, that
 * the caller still holds the claim (same generation and attempt). A write whose condition fails
 * throws `JobStateConflictError`; `claim` instead returns the stored record so the caller can
 * decide what the duplicate delivery means.
 *
 * @example
 * const store = createStatusStore({ documentClient, tableName: 'sqs-jobs-jobs' });
 * const outcome = await store.claim({ id, gen: 1, name, class: 'default', maxAttempts: 3, enqueuedAt, leaseMs: 65_000 });
 * if (outcome.claimed) await store.complete(outcome.token, { ok: true });
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { JobStateConflictError } from '../errors.ts';
import { isIndexedStatus, jobTable, statusShard } from '../job-table.ts';
import { sourcesOf, type JobStatus } from '../lifecycle.ts';
import { pipelineSettings } from '../pipeline-settings.ts';
import { ERROR_MESSAGE_CHARS, boundedResult, failedPayloadJson, truncate, type JobRecord } from './job-record.ts';
import type { ClaimToken, StatusStore, UnrunJob } from './store-contract.ts';
import { ExpressionBuilder } from './update-expression.ts';
import { putUnstartedCancel } from './unstarted-cancel.ts';

/** The retention a pipeline's records get: the settings, with the pipeline's choice for failed jobs. */
export function retentionFor(config: { readonly failedRetentionDays?: number }): NonNullable<StatusStoreOptions['retention']> {
  return { ...pipelineSettings.retention, failedDays: config.failedRetentionDays ?? null };
}

export interface StatusStoreOptions {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days a record lives after it finished. @defaultValue pipelineSettings.retention */
  readonly retention?: { completedDays: number; failedDays: number | null; unfinishedDays: number };
  /** Clock in epoch ms; tests may pin it. @defaultValue Date.now */
  readonly now?: () => number;
}

export type {
  ClaimInput,
  ClaimOutcome,
  ClaimToken,
  FailTarget,
  FailUpdate,
  NewJob,
  StatusStore,
  UnrunJob,
} from './store-contract.ts';

const DAY_SECONDS = 86_400;


export function createStatusStore(options: StatusStoreOptions): StatusStore {
  const { documentClient: db, tableName } = options;
  const retention = options.retention ?? pipelineSettings.retention;
  const now = options.now ?? Date.now;
  const expiresAfter = (days: number) => Math.floor(now() / 1000) + days * DAY_SECONDS;
  const isoNow = () => new Date(now()).toISOString();

  async function get(id: string): Promise<JobRecord | undefined> {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }));
    return Item as JobRecord | undefined;
  }

  /** Runs a conditional update; a failed condition becomes a typed conflict error. */
  async function update(id: string, expression: ExpressionBuilder, expected: string): Promise<void> {
    try {
      await db.send(new UpdateCommand({ TableName: tableName, Key: { id }, ...expression.build() }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new JobStateConflictError(id, expected);
      throw error;
    }
  }

  /** Asserts the job is still on the caller's claim. */
  function holdsClaim(e: ExpressionBuilder, token: ClaimToken): void {
    e.condition(`${e.name('status')} = ${e.value('running')}`);
    e.condition(`${e.name('gen')} = ${e.value(token.gen)}`);
    e.condition(`${e.name('attempts')} = ${e.value(token.attempt)}`);
  }

  /** SET status + statusAt, and the index key only for a status read by index (the index is sparse). */
  function enterStatus(e: ExpressionBuilder, status: JobStatus, id: string): void {
    e.set('status', status).set('statusAt', isoNow());
    if (isIndexedStatus(status)) e.set('statusShard', statusShard(status, id));
    else e.remove('statusShard');
  }

  /**
   * Moves a job that never ran to a final status, creating its record if there is none (a
   * scheduled tick): name and class are filled in only where missing.
   */
  function settleUnrun(e: ExpressionBuilder, job: UnrunJob, status: 'failed' | 'cancelled'): Promise<void> {
    enterStatus(e, status, job.id);
    for (const [attribute, value] of [
      ['name', job.name],
      ['class', job.class],
      ['gen', job.gen],
      ['attempts', 0],
      ['maxAttempts', job.maxAttempts],
      ['enqueuedAt', job.enqueuedAt ?? isoNow()],
    ] as const) {
      e.setExpression(attribute, `if_not_exists(${e.name(attribute)}, ${e.value(value)})`);
    }
    // Never over a running attempt whose lease still holds: that attempt decides the outcome.
    const waiting = sourcesOf(status).filter((from) => from !== 'running');
    const sameGen = `${e.name('gen')} = ${e.value(job.gen)}`;
    e.condition(
      [
        `attribute_not_exists(${e.name('id')})`,
        `${sameGen} AND ${e.isOneOf('status', waiting)}`,
        // A failure may take over a crashed attempt; a skip never runs over one.
        ...(status === 'failed'
          ? [`${sameGen} AND ${e.name('status')} = ${e.value('running')} AND ${e.name('leaseUntil')} < ${e.value(now())}`]
          : []),
      ].join(' OR '),
    );
    return update(job.id, e, `not yet run (generation ${job.gen})`);
  }

  /**
   * SET status + statusAt, on condition that the job is in one of `from` (by default every
   * status the transition table lets reach `status`; an operation narrows it to its own edge).
   */
  function moveTo(e: ExpressionBuilder, id: string, status: JobStatus, from: readonly JobStatus[] = sourcesOf(status)): void {
    if (from.some((source) => !sourcesOf(status).includes(source))) throw new Error(`no transition to ${status} from ${from.join('/')}`);
    enterStatus(e, status, id);
    e.condition(e.isOneOf('status', from));
  }

  return {
    get,

    async createQueued(job) {
      const timestamp = isoNow();
      const { scheduled } = job;
      const record: JobRecord = {
        id: job.id,
        name: job.name,
        class: job.class,
        status: scheduled ? 'scheduled' : 'queued',
        statusShard: statusShard(scheduled ? 'scheduled' : 'queued', job.id),
        gen: 1,
        attempts: 0,
        maxAttempts: job.maxAttempts,
        enqueuedAt: job.enqueuedAt,
        // A scheduled job sorts by its due time in the byStatus index: the dispatcher's query.
        statusAt: scheduled ? new Date(scheduled.dueAt).toISOString() : timestamp,
        ...(scheduled ? { dueAt: scheduled.dueAt, pendingMessage: scheduled.message } : {}),
        ...(job.notBefore !== undefined ? { nextAttemptAt: job.notBefore } : {}),
        ...(job.idempotencyKey !== undefined ? { idempotencyKey: job.idempotencyKey } : {}),
        expiresAt: Math.floor((scheduled?.dueAt ?? now()) / 1000) + retention.unfinishedDays * DAY_SECONDS,
      };
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: record,
            ConditionExpression: 'attribute_not_exists(#id)',
            ExpressionAttributeNames: { '#id': jobTable.partitionKey },
          }),
        );
        return { created: true, record };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const existing = await get(job.id);
        // Deleted between the two calls (TTL, forget): report it as existing in its last known form.
        return { created: false, record: existing ?? record };
      }
    },

    async removeUnsent(id, gen) {
      try {
        await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { id },
            ConditionExpression: '#status = :queued AND #gen = :gen AND #attempts = :zero',
            ExpressionAttributeNames: { '#status': 'status', '#gen': 'gen', '#attempts': 'attempts' },
            ExpressionAttributeValues: { ':queued': 'queued', ':gen': gen, ':zero': 0 },
          }),
        );
      } catch (error) {
        // Already picked up or changed: then the message did go out, and the record must stay.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async claim(input) {
      const nowMs = now();
      const e = new ExpressionBuilder();
      enterStatus(e, 'running', input.id);
      e.set('startedAt', isoNow());
      e.set('leaseUntil', nowMs + input.leaseMs).set('expiresAt', expiresAfter(retention.unfinishedDays));
      e.setExpression('attempts', `if_not_exists(${e.name('attempts')}, ${e.value(0)}) + ${e.value(1)}`);
      for (const [attribute, value] of [
        ['name', input.name],
        ['class', input.class],
        ['gen', input.gen],
        ['maxAttempts', input.maxAttempts],
        ['enqueuedAt', input.enqueuedAt],
      ] as const) {
        e.setExpression(attribute, `if_not_exists(${e.name(attribute)}, ${e.value(value)})`);
      }
      e.remove('nextAttemptAt');
      const dueBy = nowMs + (input.earlyToleranceMs ?? 2000);
      const waiting = sourcesOf('running').filter((st) => st !== 'running');
      // A flat OR of ANDs: a new record (a scheduled tick only), a due job that waits, or a running
      // job whose lease expired. (Nested parentheses cost the local emulator ~80 ms to parse.)
      const current = `${e.name('gen')} = ${e.value(input.gen)} AND ${e.name('attempts')} < ${e.name('maxAttempts')}`;
      e.condition(
        [
          ...(input.createIfMissing ? [`attribute_not_exists(${e.name('id')})`] : []),
          `${current} AND ${e.isOneOf('status', waiting)} AND attribute_not_exists(${e.name('nextAttemptAt')})`,
          `${current} AND ${e.isOneOf('status', waiting)} AND ${e.name('nextAttemptAt')} <= ${e.value(dueBy)}`,
          `${current} AND ${e.name('status')} = ${e.value('running')} AND ${e.name('leaseUntil')} < ${e.value(nowMs)}`,
        ].join(' OR '),
      );
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: input.id },
            ...e.build(),
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        const record = Attributes as JobRecord;
        return { claimed: true, record, token: { id: input.id, gen: record.gen, attempt: record.attempts } };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // AWS returns the stored item with the error; some emulators do not, so read it then.
        const record = error.Item ? (unmarshall(error.Item) as JobRecord) : await get(input.id);
        return { claimed: false, record };
      }
    },

    async complete(token, result) {
      const e = new ExpressionBuilder();
      moveTo(e, token.id, 'completed');
      holdsClaim(e, token);
      e.set('finishedAt', isoNow()).set('result', boundedResult(result));
      e.set('expiresAt', expiresAfter(retention.completedDays));
      e.remove('leaseUntil');
      await update(token.id, e, `running attempt ${token.attempt}`);
    },

    async scheduleRetry(token, { errors, nextAttemptAt }) {
      const e = new ExpressionBuilder();
      moveTo(e, token.id, 'retrying');
      holdsClaim(e, token);
      // The newest error is errors[-1]; `lastError` is kept for the final reason only.
      e.set('nextAttemptAt', nextAttemptAt).set('errors', errors);
      e.remove('leaseUntil', 'rateSlotAt');
      await update(token.id, e, `running attempt ${token.attempt}`);
    },

    async release(token, nextAttemptAt, options = {}) {
      const e = new ExpressionBuilder();
      moveTo(e, token.id, 'queued', ['running']);
      holdsClaim(e, token);
      // A release does not count as an attempt.
      e.setExpression('attempts', `${e.name('attempts')} - ${e.value(1)}`);
      if (options.counted) e.setExpression('releases', `if_not_exists(${e.name('releases')}, ${e.value(0)}) + ${e.value(1)}`);
      e.set('nextAttemptAt', nextAttemptAt);
      if (options.concurrencyWait) e.setExpression('concurrencyWaits', `if_not_exists(${e.name('concurrencyWaits')}, ${e.value(0)}) + ${e.value(1)}`);
      if (options.rateSlotAt === undefined) e.remove('leaseUntil', 'rateSlotAt');
      else {
        // Waiting for its rate-limit slot: the next claim runs it without taking another.
        e.set('rateSlotAt', options.rateSlotAt);
        e.setExpression('rateWaits', `if_not_exists(${e.name('rateWaits')}, ${e.value(0)}) + ${e.value(1)}`);
        e.remove('leaseUntil');
      }
      await update(token.id, e, `running attempt ${token.attempt}`);
    },

    async fail(target, { errors, reason, payload, overrides }) {
      const e = new ExpressionBuilder();
      e.set('finishedAt', isoNow()).set('errors', errors).set('lastError', truncate(reason, ERROR_MESSAGE_CHARS));
      e.set('payloadJson', payload === undefined ? undefined : failedPayloadJson(payload));
      e.set('overrides', overrides && Object.keys(overrides).length > 0 ? overrides : undefined);
      if (retention.failedDays === null) e.remove('expiresAt');
      else e.set('expiresAt', expiresAfter(retention.failedDays));
      e.remove('leaseUntil', 'nextAttemptAt');
      if ('token' in target) {
        moveTo(e, target.token.id, 'failed');
        holdsClaim(e, target.token);
        return update(target.token.id, e, `running attempt ${target.token.attempt}`);
      }
      // A job that never ran (poison message, unknown job, attempts used up by crashes).
      return settleUnrun(e, target, 'failed');
    },

    async markDispatched(id, dueAt) {
      const e = new ExpressionBuilder();
      moveTo(e, id, 'queued', ['scheduled']);
      e.set('nextAttemptAt', dueAt).remove('pendingMessage');
      await update(id, e, 'scheduled');
    },

    async cancel(id, reason) {
      const e = new ExpressionBuilder();
      // A running job is cancelled by its consumer (requestCancel), never over its head.
      moveTo(e, id, 'cancelled', ['scheduled', 'queued', 'retrying']);
      e.set('finishedAt', isoNow()).set('lastError', reason).set('expiresAt', expiresAfter(retention.completedDays));
      e.remove('pendingMessage', 'nextAttemptAt');
      await update(id, e, 'scheduled, queued or retrying');
    },

    cancelUnstarted: (id, reason) =>
      putUnstartedCancel({ db, tableName, at: isoNow(), id, reason, expiresAt: expiresAfter(Math.max(retention.completedDays, pipelineSettings.queueRetentionDays)) }),

    async requestCancel(id, by) {
      const e = new ExpressionBuilder();
      e.condition(`${e.name('status')} = ${e.value('running')}`);
      e.set('cancelRequestedAt', isoNow()).set('cancelRequestedBy', by);
      await update(id, e, 'running');
    },

    async settleCancelled(token, request) {
      const e = new ExpressionBuilder();
      moveTo(e, token.id, 'cancelled', ['running']);
      holdsClaim(e, token);
      e.set('finishedAt', isoNow()).set('lastError', `cancelled while running by ${request.by} at ${request.at}`);
      e.set('expiresAt', expiresAfter(retention.completedDays));
      e.remove('leaseUntil', 'nextAttemptAt');
      await update(token.id, e, `running attempt ${token.attempt}`);
    },

    async skip(target, reason) {
      const e = new ExpressionBuilder();
      e.set('finishedAt', isoNow()).set('lastError', reason).set('expiresAt', expiresAfter(retention.completedDays));
      await settleUnrun(e, target, 'cancelled');
    },

    async requeueFailed(id, { fromGen, toGen, maxAttempts }) {
      const e = new ExpressionBuilder();
      moveTo(e, id, 'queued', ['failed']);
      e.condition(`${e.name('gen')} = ${e.value(fromGen)}`);
      e.set('gen', toGen).set('attempts', 0).set('maxAttempts', maxAttempts);
      e.set('requeuedAt', isoNow()).set('expiresAt', expiresAfter(retention.unfinishedDays));
      // The new generation's message carries payload and overrides; a later failure stores them again.
      // A new generation starts afresh: releases and lost-message marks belong to the old one.
      e.remove('finishedAt', 'nextAttemptAt', 'leaseUntil', 'payloadJson', 'overrides', 'cancelRequestedAt', 'cancelRequestedBy', 'rateSlotAt');
      e.remove('releases', 'lostAt', 'lostSuspectAt');
      await update(id, e, `failed (generation ${fromGen})`);
    },

    async removeFailed(id) {
      try {
        await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { id },
            ConditionExpression: '#status = :failed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':failed': 'failed' },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new JobStateConflictError(id, 'failed');
        throw error;
      }
    },

    async setProgress(token, percent) {
      const e = new ExpressionBuilder();
      holdsClaim(e, token);
      e.set('progress', Math.max(0, Math.min(100, percent)));
      await update(token.id, e, `running attempt ${token.attempt}`);
    },
  };
}
