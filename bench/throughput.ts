/**
 * Jobs per second, end to end, side by side in one process and one run: N no-op jobs from the
 * first enqueue to the last completion, 4 producers sending chunks of 100, consumers running
 * from the start. The variants, in rotating order each run:
 *
 * - `raw-sqs`: SendMessageBatch, then 5 receive loops (ReceiveMessage of 10, DeleteMessageBatch)
 *   on the same emulator: the floor for any SQS pipeline, and the ratios' denominator.
 * - `sqs-lambda`: the same queue behind the local Lambda event-source mimic with a handler that
 *   does nothing: raw SQS + Lambda, no tracking.
 * - `local-default` / `local-lean`: `startLocalRuntime` with the real consumer, default and lean
 *   tracking (`bench.noop` / `bench.noop-lean`): its pollers, logger and emulators all count.
 * - `bullmq`: the same no-op on BullMQ against a redis-server the bench starts (skipped with a
 *   note when none is installed); one Worker with concurrency 200 (20 invocations × 10 records).
 *
 * Everything but redis-server runs in this process, emulators included.
 */
import { createRequire } from 'node:module';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobMetrics } from '../lambdas/consumer/job-metrics.ts';
import { defaultPriorityClasses } from '../shared/priority-classes.ts';
import { startEventSourcePoller } from '../local/event-source-poller.ts';
import { queueArn } from '../local/provision.ts';
import { startLocalRuntime } from '../local/runtime.ts';
import { benchRegistry } from './bench-jobs.ts';
import { startRedisServer } from './redis-server.ts';
import { summarize, type Summary } from './stats.ts';

export interface ThroughputOptions {
  readonly jobs: number;
  readonly runs: number;
  readonly warmups: number;
  /** Leave BullMQ out even when redis-server is installed. @defaultValue false */
  readonly skipBullmq?: boolean;
  readonly log?: (line: string) => void;
}

export const throughputVariants = {
  'raw-sqs': 'raw SQS: SendMessageBatch + ReceiveMessage / DeleteMessageBatch, no tracking',
  'sqs-lambda': 'raw SQS + the local Lambda event source, no-op handler, no tracking',
  'local-default': 'sqs-jobs local runtime, default tracking',
  'local-lean': 'sqs-jobs local runtime, lean tracking',
  bullmq: 'BullMQ on a local redis-server',
} as const;
export type ThroughputVariant = keyof typeof throughputVariants;

export interface ThroughputResult {
  readonly jobs: number;
  readonly runs: number;
  readonly warmups: number;
  readonly producers: number;
  readonly chunk: number;
  readonly variants: readonly { readonly id: ThroughputVariant; readonly title: string; readonly jobsPerSecond: Summary }[];
  /** Per run: the local runtime's jobs/s ÷ raw SQS's. */
  readonly ratioDefault: Summary;
  readonly ratioLean: Summary;
  readonly bullmq: { readonly version: string; readonly redis: string } | { readonly skipped: string };
}

const PRODUCERS = 4;
const CHUNK = 100;
const SQS_BATCH = 10;
const RAW_POLLERS = 5;
const BULLMQ_CONCURRENCY = 200;
const RUN_TIMEOUT_MS = 600_000;

/** Sends `jobs` in chunks from PRODUCERS concurrent producers. */
async function produce(jobs: number, send: (start: number, count: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (next < jobs) {
        const start = next;
        next = Math.min(jobs, next + CHUNK);
        await send(start, next - start);
      }
    }),
  );
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function sendRaw(sqs: SQSClient, queueUrl: string, start: number, count: number): Promise<void> {
  for (let i = 0; i < count; i += SQS_BATCH) {
    const entries = Array.from({ length: Math.min(SQS_BATCH, count - i) }, (_, n) => ({ Id: String(n), MessageBody: JSON.stringify({ n: start + i + n }) }));
    const { Failed } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    if (Failed && Failed.length > 0) throw new Error(`SendMessageBatch failed: ${Failed[0]?.Code}`);
  }
}

/** Raw SQS end to end: produce while RAW_POLLERS loops receive, each deleting a batch while it receives the next. */
async function runRawSqs(sqs: SQSClient, queueUrl: string, jobs: number): Promise<void> {
  let received = 0;
  const deletes: Promise<unknown>[] = [];
  const consume = async () => {
    while (received < jobs) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      if (Messages.length === 0) continue;
      received += Messages.length;
      const entries = Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' }));
      deletes.push(sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })));
    }
  };
  await Promise.all([produce(jobs, (start, count) => sendRaw(sqs, queueUrl, start, count)), ...Array.from({ length: RAW_POLLERS }, consume)]);
  await Promise.all(deletes);
}

