/**
 * Lambda entry point of the consumer; one function per priority class, told its class by
 * `SQS_JOBS_CLASS`. The SQS event source mapping must have ReportBatchItemFailures enabled.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createAwsClients } from '../shared/aws-clients.ts';
import type { JobLogger } from '../shared/define-job.ts';
import { ConfigurationError } from '../shared/errors.ts';
import { jobRegistry } from '../shared/jobs/index.ts';
import { ENV_CONSUMER_CLASS, loadPipelineConfig } from '../shared/pipeline-config.ts';
import { createConsumer } from './consumer/create-consumer.ts';
import { createEmfJobMetrics } from './consumer/job-metrics.ts';

const className = process.env[ENV_CONSUMER_CLASS];
if (!className) throw new ConfigurationError(`${ENV_CONSUMER_CLASS} is not set`);

const logger = new Logger({ serviceName: 'sqs-jobs', persistentKeys: { jobClass: className } });

// Powertools takes extra keys as a rest parameter; the consumer passes one object.
const jobLogger: JobLogger = {
  debug: (message, extra) => logger.debug(message, extra ?? {}),
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};

const consume = createConsumer({
  registry: jobRegistry,
  className,
  config: loadPipelineConfig(),
  clients: createAwsClients(),
  logger: jobLogger,
  metrics: createEmfJobMetrics(className),
});

export const handler = middy(consume).use(injectLambdaContext(logger));
