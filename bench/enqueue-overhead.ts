/**
 * Measurement 2: what the SDK's enqueue path costs over the minimum, on the same emulators in
 * the same run. The minimum ("raw") is what any durable enqueue needs: one conditional PutItem
 * per job (a minimal `{ id, status }` item) and the message, with the same batching
 * (`SendMessageBatch` of 10, puts 16 at a time) and the same chunks of 100 jobs. A second raw
 * variant writes the very item and body the SDK writes, which separates the SDK's code overhead
 * (validation, envelope, error handling) from its data model's (a bigger item, two indexes).
 *
 * Variants run interleaved, in a rotating order, so drift on a noisy machine hits all alike;
 * each run's ratio is SDK jobs/s ÷ raw jobs/s (1 = no overhead).
 */
import { randomUUID } from 'node:crypto';
import { PurgeQueueCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../shared/concurrency.ts';
import { defaultPriorityClasses } from '../shared/priority-classes.ts';
import { benchRegistry, type BenchRegistry } from './bench-jobs.ts';
import { startBenchPipeline, type BenchPipeline } from './pipeline.ts';
import { summarize, type Summary } from './stats.ts';

export interface EnqueueOverheadOptions {
  /** Jobs per run for the batched variants. */
  readonly jobs: number;
  /** Jobs per run for the one-at-a-time variants. */
  readonly singleJobs: number;
  readonly runs: number;
  readonly warmups: number;
  readonly log?: (line: string) => void;
}

export interface EnqueueVariantResult {
  readonly id: string;
  readonly title: string;
  readonly jobsPerSecond: Summary;
}

export interface EnqueueOverheadResult {
  readonly jobs: number;
  readonly singleJobs: number;
  readonly runs: number;
  readonly warmups: number;
  readonly chunk: number;
  readonly putConcurrency: number;
  readonly variants: readonly EnqueueVariantResult[];
  /** Per run: SDK enqueueMany jobs/s ÷ raw (minimal item) jobs/s. */
  readonly ratio: Summary;
  /** Per run: SDK enqueueMany jobs/s ÷ raw with the SDK's own item and body. */
  readonly ratioSameItem: Summary;
  /** Per run: SDK enqueue() jobs/s ÷ raw PutItem + SendMessage jobs/s, 16 in flight. */
  readonly ratioSingle: Summary;
}

const CHUNK = 100;
/** The SDK writes records 16 at a time in enqueueMany; the raw variants do the same. */
const PUT_CONCURRENCY = 16;
const SQS_BATCH = 10;

type Variant = (pipeline: BenchPipeline<BenchRegistry>, jobs: number) => Promise<void>;

const payload = (n: number) => ({ n });

const variants: Record<string, { title: string; batched: boolean; run: Variant }> = {
  'sdk-many': {
    title: 'SDK enqueueMany(), chunks of 100',
    batched: true,
    async run(p, jobs) {
      for (let start = 0; start < jobs; start += CHUNK) {
        const entries = Array.from({ length: Math.min(CHUNK, jobs - start) }, (_, i) => ({ job: 'bench.noop' as const, payload: payload(start + i) }));
        const results = await p.jobs.enqueueMany(entries);
        const failed = results.find((r) => !r.ok);
        if (failed && !failed.ok) throw failed.error;
      }
    },
  },
  'raw-many': {
    title: 'raw: conditional PutItem { id, status } + SendMessageBatch, chunks of 100',
    batched: true,
    run: (p, jobs) => rawMany(p, jobs, (id) => ({ item: { id, status: 'queued' }, body: JSON.stringify({ id, payload: payload(0) }) })),
  },
  'raw-many-same-item': {
    title: "raw, with the SDK's own item and message body",
    batched: true,
    run: (p, jobs) => rawMany(p, jobs, sdkShaped),
  },
  'sdk-single': {
    title: 'SDK enqueue(), 16 in flight',
    batched: false,
    async run(p, jobs) {
      await mapWithConcurrency(
        Array.from({ length: jobs }, (_, n) => n),
        PUT_CONCURRENCY,
        (n) => p.jobs.enqueue('bench.noop', payload(n)),
      );
    },
  },
  'raw-single': {
    title: 'raw: conditional PutItem { id, status } + SendMessage, 16 in flight',
    batched: false,
    async run(p, jobs) {
      const queueUrl = queueUrlOf(p);
      await mapWithConcurrency(
        Array.from({ length: jobs }, (_, n) => n),
        PUT_CONCURRENCY,
        async () => {
          const id = randomUUID();
          await putRecord(p, { id, status: 'queued' });
          await p.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ id, payload: payload(0) }) }));
        },
      );
    },
  },
};

