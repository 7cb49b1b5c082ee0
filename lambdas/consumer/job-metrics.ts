/**
 * Job metrics in CloudWatch embedded metric format, aggregated per batch: one log line per job
 * name (dimensions JobClass + JobName) and one per class (JobClass), each carrying counts for
 * completed, failed and retried jobs and the attempt durations. The CDK alarms read these.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { jobMetrics, metricDimensions, metricNamespace } from '../../shared/metric-names.ts';

export interface JobMetrics {
  completed(jobName: string, durationMs: number): void;
  retried(jobName: string, durationMs: number): void;
  failed(jobName: string, durationMs?: number): void;
  /** A handler released its job (`ctx.release`). */
  released(jobName: string): void;
  /** An attempt started `waitMs` after the job was due: the queue's lag as jobs feel it. */
  waited(jobName: string, waitMs: number): void;
  /** Events that could not be published (shared/events); the jobs themselves are settled. */
  eventsUnpublished?(count: number): void;
  /** Writes what the batch recorded; called (and awaited) once at the end of every batch. */
  flush(): void | Promise<void>;
}

interface Tally {
  completed: number;
  failed: number;
  retried: number;
  released: number;
  durations: number[];
  waits: number[];
}

const emptyTally = (): Tally => ({ completed: 0, failed: 0, retried: 0, released: 0, durations: [], waits: [] });

/** EMF accepts at most 100 values per metric in one document. */
const MAX_VALUES = 100;

/**
 * @param namespace CloudWatch namespace; the stack sets one per stage through
 *   `POWERTOOLS_METRICS_NAMESPACE` so that two stages in one account do not mix their numbers.
 */
export function createEmfJobMetrics(
  className: string,
  namespace: string = process.env.POWERTOOLS_METRICS_NAMESPACE ?? metricNamespace,
): JobMetrics {
  const metrics = new Metrics({ namespace, serviceName: 'sqs-jobs' });
  // Powertools adds a `service` dimension by default; the alarms match on JobClass alone.
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ [metricDimensions.jobClass]: className });
  let tallies = new Map<string, Tally>();
  let unpublished = 0;

  function tally(jobName: string): Tally {
    let entry = tallies.get(jobName);
    if (!entry) tallies.set(jobName, (entry = emptyTally()));
    return entry;
  }

  function publish(entry: Tally, jobName?: string): void {
    if (jobName !== undefined) metrics.addDimensions({ [metricDimensions.jobName]: jobName });
    metrics.addMetric(jobMetrics.completed, MetricUnit.Count, entry.completed);
    metrics.addMetric(jobMetrics.failed, MetricUnit.Count, entry.failed);
    metrics.addMetric(jobMetrics.retried, MetricUnit.Count, entry.retried);
    if (entry.released > 0) metrics.addMetric(jobMetrics.released, MetricUnit.Count, entry.released);
    for (const wait of entry.waits.slice(0, MAX_VALUES)) {
      metrics.addMetric(jobMetrics.waitTime, MetricUnit.Milliseconds, wait);
    }
    for (const duration of entry.durations.slice(0, MAX_VALUES)) {
      metrics.addMetric(jobMetrics.duration, MetricUnit.Milliseconds, duration);
    }
    metrics.publishStoredMetrics();
  }

  return {
    completed(jobName, durationMs) {
      const entry = tally(jobName);
      entry.completed++;
      entry.durations.push(durationMs);
    },
    retried(jobName, durationMs) {
      const entry = tally(jobName);
      entry.retried++;
      entry.durations.push(durationMs);
    },
    released(jobName) {
      tally(jobName).released++;
    },
    waited(jobName, waitMs) {
      tally(jobName).waits.push(Math.max(0, waitMs));
    },
    failed(jobName, durationMs) {
      const entry = tally(jobName);
      entry.failed++;
      if (durationMs !== undefined) entry.durations.push(durationMs);
    },
    eventsUnpublished(count) {
      unpublished += count;
    },
    flush() {
      if (unpublished > 0) {
        metrics.addMetric(jobMetrics.eventsUnpublished, MetricUnit.Count, unpublished);
        metrics.publishStoredMetrics();
        unpublished = 0;
      }
      if (tallies.size === 0) return;
      const total = emptyTally();
      for (const [jobName, entry] of tallies) {
        publish(entry, jobName);
        total.completed += entry.completed;
        total.failed += entry.failed;
        total.retried += entry.retried;
        total.released += entry.released;
        total.durations.push(...entry.durations);
        total.waits.push(...entry.waits);
      }
      publish(total);
      tallies = new Map();
    },
  };
}

/** For callers that do not want metrics (tests, tools). */
export const noJobMetrics: JobMetrics = {
  completed: () => undefined,
  retried: () => undefined,
  failed: () => undefined,
  released: () => undefined,
  waited: () => undefined,
  flush: () => undefined,
};
