/**
 * Job metrics that also feed the per-minute aggregate items (status-store/job-aggregates.ts):
 * the same events the CloudWatch metrics count, written to the job table once per batch. A
 * failed aggregate write loses a minute's counts for `stats`, never a job: it is logged only.
 */
import type { JobLogger } from '../../shared/define-job.ts';
import { errorMessage } from '../../shared/errors.ts';
import type { AggregateWriter } from '../../shared/status-store/job-aggregates.ts';
import type { JobMetrics } from './job-metrics.ts';

export function withAggregates(metrics: JobMetrics, writer: AggregateWriter, logger: JobLogger): JobMetrics {
  return {
    completed(jobName, durationMs) {
      metrics.completed(jobName, durationMs);
      writer.add('completed', jobName, durationMs);
    },
    retried(jobName, durationMs) {
      metrics.retried(jobName, durationMs);
      writer.add('retried', jobName, durationMs);
    },
    failed(jobName, durationMs) {
      metrics.failed(jobName, durationMs);
      writer.add('failed', jobName, durationMs);
    },
    released(jobName) {
      metrics.released(jobName);
      writer.add('released', jobName);
    },
    waited: (jobName, waitMs) => metrics.waited(jobName, waitMs),
    eventsUnpublished: (count) => metrics.eventsUnpublished?.(count),
    async flush() {
      await metrics.flush();
      await writer.flush().catch((error: unknown) => logger.warn('job aggregates not written', { error: errorMessage(error) }));
    },
  };
}
