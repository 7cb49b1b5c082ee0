/**
 * One CloudWatch dashboard for the pipeline, a block of widgets per priority class: queue depth,
 * age of the oldest message, DLQ depth, job throughput, job duration and wait-time percentiles. Below them
 * one block for time: the schedule DLQ's depth and the delay dispatcher's runs, errors, duration
 * and throttles.
 *
 * @example
 * new PipelineDashboard(this, 'Dashboard', {
 *   dashboardName: 'sqs-jobs-prod',
 *   metricNamespace: 'SqsJobs/prod',
 *   classes,
 *   schedules,        // JobSchedules
 *   delayDispatcher,  // DelayDispatcher
 * });
 */
import { Duration } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  Stats,
  TextWidget,
  type HorizontalAnnotation,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { jobMetrics } from '../shared/metric-names.ts';
import type { DelayDispatcher } from './delay-dispatcher.ts';
import type { JobSchedules } from './job-schedules.ts';
import type { MonitoredClass } from './pipeline-alarms.ts';
import { jobMetric } from './job-metrics.ts';

export interface PipelineDashboardProps {
  readonly dashboardName: string;
  /** Namespace the consumers write their job metrics to. */
  readonly metricNamespace: string;
  readonly classes: readonly MonitoredClass[];
  /** Schedule catalog whose dead-letter queue depth to graph. @default - no schedule DLQ widget */
  readonly schedules?: JobSchedules;
  /** Dispatcher whose runs, errors, duration and throttles to graph. @default - no dispatcher widgets */
  readonly delayDispatcher?: DelayDispatcher;
  /** Time range shown when the dashboard opens. @default Duration.hours(3) */
  readonly defaultInterval?: Duration;
}

const ONE_MINUTE = Duration.minutes(1);
const line = (label: string, value: number): HorizontalAnnotation => ({ label, value });
const maxPerMinute = (label: string) => ({ statistic: Stats.MAXIMUM, period: ONE_MINUTE, label });
const sumPerMinute = (label: string) => ({ statistic: Stats.SUM, period: ONE_MINUTE, label });

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
    const time = [
      ...(props.schedules ? [scheduleDeadLetterWidget(props.schedules)] : []),
      ...(props.delayDispatcher ? dispatcherWidgets(props.delayDispatcher) : []),
    ];
    if (time.length > 0) {
      const heading = new TextWidget({ markdown: '## schedules and delay dispatcher', width: 24, height: 1 });
      this.dashboard.addWidgets(heading);
      this.dashboard.addWidgets(...time);
    }
  }

  private addClass({ className, queues, thresholds }: MonitoredClass): void {
    const { queue, deadLetterQueue } = queues;
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
      // No alarm line: a message waiting out its backoff counts as old here; the wait-time
      // graph below carries the alarm.
      new GraphWidget({
        title: `${className}: age of oldest message (s)`,
        width: 8,
        left: [queue.metricApproximateAgeOfOldestMessage(maxPerMinute('age'))],
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
        width: 8,
        left: [
          jobMetric(source, jobMetrics.completed, { period: ONE_MINUTE, label: 'completed' }),
          jobMetric(source, jobMetrics.failed, { period: ONE_MINUTE, label: 'failed' }),
          jobMetric(source, jobMetrics.retried, { period: ONE_MINUTE, label: 'retried' }),
        ],
      }),
      new GraphWidget({
        title: `${className}: job duration (ms)`,
        width: 8,
        left: (['p50', 'p95', 'p99'] as const).map((statistic) =>
          jobMetric(source, jobMetrics.duration, { statistic, period: ONE_MINUTE, label: statistic }),
        ),
      }),
      new GraphWidget({
        title: `${className}: wait from due time to start (ms)`,
        width: 8,
        left: (['p50', 'p99'] as const).map((statistic) =>
          jobMetric(source, jobMetrics.waitTime, { statistic, period: ONE_MINUTE, label: statistic }),
        ),
        leftAnnotations: [line('alarm (p99)', thresholds.waitTimeSeconds * 1000)],
      }),
    );
  }
}

function scheduleDeadLetterWidget({ deadLetterQueue, deadLetterAlarm }: JobSchedules): IWidget {
  return new GraphWidget({
    title: 'schedules: dead-letter queue depth',
    width: 6,
    left: [deadLetterQueue.metricApproximateNumberOfMessagesVisible(maxPerMinute('undelivered ticks'))],
    // The alarm's own threshold, so the line cannot drift from what pages.
    leftAnnotations: [line('alarm', deadLetterAlarm.toAnnotation().value)],
  });
}

function dispatcherWidgets({ function: dispatcher }: DelayDispatcher): IWidget[] {
  return [
    new GraphWidget({
      title: 'delay dispatcher: runs per minute',
      width: 6,
      left: [dispatcher.metricInvocations(sumPerMinute('runs')), dispatcher.metricErrors(sumPerMinute('errors'))],
    }),
    new GraphWidget({
      title: 'delay dispatcher: run duration (ms)',
      width: 6,
      left: (['p50', 'p95'] as const).map((statistic) =>
        dispatcher.metricDuration({ statistic, period: ONE_MINUTE, label: statistic }),
      ),
    }),
    // A throttled tick is a run that found the previous one still going (reserved concurrency 1)
    // or the account out of concurrency; either way its jobs wait for the next minute's run.
    new GraphWidget({
      title: 'delay dispatcher: throttled ticks per minute',
      width: 6,
      left: [dispatcher.metricThrottles(sumPerMinute('throttles'))],
    }),
  ];
}
