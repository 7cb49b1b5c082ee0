/**
 * One CloudWatch dashboard for the pipeline, a block of widgets per priority class: queue depth,
 * age of the oldest message, DLQ depth, job throughput and job duration percentiles.
 *
 * @example
 * new PipelineDashboard(this, 'Dashboard', {
 *   dashboardName: 'sqs-jobs-prod',
 *   metricNamespace: 'SqsJobs/prod',
 *   classes,
 * });
 */
import { Duration } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  Stats,
  TextWidget,
  type HorizontalAnnotation,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { jobMetrics } from '../shared/metric-names';
import type { MonitoredClass } from './pipeline-alarms';
import { jobMetric } from './job-metrics';

export interface PipelineDashboardProps {
  readonly dashboardName: string;
  /** Namespace the consumers write their job metrics to. */
  readonly metricNamespace: string;
  readonly classes: readonly MonitoredClass[];
  /** Time range shown when the dashboard opens. @default Duration.hours(3) */
  readonly defaultInterval?: Duration;
}

const ONE_MINUTE = Duration.minutes(1);

export class PipelineDashboard extends Construct {
  readonly dashboard: Dashboard;

  private readonly metricNamespace: string;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    this.metricNamespace = props.metricNamespace;
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: props.defaultInterval ?? Duration.hours(3),
    });
    for (const subject of props.classes) this.addClass(subject);
  }

  private addClass({ className, queues, thresholds }: MonitoredClass): void {
    const { queue, deadLetterQueue } = queues;
    const line = (label: string, value: number): HorizontalAnnotation => ({ label, value });
    const maxPerMinute = (label: string) => ({ statistic: Stats.MAXIMUM, period: ONE_MINUTE, label });
    const source = { namespace: this.metricNamespace, className };

    this.dashboard.addWidgets(new TextWidget({ markdown: `## ${className}`, width: 24, height: 1 }));
    this.dashboard.addWidgets(
      new GraphWidget({
        title: `${className}: queue depth`,
        width: 8,
        left: [
          queue.metricApproximateNumberOfMessagesVisible(maxPerMinute('visible')),
          queue.metricApproximateNumberOfMessagesNotVisible(maxPerMinute('in flight / backing off')),
        ],
        leftAnnotations: [
          line('warning', thresholds.queueDepth.warning),
          line('critical', thresholds.queueDepth.critical),
        ],
      }),
      new GraphWidget({
        title: `${className}: age of oldest message (s)`,
        width: 8,
        left: [queue.metricApproximateAgeOfOldestMessage(maxPerMinute('age'))],
        leftAnnotations: [line('alarm', thresholds.oldestMessageAgeSeconds)],
      }),
      new GraphWidget({
        title: `${className}: dead-letter queue depth`,
        width: 8,
        left: [deadLetterQueue.metricApproximateNumberOfMessagesVisible(maxPerMinute('DLQ messages'))],
        leftAnnotations: [line('alarm', thresholds.dlqDepth)],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: `${className}: jobs per minute`,
        width: 12,
        left: [
          jobMetric(source, jobMetrics.completed, { period: ONE_MINUTE, label: 'completed' }),
          jobMetric(source, jobMetrics.failed, { period: ONE_MINUTE, label: 'failed' }),
          jobMetric(source, jobMetrics.retried, { period: ONE_MINUTE, label: 'retried' }),
        ],
      }),
      new GraphWidget({
        title: `${className}: job duration (ms)`,
        width: 12,
        left: (['p50', 'p95', 'p99'] as const).map((statistic) =>
          jobMetric(source, jobMetrics.duration, { statistic, period: ONE_MINUTE, label: statistic }),
        ),
      }),
    );
  }
}
