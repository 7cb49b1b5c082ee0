/**
 * The delay dispatcher's Lambda handler, run every minute: sends the `scheduled` jobs due within
 * the next 15 minutes to their queues (see dispatcher/dispatch-due-jobs.ts), then sweeps for
 * waiting jobs whose message is gone (sweeper/sweep-lost-jobs.ts) and counts them in the
 * `JobMessageLost` metric. It needs no job registry: a scheduled job's message is on its record.
 *
 * @example
 * import { createDispatcherHandler } from 'sqs-jobs/lambda';
 * export const handler = createDispatcherHandler();
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createAwsClients, type AwsClients } from '../../shared/aws-clients.ts';
import { errorMessage } from '../../shared/errors.ts';
import { loadPipelineConfig, type PipelineConfig } from '../../shared/pipeline-config.ts';
import { jobMetrics, metricDimensions, metricNamespace } from '../../shared/metric-names.ts';
import { dispatchDueJobs, type DispatchResult } from '../dispatcher/dispatch-due-jobs.ts';
import { sweepLostJobs, type SweepResult } from '../sweeper/sweep-lost-jobs.ts';

export interface DispatcherHandlerOptions {
  /** @defaultValue from `SQS_JOBS_TABLE_NAME` and `SQS_JOBS_QUEUES` */
  readonly config?: PipelineConfig;
  /** @defaultValue clients from the environment */
  readonly clients?: AwsClients;
}

export type DispatcherHandler = (event: unknown, context: Context) => Promise<DispatchResult & { sweep: SweepResult }>;

export function createDispatcherHandler(options: DispatcherHandlerOptions = {}): DispatcherHandler {
  const logger = new Logger();
  const clients = options.clients ?? createAwsClients();
  const config = options.config ?? loadPipelineConfig();
  const namespace = process.env.POWERTOOLS_METRICS_NAMESPACE ?? metricNamespace;
  async function dispatch(): Promise<DispatchResult & { sweep: SweepResult }> {
    const result = await dispatchDueJobs({
      clients,
      config,
      onError: (jobId, error) => logger.warn('job not dispatched', { jobId, error: errorMessage(error) }),
    });
    const sweep = await sweepLostJobs({
      clients,
      config,
      onLost: (record) => logger.error('message lost: job failed', { jobId: record.id, jobName: record.name, status: record.status }),
    });
    publishLost(namespace, sweep);
    logger.info('dispatch run', { ...result, sweep });
    return { ...result, sweep };
  }
  return middy(dispatch).use(injectLambdaContext(logger));
}

/** One EMF document per class with lost messages; none when nothing was lost (the alarm treats missing data as fine). */
function publishLost(namespace: string, sweep: SweepResult): void {
  for (const [className, count] of Object.entries(sweep.lostByClass)) {
    const metrics = new Metrics({ namespace });
    metrics.clearDefaultDimensions();
    metrics.addDimensions({ [metricDimensions.jobClass]: className });
    metrics.addMetric(jobMetrics.messageLost, MetricUnit.Count, count);
    metrics.publishStoredMetrics();
  }
}
