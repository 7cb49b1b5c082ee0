/**
 * The consumer's embedded-metric-format metrics as CloudWatch metric objects, shared by the
 * alarms and the dashboard. The consumer emits per-class values with the dimension set {JobClass}.
 * CloudWatch matches dimension sets exactly: Powertools Metrics adds a `service` dimension by
 * default, which the consumer must drop for these metrics, or the alarms see no data.
 *
 * @example
 * jobMetric('reports', jobMetrics.failed, { statistic: Stats.SUM });
 */
import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, Stats, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { jobMetrics, metricDimensions, metricNamespace } from '../shared/metric-names';

type JobMetricName = (typeof jobMetrics)[keyof typeof jobMetrics];

export function jobMetric(className: string, metricName: JobMetricName, options: MetricOptions = {}): Metric {
  return new Metric({
    namespace: metricNamespace,
    metricName,
    dimensionsMap: { [metricDimensions.jobClass]: className },
    statistic: Stats.SUM,
    period: Duration.minutes(5),
    ...options,
  });
}

/**
 * Terminal failures over finished jobs. The consumer emits no zeros: without FILL a period with
 * only failures would have no `completed` value, hence no rate, and a 100 % failure never alarms.
 */
export function failureRate(className: string, period: Duration = Duration.minutes(5)): MathExpression {
  return new MathExpression({
    expression: 'FILL(failed, 0) / (FILL(completed, 0) + FILL(failed, 0))',
    usingMetrics: {
      failed: jobMetric(className, jobMetrics.failed, { period }),
      completed: jobMetric(className, jobMetrics.completed, { period }),
    },
    period,
    label: `${className} failure rate`,
  });
}
