/**
 * Lambda entry point of the delay dispatcher, run every minute: sends the `scheduled` jobs
 * due within the next 15 minutes to their queues (see dispatcher/dispatch-due-jobs.ts).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createAwsClients } from '../shared/aws-clients.ts';
import { errorMessage } from '../shared/errors.ts';
import { loadPipelineConfig } from '../shared/pipeline-config.ts';
import { dispatchDueJobs } from './dispatcher/dispatch-due-jobs.ts';

const logger = new Logger({ serviceName: 'sqs-jobs' });
const clients = createAwsClients();
const config = loadPipelineConfig();

async function dispatch() {
  const result = await dispatchDueJobs({
    clients,
    config,
    onError: (jobId, error) => logger.warn('job not dispatched', { jobId, error: errorMessage(error) }),
  });
  logger.info('dispatch run', { ...result });
  return result;
}

export const handler = middy(dispatch).use(injectLambdaContext(logger));
