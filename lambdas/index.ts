/**
 * `sqs-jobs/lambda`: the Lambda handlers over an application's job registry. The CDK construct
 * generates entries that call these; an application may also write its own entry.
 *
 * @example
 * import { createConsumerHandler } from 'sqs-jobs/lambda';
 * import { jobRegistry } from './jobs.ts';
 * export const handler = createConsumerHandler(jobRegistry);
 */
export {
  createConsumerHandler,
  powertoolsJobLogger,
  type ConsumerHandler,
  type ConsumerHandlerOptions,
} from './handlers/consumer-handler.ts';
export {
  createDispatcherHandler,
  type DispatcherHandler,
  type DispatcherHandlerOptions,
} from './handlers/dispatcher-handler.ts';
export { createConsumer, type ConsumerOptions, type SqsBatchHandler } from './consumer/create-consumer.ts';
export { createEmfJobMetrics, noJobMetrics, type JobMetrics } from './consumer/job-metrics.ts';
export { dispatchDueJobs, type DispatchOptions, type DispatchResult } from './dispatcher/dispatch-due-jobs.ts';
