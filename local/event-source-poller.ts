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
import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type {
  Context,
  SQSBatchResponse,
  SQSEvent,
  SQSMessageAttribute,
  SQSMessageAttributes,
  SQSRecord,
  SQSRecordAttributes,
} from 'aws-lambda';
import type { PriorityClass } from '../shared/priority-classes.ts';

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
  /** Errors the mapping would log; default: `console.error`. */
  readonly onError?: (error: unknown, phase: PollerErrorPhase) => void;
}

export interface EventSourcePoller {
  /** Stops polling, waits for in-flight invocations (at most the function timeout). */
  stop(): Promise<void>;
}

/** How one invocation ended, as the mapping sees it. */
export type InvocationOutcome =
  | { readonly status: 'returned'; readonly response: unknown }
  | { readonly status: 'threw'; readonly error: unknown }
  | { readonly status: 'timedOut' };

/** Lambda's synchronous invocation payload limit, which a batch must fit. */
export const MAX_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** SQS's per-request limits. */
const MAX_RECEIVE = 10;
const MAX_BATCH_ENTRIES = 10;

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

/** An SDK `Message` as the Lambda event source mapping puts it into `event.Records`. */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const system = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
    SentTimestamp: system.SentTimestamp ?? '',
    SenderId: system.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? '',
  };
  // Optional ones (FIFO, tracing, redrive) only when the queue sent them, as Lambda does.
  const optional = [
    'AWSTraceHeader',
    'SequenceNumber',
    'MessageGroupId',
    'MessageDeduplicationId',
    'DeadLetterQueueSourceArn',
  ] as const;
  for (const name of optional) {
    const value = system[name];
    if (value !== undefined) attributes[name] = value;
  }

  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = toLambdaAttribute(value);
  }

  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/** Lambda's attribute shape: camelCase, binary as base64, list fields always empty arrays. */
function toLambdaAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  const attribute: SQSMessageAttribute = {
    stringListValues: [],
    binaryListValues: [],
    dataType: value.DataType ?? 'String',
  };
  if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
  if (value.BinaryValue !== undefined) attribute.binaryValue = Buffer.from(value.BinaryValue).toString('base64');
  return attribute;
}

/**
 * Why Lambda would treat a returned value as a failed batch, or undefined when it is a valid
 * (possibly partial) success. Per AWS: null/undefined, `{}` and an empty or null
 * `batchItemFailures` mean all succeeded; an empty/null/non-string `itemIdentifier`, a wrong key
 * name or an id not in the batch mean the whole batch failed.
 */
export function batchResponseProblem(records: readonly SQSRecord[], response: unknown): string | undefined {
  if (response === undefined || response === null) return undefined;
  if (typeof response !== 'object' || Array.isArray(response)) return 'response is not an object';
  if (!('batchItemFailures' in response)) return undefined;
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return undefined;
  if (!Array.isArray(failures)) return 'batchItemFailures is not a list';
  const ids = new Set(records.map((record) => record.messageId));
  for (const failure of failures) {
    if (typeof failure !== 'object' || failure === null || !('itemIdentifier' in failure)) {
      return 'a batchItemFailures entry has no itemIdentifier';
    }
    const id = failure.itemIdentifier;
    if (typeof id !== 'string' || id === '') return 'an itemIdentifier is empty or not a string';
    if (!ids.has(id)) return `itemIdentifier ${id} is not a message of this batch`;
  }
  return undefined;
}

/** The records the mapping deletes after an invocation ended with `outcome`. */
export function messagesToDelete(records: readonly SQSRecord[], outcome: InvocationOutcome): SQSRecord[] {
  if (outcome.status !== 'returned') return [];
  if (batchResponseProblem(records, outcome.response) !== undefined) return [];
  const { response } = outcome;
  const failed = new Set<string>();
  if (typeof response === 'object' && response !== null && 'batchItemFailures' in response) {
    const failures: unknown = response.batchItemFailures;
    if (Array.isArray(failures)) {
      for (const failure of failures) {
        if (typeof failure === 'object' && failure !== null && 'itemIdentifier' in failure) {
          const id: unknown = failure.itemIdentifier;
          if (typeof id === 'string') failed.add(id);
        }
      }
    }
  }
  return records.filter((record) => !failed.has(record.messageId));
}

interface ContextOptions {
  readonly functionName: string;
  readonly region: string;
  readonly accountId: string;
  readonly memoryMb: number;
  /** Epoch ms at which the function times out. */
  readonly deadline: number;
}

function lambdaContext(options: ContextOptions): Context {
  const { functionName, region, accountId, memoryMb, deadline } = options;
  const requestId = randomUUID();
  const unsupported = (name: string) => () => {
    // nodejs24.x dropped callback-style handlers and these legacy helpers with them.
    throw new Error(`context.${name}() is not supported on nodejs24.x; return a value instead`);
  };
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}

/** Counting semaphore whose waiters give up (resolve false) when `signal` aborts. */
class Semaphore {
  private available: number;
  private readonly waiters: ((granted: boolean) => void)[] = [];

  constructor(size: number) {
    this.available = size;
  }

  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.available > 0) {
      this.available--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const onAbort = () => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(false);
      };
      const grant = (granted: boolean) => {
        signal.removeEventListener('abort', onAbort);
        resolve(granted);
      };
      this.waiters.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next(true);
    else this.available++;
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** `arn:aws:sqs:<region>:<account>:<name>` */
function arnRegion(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

function arnAccount(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}
