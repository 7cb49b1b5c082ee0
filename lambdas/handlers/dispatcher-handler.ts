/**
 * The delay dispatcher's Lambda handler, run every minute: sends the `scheduled` jobs due within
 * the next 15 minutes to their queues (see dispatcher/dispatch-due-jobs.ts). It needs no job
 * registry: the message of a scheduled job is stored on its record.
 *
 * @example
 * import { createDispatcherHandler } from 'sqs-jobs/lambda';
 * export const handler = createDispatcherHandler();
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createAwsClients, type AwsClients } from '../../shared/aws-clients.ts';
import { errorMessage } from '../../shared/errors.ts';
import { loadPipelineConfig, type PipelineConfig } from '../../shared/pipeline-config.ts';
import { dispatchDueJobs, type DispatchResult } from '../dispatcher/dispatch-due-jobs.ts';

export interface DispatcherHandlerOptions {
  /** @defaultValue from `SQS_JOBS_TABLE_NAME` and `SQS_JOBS_QUEUES` */
  readonly config?: PipelineConfig;
  /** @defaultValue clients from the environment */
  readonly clients?: AwsClients;
}

export type DispatcherHandler = (event: unknown, context: Context) => Promise<DispatchResult>;

export function createDispatcherHandler(options: DispatcherHandlerOptions = {}): DispatcherHandler {
  const logger = new Logger();
  const clients = options.clients ?? createAwsClients();
  const config = options.config ?? loadPipelineConfig();
  async function dispatch(): Promise<DispatchResult> {
    const result = await dispatchDueJobs({
      clients,
      config,
      onError: (jobId, error) => logger.warn('job not dispatched', { jobId, error: errorMessage(error) }),
    });
    logger.info('dispatch run', { ...result });
    return result;
  }
  return middy(dispatch).use(injectLambdaContext(logger));
}
