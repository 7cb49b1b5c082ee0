/**
 * The whole pipeline on this machine: AWS emulators (unless the environment points at another
 * endpoint), queues and table provisioned from the catalog, and one event-source poller per
 * priority class invoking the real consumer handler. `npm start` and the integration tests
 * both run on this.
 *
 * @example
 * const runtime = await startLocalRuntime({ registry: jobRegistry });
 * await runtime.jobs.enqueue('demo.flaky', { failuresBeforeSuccess: 1 });
 * await runtime.stop();
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoDBClient, createSqsClient, toDocumentClient, type AwsClients } from '../shared/aws-clients.ts';
import type { JobLogger } from '../shared/define-job.ts';
import { ConfigurationError, awsErrorName } from '../shared/errors.ts';
import { withPriorityClasses, type JobRegistry } from '../shared/job-registry.ts';
import { pipelineEnvironment, type PipelineConfig } from '../shared/pipeline-config.ts';
import { pipelineSettings } from '../shared/pipeline-settings.ts';
import type { PriorityClassCatalog } from '../shared/priority-classes.ts';
import { createJobClient, type JobClient } from '../shared/sdk/job-client.ts';
import { cachedPauseCheck, createClassPauses } from '../shared/status-store/class-pause.ts';
import { createStatusStore, retentionFor, type StatusStore } from '../shared/status-store/status-store.ts';
import { createConsumer } from '../lambdas/consumer/create-consumer.ts';
import { dispatchDueJobs } from '../lambdas/dispatcher/dispatch-due-jobs.ts';
import { sweepLostJobs } from '../lambdas/sweeper/sweep-lost-jobs.ts';
import type { JobMetrics } from '../lambdas/consumer/job-metrics.ts';
import {
  ENDPOINT_ENV,
  awsClientsFor,
  endpointEnvironment,
  endpointsFromEnvironment,
  startEmulators,
  type EmulatorEndpoints,
} from './emulators.ts';
import { startEventSourcePoller, type EventSourcePoller } from './event-source-poller.ts';
import { createLocalLogger } from './local-logger.ts';
import { provisionPipeline, queueArn } from './provision.ts';
import { createLocalEventBus, type LocalEventBus } from '../shared/events/job-events.ts';
import { startLocalScheduler, type LocalScheduler } from './scheduler.ts';
import type { Schedule } from '../shared/schedules/schedule-catalog.ts';

/** `SQS_JOBS_TARGET=aws`: run against real AWS (the SDK's default endpoints and credentials). */
export const ENV_TARGET = 'SQS_JOBS_TARGET';

export interface LocalRuntimeOptions<R extends JobRegistry> {
  readonly registry: R;
  /**
   * The registry's class names with other settings, e.g. test-sized timeouts and backoffs so
   * retries take seconds. @defaultValue the registry's catalog
   */
  readonly classes?: PriorityClassCatalog;
  /** Prefix of queue and table names. @defaultValue pipelineSettings.namePrefix */
  readonly prefix?: string;
  /** Persist emulator state here so it survives restarts. @defaultValue in memory */
  readonly dataDir?: string;
  /** @defaultValue no output */
  readonly logger?: JobLogger;
  readonly metrics?: (className: string) => JobMetrics;
  /** Start the pollers (consumers). Tests of the enqueue side alone may skip them. @defaultValue true */
  readonly consume?: boolean;
  /** S3 buckets to create on the emulator for jobs that write to S3. @defaultValue none */
  readonly buckets?: readonly string[];
  readonly onPollerError?: (className: string, error: unknown, phase: string) => void;
  /**
   * Longest delay left to SQS; later jobs wait as `scheduled` for the dispatcher. Tests shrink
   * it to see the dispatcher work in seconds. @defaultValue pipelineSettings.maxQueueDelaySeconds
   */
  readonly maxQueueDelaySeconds?: number;
  /**
   * Called with the SQS and DynamoDB clients the runtime builds (consumers, dispatcher,
   * `jobs`), before any request: e.g. to add SDK middleware that injects faults in tests.
   */
  readonly configureClients?: (clients: { readonly sqs: SQSClient; readonly dynamodb: DynamoDBClient }) => void;
  /** How often the delay dispatcher runs (on AWS: every minute). @defaultValue 1000 */
  readonly dispatchIntervalMs?: number;
  /**
   * The sweeper for lost messages, run beside the dispatcher: how often, and its grace period
   * (tests shrink both). @defaultValue every 60 s, grace LOST_GRACE_SECONDS
   */
  readonly sweep?: { readonly intervalMs?: number; readonly graceSeconds?: number };
  /**
   * Schedules to fire (the app's `defineSchedules` catalog), as schedule group `prefix`.
   * @defaultValue none
   */
  readonly schedules?: readonly Schedule[];
}

