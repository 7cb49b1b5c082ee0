/**
 * Measurement 3: time per batch of 10 no-op jobs through the real consumer, against bare SQS
 * handlers given the very same kind of records on the same emulators in the same run:
 *
 * - `bare-1`: one UpdateItem per record (the minimal status write), as the brief's baseline;
 * - `store-2`: the consumer's two writes (claim + complete) through the real status store, with
 *   nothing else — envelope decoding, schema validation, timeouts, logging and metrics left out,
 *   so consumer ÷ store-2 is the consumer's own code overhead;
 * - `flat-2`: the same two writes with the claim's condition written flat (the same logic as a
 *   plain OR of ANDs) — store-2 ÷ flat-2 is what dynalite's expression parser costs locally.
 *
 * All handlers run the 10 records of a batch in parallel (the class's recordParallelism). The
 * records are real SQS messages of jobs enqueued through the SDK; only the handler call is timed.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mapWithConcurrency } from '../shared/concurrency.ts';
import { defaultPriorityClasses } from '../shared/priority-classes.ts';
import { createConsumer } from '../lambdas/consumer/create-consumer.ts';
import { toSqsRecord } from '../local/event-source-poller.ts';
import { benchRegistry, type BenchRegistry } from './bench-jobs.ts';
import { silentLogger, startBenchPipeline, type BenchPipeline } from './pipeline.ts';
import { summarize, type Summary } from './stats.ts';

export interface ConsumerOverheadOptions {
  /** Batches of 10 per variant per run. */
  readonly batches: number;
  readonly runs: number;
  readonly warmups: number;
  readonly log?: (line: string) => void;
}

export interface ConsumerVariantResult {
  readonly id: string;
  readonly title: string;
  /** Milliseconds per batch of 10, over all measured batches. */
  readonly batchMs: Summary;
}

export interface ConsumerOverheadResult {
  readonly batchSize: number;
  readonly batches: number;
  readonly runs: number;
  readonly warmups: number;
  readonly variants: readonly ConsumerVariantResult[];
  /** Per run: median consumer batch time ÷ median bare-1 batch time. */
  readonly ratio: Summary;
  /** Per run: consumer ÷ store-2 (the consumer's code beyond its two writes). */
  readonly ratioCode: Summary;
  /** Per run: store-2 ÷ flat-2 (the claim condition's parse cost on dynalite). */
  readonly ratioClaimParse: Summary;
}

const BATCH = 10;
const CLASS_NAME = 'default';
type Handler = (event: SQSEvent) => Promise<SQSBatchResponse>;

interface EnvelopeFields {
  id: string;
  job: string;
  gen: number;
  enqueuedAt: string;
}

const context = { getRemainingTimeInMillis: () => defaultPriorityClasses[CLASS_NAME].timeoutSeconds * 1000 };

function handlers(p: BenchPipeline<BenchRegistry>): Record<string, { title: string; handle: Handler }> {
  const consume = createConsumer({
    registry: benchRegistry,
    className: CLASS_NAME,
    config: p.config,
    clients: p.clients,
    store: p.store,
    logger: silentLogger,
  });
  const parallelism = defaultPriorityClasses[CLASS_NAME].recordParallelism;
  const each = (fn: (record: SQSRecord, envelope: EnvelopeFields) => Promise<void>): Handler => async (event) => {
    await mapWithConcurrency(event.Records, parallelism, (record) => fn(record, JSON.parse(record.body) as EnvelopeFields));
    return { batchItemFailures: [] };
  };
  const table = p.config.tableName;
  return {
    consumer: { title: 'the consumer (createConsumer)', handle: (event) => consume(event, context) },
    'bare-1': {
      title: 'bare handler: one UpdateItem per record',
      handle: each(async (_record, envelope) => {
        await p.clients.dynamodb.send(
          new UpdateCommand({
            TableName: table,
            Key: { id: envelope.id },
            UpdateExpression: 'SET #status = :completed, #statusAt = :now',
            ConditionExpression: 'attribute_exists(#id)',
            ExpressionAttributeNames: { '#status': 'status', '#statusAt': 'statusAt', '#id': 'id' },
            ExpressionAttributeValues: { ':completed': 'completed', ':now': new Date().toISOString() },
          }),
        );
      }),
    },
    'store-2': {
      title: 'bare handler: claim + complete through the status store',
      handle: each(async (_record, envelope) => {
        const claim = await p.store.claim({
          id: envelope.id,
          gen: envelope.gen,
          createIfMissing: false,
          name: envelope.job,
          class: CLASS_NAME,
          maxAttempts: 3,
          enqueuedAt: envelope.enqueuedAt,
          leaseMs: 60_000,
        });
        if (!claim.claimed) throw new Error(`bench: job ${envelope.id} could not be claimed`);
        await p.store.complete(claim.token, undefined);
      }),
    },
    'flat-2': {
      title: 'bare handler: the same two writes, the claim condition written flat (complete through the store)',
      handle: each(async (_record, envelope) => {
        const attempt = await flatClaim(p, envelope);
        await p.store.complete({ id: envelope.id, gen: envelope.gen, attempt }, undefined);
      }),
    },
  };
}

