/**
 * The pipeline as the benchmarks need it: the same pieces as `startLocalRuntime` (embedded
 * emulators, provisioning, the real consumer behind the Lambda event-source mimic), but with
 * the capacity meter on the clients before the first request, the handler wrapped so every
 * invocation (= one Lambda request) and its duration is recorded, and the consumers started
 * and stopped on demand so enqueue and consume can be measured apart.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { toDocumentClient, type AwsClients } from '../shared/aws-clients.ts';
import type { JobLogger } from '../shared/define-job.ts';
import { withPriorityClasses, type JobRegistry } from '../shared/job-registry.ts';
import type { PipelineConfig } from '../shared/pipeline-config.ts';
import type { PriorityClass } from '../shared/priority-classes.ts';
import { createJobClient, type JobClient } from '../shared/sdk/job-client.ts';
import { createStatusStore, type StatusStore } from '../shared/status-store/status-store.ts';
import { createConsumer } from '../lambdas/consumer/create-consumer.ts';
import type { JobMetrics } from '../lambdas/consumer/job-metrics.ts';
import { awsClientsFor, localClientConfig, startEmulators, type AwsClients as RawClients, type EmulatorEndpoints } from '../local/emulators.ts';
import { startEventSourcePoller, type EventSourcePoller } from '../local/event-source-poller.ts';
import { provisionPipeline, queueArn } from '../local/provision.ts';
import { CapacityMeter } from './capacity-meter.ts';

export const silentLogger: JobLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface SettledCounts {
  completed: number;
  failed: number;
  retried: number;
}

export interface RunningConsumers {
  readonly counts: Readonly<SettledCounts>;
  /** Resolves once completed + failed reaches `jobs` (rejects after `timeoutMs`). */
  settled(jobs: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchPipeline<R extends JobRegistry> {
  readonly config: PipelineConfig;
  readonly endpoint: EmulatorEndpoints;
  readonly clients: AwsClients;
  readonly raw: RawClients;
  readonly store: StatusStore;
  readonly jobs: JobClient<R>;
  readonly meter: CapacityMeter | undefined;
  readonly classes: Readonly<Record<string, PriorityClass>>;
  startConsumers(): Promise<RunningConsumers>;
  stop(): Promise<void>;
}

export interface BenchPipelineOptions<R extends JobRegistry> {
  readonly registry: R;
  readonly classes: Readonly<Record<string, PriorityClass>>;
  /** Meter every SQS and DynamoDB request and every invocation. @defaultValue false */
  readonly metered?: boolean;
  readonly prefix?: string;
}

export async function startBenchPipeline<R extends JobRegistry>(options: BenchPipelineOptions<R>): Promise<BenchPipeline<R>> {
  const { registry, classes } = options;
  const emulators = await startEmulators();
  const raw = awsClientsFor(emulators.endpoint);
  const imageClient = options.metered ? new DynamoDBClient(localClientConfig(emulators.endpoint.dynamodb)) : undefined;
  const meter = imageClient ? new CapacityMeter({ imageClient }) : undefined;
  async function stopAll(): Promise<void> {
    raw.destroy();
    imageClient?.destroy();
    await emulators.stop();
  }
  try {
    const config = await provisionPipeline({ sqs: raw.sqs, dynamodb: raw.dynamodb, classes, prefix: options.prefix ?? 'bench' });
    if (meter) {
      meter.attachSqs(raw.sqs);
      meter.attachDynamoDb(raw.dynamodb);
    }
    const clients: AwsClients = { sqs: raw.sqs, dynamodb: toDocumentClient(raw.dynamodb) };
    const store = createStatusStore({ documentClient: clients.dynamodb, tableName: config.tableName });
    const jobs = createJobClient({ registry, config, clients, store });
    const arns = new Map<string, string>();
    for (const [className, location] of Object.entries(config.queues)) arns.set(className, await queueArn(raw.sqs, location.queueUrl));

    async function startConsumers(): Promise<RunningConsumers> {
      const counts: SettledCounts = { completed: 0, failed: 0, retried: 0 };
      const metrics: JobMetrics = {
        completed: () => void counts.completed++,
        failed: () => void counts.failed++,
        retried: () => void counts.retried++,
        released: () => undefined,
        waited: () => undefined,
        flush: () => undefined,
      };
      const pollers: EventSourcePoller[] = [];
      for (const [className, cls] of Object.entries(classes)) {
        const location = config.queues[className];
        const arn = arns.get(className);
        if (!location || !arn) continue;
        const consume = createConsumer({ registry: withPriorityClasses(registry, classes), className, config, clients, store, logger: silentLogger, metrics });
        const functionName = `bench-${className}-consumer`;
        pollers.push(
          startEventSourcePoller({
            sqs: raw.sqs,
            queueUrl: location.queueUrl,
            queueArn: arn,
            className,
            cls,
            functionName,
            handler: async (event, context) => {
              // One call = one Lambda invocation; its wall time stands in for the billed duration.
              const started = performance.now();
              try {
                return await consume(event, context);
              } finally {
                meter?.recordInvocation({
                  functionName,
                  records: event.Records.length,
                  durationMs: performance.now() - started,
                  memoryMb: cls.memoryMb,
                });
              }
            },
            onError: (error, phase) => {
              if (phase !== 'receive') console.error(`bench poller ${className} ${phase}:`, error);
            },
          }),
        );
      }
      return {
        counts,
        async settled(expected, timeoutMs = 120_000) {
          const deadline = Date.now() + timeoutMs;
          while (counts.completed + counts.failed < expected) {
            if (Date.now() > deadline) {
              throw new Error(`only ${counts.completed + counts.failed} of ${expected} jobs settled within ${timeoutMs} ms`);
            }
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        },
        async stop() {
          await Promise.all(pollers.map((poller) => poller.stop()));
        },
      };
    }

    return { config, endpoint: emulators.endpoint, clients, raw, store, jobs, meter, classes, startConsumers, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