export interface LocalRuntime<R extends JobRegistry> {
  readonly config: PipelineConfig;
  readonly clients: AwsClients;
  readonly endpoints: Partial<EmulatorEndpoints>;
  /** True when the emulators run in this process; false when the environment named an endpoint. */
  readonly embedded: boolean;
  readonly jobs: JobClient<R>;
  readonly store: StatusStore;
  /** Environment variables that point the SDK and CLI at this runtime. */
  readonly environment: Record<string, string>;
  /** Fires `options.schedules`; undefined without them. */
  readonly scheduler: LocalScheduler | undefined;
  /** Job and workflow events as the consumers publish them (on AWS: the pipeline's EventBridge bus). */
  readonly events: LocalEventBus;
  stop(): Promise<void>;
}

export async function startLocalRuntime<R extends JobRegistry>(
  options: LocalRuntimeOptions<R>,
): Promise<LocalRuntime<R>> {
  const registry = options.classes ? withPriorityClasses(options.registry, options.classes) : options.registry;
  const classes = registry.classes;
  const prefix = options.prefix ?? pipelineSettings.namePrefix;
  const logger = options.logger ?? createLocalLogger({ level: 'silent', write: () => undefined });

  const fromEnvironment = endpointsFromEnvironment();
  // No endpoint in the environment means the embedded emulators, unless real AWS is asked for.
  const embedded =
    fromEnvironment.sqs === undefined && fromEnvironment.dynamodb === undefined && process.env[ENV_TARGET] !== 'aws';
  const emulators = embedded ? await startEmulators(options.dataDir ? { dataDir: options.dataDir } : {}) : undefined;
  const endpoints: Partial<EmulatorEndpoints> = emulators?.endpoint ?? fromEnvironment;
  if (emulators) {
    // Job code builds its own SDK clients (S3 for reports); let those find the emulators too.
    Object.assign(process.env, endpointEnvironment(emulators.endpoint));
  }

  const raw = emulators ? awsClientsFor(emulators.endpoint) : undefined;
  // Without embedded emulators the SDK resolves region and credentials itself. An endpoint from
  // the environment is passed explicitly, so queue URLs are rebased onto it (an emulator's URLs
  // name hosts such as sqs.<region>.localhost that do not resolve).
  const sqs = raw?.sqs ?? createSqsClient(fromEnvironment.sqs ? { endpoint: fromEnvironment.sqs } : {});
  const dynamodb = raw?.dynamodb ?? createDynamoDBClient(fromEnvironment.dynamodb ? { endpoint: fromEnvironment.dynamodb } : {});
  options.configureClients?.({ sqs, dynamodb });
  const clients: AwsClients = { sqs, dynamodb: toDocumentClient(dynamodb) };

  const pollers: EventSourcePoller[] = [];
  let dispatcher: { stop(): Promise<void> } | undefined;
  let scheduler: LocalScheduler | undefined;
  async function stop(): Promise<void> {
    await scheduler?.stop();
    await dispatcher?.stop();
    await Promise.allSettled(pollers.map((poller) => poller.stop()));
    raw?.destroy();
    if (!raw) {
      sqs.destroy();
      dynamodb.destroy();
    }
    await emulators?.stop();
  }

  try {
    const config = await provisionPipeline({ sqs, dynamodb, classes, prefix });
    for (const bucket of options.buckets ?? []) {
      if (raw) await ensureBucket(raw.s3, bucket);
    }

    const store = createStatusStore({ documentClient: clients.dynamodb, tableName: config.tableName, retention: retentionFor(config) });
    const events = createLocalEventBus((error) => logger.error('event subscriber threw', { error: String(error) }));
    const pauses = createClassPauses({ documentClient: clients.dynamodb, tableName: config.tableName });
    if (options.consume ?? true) {
      for (const [className, cls] of Object.entries(classes)) {
        const location = config.queues[className];
        if (!location) continue;
        const handler = createConsumer({
          registry,
          className,
          config,
          clients,
          store,
          logger,
          events,
          ...(options.metrics ? { metrics: options.metrics(className) } : {}),
        });
        pollers.push(
          startEventSourcePoller({
            sqs,
            queueUrl: location.queueUrl,
            queueArn: await queueArn(sqs, location.queueUrl),
            className,
            cls,
            handler,
            // `sqs-jobs pause` from another process: one GetItem a second per class.
            pause: cachedPauseCheck(async () => (await pauses.get(className)) !== undefined),
            onError: (error, phase) => options.onPollerError?.(className, error, phase),
          }),
        );
      }
    }

    const maxQueueDelaySeconds = options.maxQueueDelaySeconds ?? pipelineSettings.maxQueueDelaySeconds;
    if (options.consume ?? true) {
      const sweepEveryMs = options.sweep?.intervalMs ?? 60_000;
      let lastSweep = Date.now();
      dispatcher = startDispatchLoop(options.dispatchIntervalMs ?? 1000, async () => {
        await dispatchDueJobs({ clients, config, store, lookAheadSeconds: maxQueueDelaySeconds });
        if (Date.now() - lastSweep < sweepEveryMs) return;
        lastSweep = Date.now();
        await sweepLostJobs({
          clients,
          config,
          ...(options.sweep?.graceSeconds !== undefined ? { graceSeconds: options.sweep.graceSeconds } : {}),
          onLost: (record) => logger.error('message lost: job failed', { jobId: record.id, jobName: record.name, status: record.status }),
        });
      });
    }

    if (options.schedules?.length) {
      scheduler = startLocalScheduler({
        schedules: options.schedules,
        sqs,
        config,
        group: prefix,
        onFire: (fire) => logger.info('schedule fired', { ...fire, scheduledTime: fire.scheduledTime.toISOString() }),
        onError: (error, tick) =>
          logger.error('schedule tick not sent', {
            schedule: tick.schedule,
            scheduledTime: tick.scheduledTime.toISOString(),
            error: error instanceof Error ? error.message : String(error),
          }),
      });
    }

    return {
      config,
      clients,
      endpoints,
      embedded,
      store,
      scheduler,
      events,
      jobs: createJobClient({ registry, config, clients, store, maxQueueDelaySeconds }),
      environment: {
        ...(emulators ? endpointEnvironment(emulators.endpoint) : {}),
        ...pipelineEnvironment(config),
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw embedded ? error : unreachableEndpointHint(error, fromEnvironment);
  }
}

/**
 * An endpoint named by the environment that does not answer is most often left over from an
 * earlier run; say which variable named it instead of a bare ECONNREFUSED.
 */
function unreachableEndpointHint(error: unknown, endpoints: Partial<EmulatorEndpoints>): unknown {
  const code = (error as { code?: string }).code ?? awsErrorName(error);
  if (!['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'TimeoutError'].includes(code)) return error;
  const named = Object.entries(ENDPOINT_ENV)
    .map(([service, variable]) => `${variable ?? 'AWS_ENDPOINT_URL'}=${endpoints[service as keyof EmulatorEndpoints] ?? '(unset)'}`)
    .join(', ');
  return new ConfigurationError(
    `the AWS endpoint from the environment does not answer (${code}; ${named}): ` +
      `unset AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_SQS/_DYNAMODB/_S3 to use the embedded emulators`,
    { cause: error },
  );
}

/** Runs `dispatch` every `intervalMs`, one run at a time; `stop` waits for a run in progress. */
function startDispatchLoop(intervalMs: number, dispatch: () => Promise<unknown>): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = dispatch()
      .catch(() => undefined) // an unreachable emulator: try again next round
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = awsErrorName(error);
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
}