/**
 * The status store's claim (same SET/REMOVE clauses) with its condition distributed into a flat
 * OR of ANDs: A OR (B AND C AND D AND E) OR (B AND C AND D AND F) OR (B AND C AND G AND H).
 */
async function flatClaim(p: BenchPipeline<BenchRegistry>, envelope: EnvelopeFields): Promise<number> {
  const now = Date.now();
  const { Attributes } = await p.clients.dynamodb.send(
    new UpdateCommand({
      TableName: p.config.tableName,
      Key: { id: envelope.id },
      UpdateExpression:
        'SET #status = :running, #statusAt = :iso, #startedAt = :iso, #leaseUntil = :lease, #expiresAt = :exp, ' +
        '#attempts = if_not_exists(#attempts, :zero) + :one, #name = if_not_exists(#name, :name), #class = if_not_exists(#class, :class), ' +
        '#gen = if_not_exists(#gen, :gen), #maxAttempts = if_not_exists(#maxAttempts, :max), #enqueuedAt = if_not_exists(#enqueuedAt, :enq) ' +
        'REMOVE #nextAttemptAt',
      ConditionExpression:
        'attribute_not_exists(#id)' +
        ' OR (#gen = :gen AND #attempts < #maxAttempts AND #status IN (:queued, :retrying) AND attribute_not_exists(#nextAttemptAt))' +
        ' OR (#gen = :gen AND #attempts < #maxAttempts AND #status IN (:queued, :retrying) AND #nextAttemptAt <= :due)' +
        ' OR (#gen = :gen AND #attempts < #maxAttempts AND #status = :running AND #leaseUntil < :now)',
      ExpressionAttributeNames: {
        '#id': 'id',
        '#status': 'status',
        '#statusAt': 'statusAt',
        '#startedAt': 'startedAt',
        '#leaseUntil': 'leaseUntil',
        '#expiresAt': 'expiresAt',
        '#attempts': 'attempts',
        '#name': 'name',
        '#class': 'class',
        '#gen': 'gen',
        '#maxAttempts': 'maxAttempts',
        '#enqueuedAt': 'enqueuedAt',
        '#nextAttemptAt': 'nextAttemptAt',
      },
      ExpressionAttributeValues: {
        ':running': 'running',
        ':queued': 'queued',
        ':retrying': 'retrying',
        ':iso': new Date(now).toISOString(),
        ':lease': now + 60_000,
        ':exp': Math.floor(now / 1000) + 30 * 86_400,
        ':zero': 0,
        ':one': 1,
        ':name': envelope.job,
        ':class': CLASS_NAME,
        ':gen': envelope.gen,
        ':max': 3,
        ':enq': envelope.enqueuedAt,
        ':due': now + 2000,
        ':now': now,
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return Number(Attributes?.attempts);
}

/** Enqueues `count` no-op jobs and receives their messages as Lambda-shaped batches of 10. */
async function prepareBatches(p: BenchPipeline<BenchRegistry>, count: number): Promise<{ batches: SQSRecord[][]; messages: Message[] }> {
  const location = p.config.queues[CLASS_NAME];
  if (!location) throw new Error('no default queue');
  for (let start = 0; start < count * BATCH; start += 100) {
    const size = Math.min(100, count * BATCH - start);
    const results = await p.jobs.enqueueMany(Array.from({ length: size }, (_, i) => ({ job: 'bench.noop' as const, payload: { n: start + i } })));
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) throw failed.error;
  }
  const messages: Message[] = [];
  for (let tries = 0; messages.length < count * BATCH && tries < count * 20; tries++) {
    const { Messages } = await p.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: location.queueUrl,
        MaxNumberOfMessages: BATCH,
        VisibilityTimeout: 900,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    messages.push(...(Messages ?? []));
  }
  if (messages.length < count * BATCH) throw new Error(`received ${messages.length} of ${count * BATCH} messages`);
  const records = messages.map((message) => toSqsRecord(message, `arn:aws:sqs:us-east-1:000000000000:${CLASS_NAME}`, 'us-east-1'));
  const batches: SQSRecord[][] = [];
  for (let i = 0; i < records.length; i += BATCH) batches.push(records.slice(i, i + BATCH));
  return { batches, messages };
}

export async function measureConsumerOverhead(options: ConsumerOverheadOptions): Promise<ConsumerOverheadResult> {
  const pipeline = await startBenchPipeline({ registry: benchRegistry, classes: { [CLASS_NAME]: defaultPriorityClasses[CLASS_NAME] }, prefix: 'bench-consumer' });
  try {
    const variants = handlers(pipeline);
    const ids = Object.keys(variants);
    const all: Record<string, number[]> = Object.fromEntries(ids.map((id) => [id, []]));
    const perRun: Record<string, number>[] = [];
    for (let run = 0; run < options.warmups + options.runs; run++) {
      const { batches, messages } = await prepareBatches(pipeline, options.batches * ids.length);
      const times: Record<string, number[]> = Object.fromEntries(ids.map((id) => [id, []]));
      let next = 0;
      for (let b = 0; b < options.batches; b++) {
        for (let v = 0; v < ids.length; v++) {
          const id = ids[(v + b + run) % ids.length] as string;
          const batch = batches[next++];
          const handler = variants[id];
          if (!batch || !handler) throw new Error('bench: ran out of batches');
          const started = performance.now();
          const response = await handler.handle({ Records: batch });
          times[id]?.push(performance.now() - started);
          if (response.batchItemFailures.length > 0) throw new Error(`${id} reported ${response.batchItemFailures.length} failures`);
        }
      }
      for (let i = 0; i < messages.length; i += BATCH) {
        await pipeline.clients.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: pipeline.config.queues[CLASS_NAME]?.queueUrl,
            Entries: messages.slice(i, i + BATCH).map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
      if (run < options.warmups) continue;
      const medians: Record<string, number> = {};
      for (const id of ids) {
        all[id]?.push(...(times[id] ?? []));
        medians[id] = summarize(times[id] ?? []).median;
      }
      perRun.push(medians);
    }
    const ratio = (a: string, b: string) => summarize(perRun.map((m) => (m[a] ?? Number.NaN) / (m[b] ?? Number.NaN)));
    const result: ConsumerOverheadResult = {
      batchSize: BATCH,
      batches: options.batches,
      runs: options.runs,
      warmups: options.warmups,
      variants: ids.map((id) => ({ id, title: variants[id]?.title ?? id, batchMs: summarize(all[id] ?? []) })),
      ratio: ratio('consumer', 'bare-1'),
      ratioCode: ratio('consumer', 'store-2'),
      ratioClaimParse: ratio('store-2', 'flat-2'),
    };
    options.log?.(
      `  consumer ${result.variants[0]?.batchMs.median.toFixed(1)} ms/batch; ÷ bare-1 = ${result.ratio.median.toFixed(1)}, ` +
        `÷ store-2 = ${result.ratioCode.median.toFixed(2)}, store-2 ÷ flat-2 = ${result.ratioClaimParse.median.toFixed(1)}`,
    );
    return result;
  } finally {
    await pipeline.stop();
  }
}
