/**
 * The consumer's Lambda handler over an application's registry: one function per priority class,
 * told its class by `SQS_JOBS_CLASS`, its queues and table by the variables the construct sets.
 * The SQS event source mapping must have ReportBatchItemFailures enabled (the construct does).
 *
 * @example
 * // the entry the construct generates, or one an app writes itself:
 * import { createConsumerHandler } from 'sqs-jobs/lambda';
 * import { jobRegistry } from './jobs.ts';
 * export const handler = createConsumerHandler(jobRegistry);
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createAwsClients, type AwsClients, type ClientTracer } from '../../shared/aws-clients.ts';
import type { JobLogger } from '../../shared/define-job.ts';
import { ConfigurationError } from '../../shared/errors.ts';
import type { JobRegistry } from '../../shared/job-registry.ts';
import { ENV_CONSUMER_CLASS, loadPipelineConfig, type PipelineConfig } from '../../shared/pipeline-config.ts';
import { createEventBridgePublisher, ENV_EVENT_BUS } from '../../shared/events/eventbridge-publisher.ts';
import type { EventPublisher } from '../../shared/events/job-events.ts';
import { createConsumer } from '../consumer/create-consumer.ts';
import { createEmfJobMetrics } from '../consumer/job-metrics.ts';

export interface ConsumerHandlerOptions {
  /** @defaultValue `SQS_JOBS_CLASS` */
  readonly className?: string;
  /** @defaultValue from `SQS_JOBS_TABLE_NAME` and `SQS_JOBS_QUEUES` */
  readonly config?: PipelineConfig;
  /** @defaultValue clients from the environment (traced when `tracer` is given) */
  readonly clients?: AwsClients;
  /**
   * A Powertools `Tracer`: the consumer's AWS calls become X-Ray subsegments. Pair it with
   * `middlewares: [captureLambdaHandler(tracer)]`. @defaultValue no tracing
   */
  readonly tracer?: ClientTracer;
  /** More middy middlewares around the handler (tracing, parameters, …). @defaultValue none */
  readonly middlewares?: readonly MiddlewareObj[];
  /** Where job events go. @defaultValue the EventBridge bus named by `SQS_JOBS_EVENT_BUS`, else nowhere */
  readonly events?: EventPublisher;
}

export type ConsumerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function createConsumerHandler(registry: JobRegistry, options: ConsumerHandlerOptions = {}): ConsumerHandler {
  const className = options.className ?? process.env[ENV_CONSUMER_CLASS];
  if (!className) throw new ConfigurationError(`${ENV_CONSUMER_CLASS} is not set`);
  // The service name comes from POWERTOOLS_SERVICE_NAME, which the construct sets per pipeline.
  const logger = new Logger({ persistentKeys: { jobClass: className } });
  const consume = createConsumer({
    registry,
    className,
    config: options.config ?? loadPipelineConfig(),
    clients: options.clients ?? createAwsClients(options.tracer ? { tracer: options.tracer } : {}),
    logger: powertoolsJobLogger(logger),
    metrics: createEmfJobMetrics(className),
    ...eventsOption(options.events),
  });
  return middy(consume)
    .use(injectLambdaContext(logger))
    .use([...(options.middlewares ?? [])]);
}

function eventsOption(events: EventPublisher | undefined): { events?: EventPublisher } {
  const busName = process.env[ENV_EVENT_BUS];
  if (events) return { events };
  return busName ? { events: createEventBridgePublisher({ busName }) } : {};
}

/** Powertools takes extra keys as a rest parameter; the consumer passes one object. */
export function powertoolsJobLogger(logger: Logger): JobLogger {
  return {
    debug: (message, extra) => logger.debug(message, extra ?? {}),
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  };
}
