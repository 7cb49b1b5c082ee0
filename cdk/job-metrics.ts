/**
 * The consumer's embedded-metric-format metrics as CloudWatch metric objects, shared by the
 * alarms and the dashboard. The consumer writes to the namespace the stack gives it in
 * `POWERTOOLS_METRICS_NAMESPACE`, with the dimension sets {JobClass} and {JobClass, JobName}.
 * CloudWatch matches dimension sets exactly, so these read {JobClass}: the per-class totals.
 *
 * @example
 * const source = { namespace: 'SqsJobs/prod', className: 'reports' };
 * jobMetric(source, jobMetrics.failed, { statistic: Stats.SUM });
 * failureRate(source, { minJobs: 10 });
 */
import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, Stats, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { jobMetrics, metricDimensions } from '../shared/metric-names.ts';
import { pipelineSettings } from '../shared/pipeline-settings.ts';

type JobMetricName = (typeof jobMetrics)[keyof typeof jobMetrics];

/** Where one class's job metrics live. */
export interface JobMetricSource {
  /** CloudWatch namespace the consumers write to, e.g. `SqsJobs/prod`. */
  readonly namespace: string;
  readonly className: string;
}

export interface FailureRateOptions {
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
  /**
   * Finished jobs a period needs before its rate counts; below it the rate reads 0.
   * @default pipelineSettings.thresholds.failureRate.minJobs (10)
   */
  readonly minJobs?: number;
}

export function jobMetric(source: JobMetricSource, metricName: JobMetricName, options: MetricOptions = {}): Metric {
  return new Metric({
    namespace: source.namespace,
    metricName,
    dimensionsMap: { [metricDimensions.jobClass]: source.className },
    statistic: Stats.SUM,
    period: Duration.minutes(5),
    ...options,
  });
}

/**
 * Terminal failures over finished jobs, as a share (0–1), counted only in periods with at least
 * `minJobs` finished jobs. Periods without a batch have no values: without FILL a period with
 * only failures would have no `completed` value, hence no rate, and a 100 % failure never alarms.
 */
export function failureRate(source: JobMetricSource, options: FailureRateOptions = {}): MathExpression {
  const period = options.period ?? Duration.minutes(5);
  const minJobs = options.minJobs ?? pipelineSettings.thresholds.failureRate.minJobs;
  return new MathExpression({
    expression: failureRateExpression(minJobs),
    usingMetrics: {
      failed: jobMetric(source, jobMetrics.failed, { period }),
      completed: jobMetric(source, jobMetrics.completed, { period }),
    },
    period,
    label: `${source.className} failure rate (periods with >= ${minJobs} jobs)`,
  });
}

/**
 * CloudWatch metric math: `IF(TS >= S, TS, S)` is valid and evaluated per timestamp; the
 * division only happens where the total is at least `minJobs` (>= 1), so never by zero.
 */
export function failureRateExpression(minJobs: number): string {
  const total = '(FILL(completed, 0) + FILL(failed, 0))';
  return `IF(${total} >= ${minJobs}, FILL(failed, 0) / ${total}, 0)`;
}