/** The item and body the SDK would write for a no-op job (same attributes, same sizes). */
function sdkShaped(id: string): { item: Record<string, unknown>; body: string } {
  const now = new Date().toISOString();
  return {
    item: {
      id,
      name: 'bench.noop',
      class: 'default',
      status: 'queued',
      gen: 1,
      attempts: 0,
      maxAttempts: 3,
      enqueuedAt: now,
      statusAt: now,
      expiresAt: Math.floor(Date.now() / 1000) + 30 * 86_400,
    },
    body: JSON.stringify({ v: 1, id, job: 'bench.noop', gen: 1, enqueuedAt: now, payload: payload(0) }),
  };
}

function queueUrlOf(p: BenchPipeline<BenchRegistry>): string {
  const url = p.config.queues.default?.queueUrl;
  if (!url) throw new Error('no default queue');
  return url;
}

function putRecord(p: BenchPipeline<BenchRegistry>, item: Record<string, unknown>) {
  return p.clients.dynamodb.send(
    new PutCommand({
      TableName: p.config.tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#id)',
      ExpressionAttributeNames: { '#id': 'id' },
    }),
  );
}

async function rawMany(
  p: BenchPipeline<BenchRegistry>,
  jobs: number,
  shape: (id: string) => { item: Record<string, unknown>; body: string },
): Promise<void> {
  const queueUrl = queueUrlOf(p);
  for (let start = 0; start < jobs; start += CHUNK) {
    const chunk = Array.from({ length: Math.min(CHUNK, jobs - start) }, () => shape(randomUUID()));
    await mapWithConcurrency(chunk, PUT_CONCURRENCY, ({ item }) => putRecord(p, item));
    for (let i = 0; i < chunk.length; i += SQS_BATCH) {
      const batch = chunk.slice(i, i + SQS_BATCH);
      const { Failed } = await p.clients.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map(({ body }, n) => ({ Id: String(n), MessageBody: body })),
        }),
      );
      if (Failed && Failed.length > 0) throw new Error(`SendMessageBatch failed: ${Failed[0]?.Code}`);
    }
  }
}

export async function measureEnqueueOverhead(options: EnqueueOverheadOptions): Promise<EnqueueOverheadResult> {
  const pipeline = await startBenchPipeline({ registry: benchRegistry, classes: { default: defaultPriorityClasses.default }, prefix: 'bench-enqueue' });
  try {
    const ids = Object.keys(variants);
    const rates: Record<string, number[]> = Object.fromEntries(ids.map((id) => [id, []]));
    for (let run = 0; run < options.warmups + options.runs; run++) {
      const order = ids.map((_, i) => ids[(i + run) % ids.length] as string);
      for (const id of order) {
        const variant = variants[id];
        if (!variant) continue;
        const jobs = variant.batched ? options.jobs : options.singleJobs;
        const started = performance.now();
        await variant.run(pipeline, jobs);
        const rate = jobs / ((performance.now() - started) / 1000);
        if (run >= options.warmups) rates[id]?.push(rate);
        // Keep the queue from growing run after run (not timed).
        await pipeline.clients.sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrlOf(pipeline) }));
      }
    }
    const ratio = (a: string, b: string) => summarize((rates[a] ?? []).map((rate, i) => rate / (rates[b]?.[i] ?? Number.NaN)));
    const result: EnqueueOverheadResult = {
      jobs: options.jobs,
      singleJobs: options.singleJobs,
      runs: options.runs,
      warmups: options.warmups,
      chunk: CHUNK,
      putConcurrency: PUT_CONCURRENCY,
      variants: ids.map((id) => ({ id, title: variants[id]?.title ?? id, jobsPerSecond: summarize(rates[id] ?? []) })),
      ratio: ratio('sdk-many', 'raw-many'),
      ratioSameItem: ratio('sdk-many', 'raw-many-same-item'),
      ratioSingle: ratio('sdk-single', 'raw-single'),
    };
    options.log?.(
      `  enqueueMany ${result.variants[0]?.jobsPerSecond.median.toFixed(0)} jobs/s; SDK ÷ raw = ${result.ratio.median.toFixed(2)} ` +
        `(same item ${result.ratioSameItem.median.toFixed(2)}); enqueue() ÷ raw = ${result.ratioSingle.median.toFixed(2)}`,
    );
    return result;
  } finally {
    await pipeline.stop();
  }
}
