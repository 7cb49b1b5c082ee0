/**
 * A local stand-in for the Lambda SQS event source mapping of one priority class, with
 * `ReportBatchItemFailures` switched on (as the stack configures it):
 *
 * - long-polls the queue, fills a batch up to `batchSize` within `batchWindowSeconds`
 *   (and under Lambda's 6 MB invocation payload), runs up to `maxConcurrency` invocations;
 * - builds the event and `Context` as Lambda does, enforces the function timeout;
 * - after a successful invocation deletes every record not listed in `batchItemFailures`;
 *   a thrown error, a timeout or a malformed response deletes nothing (the whole batch failed).
 *   Failed records are left alone: they come back when their visibility timeout (whatever the
 *   consumer set with ChangeMessageVisibility, else the queue's) runs out.
 *
 * @example
 * const poller = startEventSourcePoller({ sqs, queueUrl, queueArn, className: 'default',
 *   cls: defaultPriorityClasses.default, handler });
 * await poller.stop();
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { PriorityClass } from '../shared/priority-classes.ts';
import { lambdaContext, messagesToDelete, batchResponseProblem, toSqsRecord, type InvocationOutcome } from './lambda-event.ts';
import { Semaphore, arnAccount, arnRegion, chunks, clamp, delay } from './poller-util.ts';

export { batchResponseProblem, messagesToDelete, toSqsRecord, type InvocationOutcome } from './lambda-event.ts';

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/** Where a reported error happened; `timeout` and `handler` / `response` are failed invocations. */
export type PollerErrorPhase = 'receive' | 'handler' | 'timeout' | 'response' | 'delete' | 'release';

export interface EventSourcePollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly className: string;
  readonly cls: PriorityClass;
  readonly handler: SqsBatchHandler;
  /** Region put on records and the context; default: the queue ARN's region. */
  readonly region?: string;
  /** Default: `sqs-jobs-<className>`. */
  readonly functionName?: string;
  /** Long-poll wait per receive, 0–20 s. Short, so `stop()` returns quickly. Default 1. */
  readonly waitTimeSeconds?: number;
  /** Receive loops running side by side (Lambda starts with five). Default min(5, maxConcurrency). */
  readonly pollers?: number;
  /**
   * Whether the class is paused (`sqs-jobs pause`), the local stand-in for a disabled mapping:
   * `isPaused` is asked before each receive (cache it: it runs in every loop), `fresh` after a
   * batch arrives, so a batch received after the pause went in is handed back, not run.
   */
  readonly pause?: { isPaused(): Promise<boolean>; fresh(): Promise<boolean> };
  /** Errors the mapping would log; default: `console.error`. */
  readonly onError?: (error: unknown, phase: PollerErrorPhase) => void;
}

export interface EventSourcePoller {
  /** Stops polling, waits for in-flight invocations (at most the function timeout). */
  stop(): Promise<void>;
}


/** Lambda's synchronous invocation payload limit, which a batch must fit. */
export const MAX_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** SQS's per-request limits. */
const MAX_RECEIVE = 10;
const MAX_BATCH_ENTRIES = 10;

/** How often a paused loop looks again (the pause check itself is cached by the caller). */
const PAUSED_POLL_MS = 250;

const RECEIVE_ERROR_BACKOFF_MS = [250, 500, 1000, 2000, 5000] as const;