export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const cls = defaultPriorityClasses.default;
  const completed = new Map<string, number>();
  const metrics: JobMetrics = {
    completed: (job) => void completed.set(job, (completed.get(job) ?? 0) + 1),
    retried: () => undefined,
    failed: () => undefined,
    released: () => undefined,
    waited: () => undefined,
    flush: () => undefined,
  };
  const runtime = await startLocalRuntime({
    registry: benchRegistry,
    classes: { default: cls },
    prefix: 'bench-throughput',
    metrics: () => metrics,
    onPollerError: (className, error, phase) => {
      if (phase !== 'receive') console.error(`throughput poller ${className} ${phase}:`, error);
    },
  });
  const sqs = runtime.clients.sqs;
  const redis = options.skipBullmq ? { skipped: 'left out (skipBullmq)' } : await startRedisServer();
  const cleanup: (() => Promise<unknown>)[] = [() => runtime.stop()];
  if (!('skipped' in redis)) cleanup.push(() => redis.stop());
  try {
    const createQueue = async (name: string) => (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '120' } }))).QueueUrl ?? '';
    const rawUrl = await createQueue('bench-throughput-raw');
    const lambdaUrl = await createQueue('bench-throughput-lambda');
    let handled = 0;
    const poller = startEventSourcePoller({
      sqs,
      queueUrl: lambdaUrl,
      queueArn: await queueArn(sqs, lambdaUrl),
      className: 'raw',
      cls,
      handler: async (event) => {
        handled += event.Records.length;
        return { batchItemFailures: [] };
      },
    });
    cleanup.unshift(() => poller.stop());

    let bullmq: { run(jobs: number): Promise<void> } | undefined;
    if (!('skipped' in redis)) {
      // BullMQ 6 takes a client instance under ESM; workers block, so no retry limit per request.
      const connect = () => new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null });
      const queueConnection = connect();
      const workerConnection = connect();
      const queue = new Queue('bench-noop', { connection: queueConnection });
      let done = 0;
      const worker = new Worker('bench-noop', async () => undefined, { connection: workerConnection, concurrency: BULLMQ_CONCURRENCY });
      worker.on('completed', () => void done++);
      cleanup.unshift(
        () => worker.close(),
        () => queue.close(),
        async () => {
          queueConnection.disconnect();
          workerConnection.disconnect();
        },
      );
      bullmq = {
        async run(jobs) {
          const before = done;
          await produce(jobs, async (start, count) => {
            await queue.addBulk(Array.from({ length: count }, (_, n) => ({ name: 'bench.noop', data: { n: start + n } })));
          });
          await until(() => done - before >= jobs, 'BullMQ jobs to complete');
        },
      };
    }

    const local = (job: 'bench.noop' | 'bench.noop-lean') => async (jobs: number) => {
      const before = completed.get(job) ?? 0;
      await produce(jobs, async (start, count) => {
        const results = await runtime.jobs.enqueueMany(Array.from({ length: count }, (_, n) => ({ job, payload: { n: start + n } })));
        const failed = results.find((r) => !r.ok);
        if (failed && !failed.ok) throw failed.error;
      });
      await until(() => (completed.get(job) ?? 0) - before >= jobs, `${job} to complete`);
    };
    const runners: Partial<Record<ThroughputVariant, (jobs: number) => Promise<void>>> = {
      'raw-sqs': (jobs) => runRawSqs(sqs, rawUrl, jobs),
      'sqs-lambda': async (jobs) => {
        const before = handled;
        await produce(jobs, (start, count) => sendRaw(sqs, lambdaUrl, start, count));
        await until(() => handled - before >= jobs, 'the event source to hand every record over');
      },
      'local-default': local('bench.noop'),
      'local-lean': local('bench.noop-lean'),
      ...(bullmq ? { bullmq: (jobs: number) => (bullmq as NonNullable<typeof bullmq>).run(jobs) } : {}),
    };
    const ids = Object.keys(runners) as ThroughputVariant[];
    const rates = Object.fromEntries(ids.map((id) => [id, [] as number[]])) as Record<ThroughputVariant, number[]>;
    for (let run = 0; run < options.warmups + options.runs; run++) {
      for (let i = 0; i < ids.length; i++) {
        const id = ids[(i + run) % ids.length] as ThroughputVariant;
        const started = performance.now();
        await runners[id]?.(options.jobs);
        const rate = options.jobs / ((performance.now() - started) / 1000);
        if (run >= options.warmups) rates[id].push(rate);
        options.log?.(`  ${run < options.warmups ? 'warm-up' : `run ${run - options.warmups + 1}`}: ${id} ${rate.toFixed(0)} jobs/s`);
      }
    }
    const ratio = (id: ThroughputVariant) => summarize(rates[id].map((rate, i) => rate / (rates['raw-sqs'][i] ?? Number.NaN)));
    return {
      jobs: options.jobs,
      runs: options.runs,
      warmups: options.warmups,
      producers: PRODUCERS,
      chunk: CHUNK,
      variants: ids.map((id) => ({ id, title: throughputVariants[id], jobsPerSecond: summarize(rates[id]) })),
      ratioDefault: ratio('local-default'),
      ratioLean: ratio('local-lean'),
      bullmq: 'skipped' in redis ? { skipped: redis.skipped } : { version: bullmqVersion(), redis: redis.version },
    };
  } finally {
    for (const step of cleanup) await step().catch((error: unknown) => console.error('throughput cleanup:', error));
  }
}

function bullmqVersion(): string {
  return (createRequire(import.meta.url)('bullmq/package.json') as { version: string }).version;
}