export function startEventSourcePoller(options: EventSourcePollerOptions): EventSourcePoller {
  const { sqs, queueUrl, queueArn, className, cls, handler } = options;
  const region = options.region ?? arnRegion(queueArn) ?? 'us-east-1';
  const accountId = arnAccount(queueArn) ?? '000000000000';
  const functionName = options.functionName ?? `sqs-jobs-${className}`;
  const waitTimeSeconds = clamp(options.waitTimeSeconds ?? 1, 0, 20);
  const maxConcurrency = Math.max(1, cls.maxConcurrency);
  const pollerCount = Math.max(1, Math.min(options.pollers ?? 5, maxConcurrency));
  const batchSize = Math.max(1, cls.batchSize);
  const timeoutMs = cls.timeoutSeconds * 1000;
  const reportError =
    options.onError ??
    ((error: unknown, phase: PollerErrorPhase) =>
      console.error(`[event-source ${className}] ${phase}:`, error));
  // A throwing error callback must not end a poll loop (stop() would reject).
  const onError = (error: unknown, phase: PollerErrorPhase): void => {
    try {
      reportError(error, phase);
    } catch {
      // nothing left to report to
    }
  };

  const slots = new Semaphore(maxConcurrency);
  const invocations = new Set<Promise<void>>();
  /** Received messages that did not fit the previous batch's payload; they lead the next one. */
  const carried: Message[] = [];
  const stopController = new AbortController();
  const stopping = stopController.signal;

  async function receive(maxMessages: number, waitSeconds: number): Promise<Message[]> {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: maxMessages,
        WaitTimeSeconds: waitSeconds,
        // Ask explicitly: AWS returns no attributes unless named (fauxqs returns all).
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      // No abort signal: an aborted receive could still take messages out of sight on the
      // server side for a whole visibility timeout. The short wait keeps stop() quick instead.
    );
    return Messages ?? [];
  }

  /** One batch: up to batchSize messages, within the batch window, under the payload limit. */
  async function gatherBatch(): Promise<Message[]> {
    const batch: Message[] = carried.splice(0, batchSize);
    let windowEndsAt =
      batch.length > 0 ? Date.now() + cls.batchWindowSeconds * 1000 : undefined;
    while (batch.length < batchSize && !stopping.aborted) {
      let wait = waitTimeSeconds;
      if (windowEndsAt !== undefined) {
        const remainingMs = windowEndsAt - Date.now();
        if (remainingMs <= 0) break;
        wait = Math.min(wait, Math.floor(remainingMs / 1000));
      }
      let messages: Message[];
      try {
        messages = await receive(Math.min(batchSize - batch.length, MAX_RECEIVE), wait);
      } catch (error) {
        if (batch.length === 0) throw error;
        // Already holding messages: invoke with them rather than strand them out of sight.
        onError(error, 'receive');
        break;
      }
      batch.push(...messages);
      if (batch.length === 0) return batch; // let the caller re-check stop and free the slot
      windowEndsAt ??= Date.now() + cls.batchWindowSeconds * 1000;
      if (cls.batchWindowSeconds === 0) break;
      if (messages.length === 0 && wait === 0) {
        // Under a second of window left: short polls, paced.
        await delay(Math.min(100, Math.max(0, windowEndsAt - Date.now())), stopping);
      }
    }
    return splitAtPayloadLimit(batch);
  }

  function splitAtPayloadLimit(batch: Message[]): Message[] {
    let bytes = 0;
    for (let i = 0; i < batch.length; i++) {
      const message = batch[i];
      if (!message) break;
      bytes += Buffer.byteLength(JSON.stringify(toSqsRecord(message, queueArn, region))) + 1;
      // The first record always goes: SQS's 1 MiB message limit keeps it under 6 MB.
      if (i > 0 && bytes > MAX_INVOCATION_PAYLOAD_BYTES) {
        carried.unshift(...batch.splice(i));
        break;
      }
    }
    return batch;
  }

  async function invoke(messages: Message[]): Promise<void> {
    const records = messages.map((message) => toSqsRecord(message, queueArn, region));
    const deadline = Date.now() + timeoutMs;
    const context = lambdaContext({ functionName, region, accountId, memoryMb: cls.memoryMb, deadline });

    // A handler that throws synchronously is a failed invocation too.
    const run = Promise.resolve().then(() => handler({ Records: records }, context));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<InvocationOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'timedOut' }), timeoutMs);
    });
    const outcome = await Promise.race<InvocationOutcome>([
      run.then(
        (response) => ({ status: 'returned', response }),
        (error: unknown) => ({ status: 'threw', error }),
      ),
      timedOut,
    ]);
    clearTimeout(timer);

    if (outcome.status === 'threw') onError(outcome.error, 'handler');
    if (outcome.status === 'timedOut') {
      // Lambda would kill the sandbox; here the handler runs on, detached from the mapping.
      onError(new Error(`${functionName}: Task timed out after ${cls.timeoutSeconds} seconds`), 'timeout');
    }
    if (outcome.status === 'returned') {
      const problem = batchResponseProblem(records, outcome.response);
      if (problem) onError(new Error(`${functionName}: ${problem}; the whole batch failed`), 'response');
    }
    await deleteRecords(messagesToDelete(records, outcome));
  }

  async function deleteRecords(records: readonly SQSRecord[]): Promise<void> {
    for (const chunk of chunks(records, MAX_BATCH_ENTRIES)) {
      try {
        const { Failed } = await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle })),
          }),
        );
        for (const failure of Failed ?? []) {
          const record = chunk[Number(failure.Id)];
          onError(
            new Error(`delete of ${record?.messageId} failed: ${failure.Code} ${failure.Message ?? ''}`),
            'delete',
          );
        }
      } catch (error) {
        // The messages reappear after their visibility timeout: at-least-once, as on AWS.
        onError(error, 'delete');
      }
    }
  }

  async function pollLoop(): Promise<void> {
    let consecutiveErrors = 0;
    while (!stopping.aborted) {
      if (options.pause && (await options.pause.isPaused())) {
        await delay(PAUSED_POLL_MS, stopping);
        continue;
      }
      if (!(await slots.acquire(stopping))) break;
      let messages: Message[];
      try {
        messages = await gatherBatch();
        consecutiveErrors = 0;
      } catch (error) {
        slots.release();
        onError(error, 'receive');
        const backoff = RECEIVE_ERROR_BACKOFF_MS[Math.min(consecutiveErrors, RECEIVE_ERROR_BACKOFF_MS.length - 1)];
        consecutiveErrors++;
        await delay(backoff ?? 1000, stopping);
        continue;
      }
      if (messages.length === 0) {
        slots.release();
        continue;
      }
      if (options.pause && (await options.pause.fresh())) {
        await releaseMessages(messages);
        slots.release();
        continue;
      }
      const invocation = invoke(messages)
        .catch((error: unknown) => onError(error, 'handler'))
        .finally(() => {
          slots.release();
          invocations.delete(invocation);
        });
      invocations.add(invocation);
    }
  }

  const loops = Array.from({ length: pollerCount }, () => pollLoop());
  let stopped: Promise<void> | undefined;

  return {
    stop() {
      stopped ??= (async () => {
        stopController.abort();
        await Promise.all(loops);
        // Messages held back for the payload limit: hand them back rather than let them sit
        // invisible for a whole visibility timeout.
        await releaseMessages(carried.splice(0));
        while (invocations.size > 0) await Promise.all([...invocations]);
      })();
      return stopped;
    },
  };

  async function releaseMessages(messages: readonly Message[]): Promise<void> {
    for (const chunk of chunks(messages, MAX_BATCH_ENTRIES)) {
      try {
        await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((message, i) => ({
              Id: String(i),
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: 0,
            })),
          }),
        );
      } catch (error) {
        onError(error, 'release');
      }
    }
  }
}
