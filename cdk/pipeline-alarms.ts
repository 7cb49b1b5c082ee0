/**
 * The pipeline's alarms on two encrypted SNS topics, by severity: `critical` (`<prefix>-alarms`,
 * what `alarmEmail` subscribes to, meant to page) and `warning` (`<prefix>-alarms-warning`, meant
 * for a ticket). Per class: queue depth, job wait time, DLQ not empty, consumer errors and
 * throttles, job failure rate, lost messages. Once per pipeline: job table throttles and system
 * errors, and an optional heartbeat job that must complete within a window.
 *
 * @example
 * const alarms = new PipelineAlarms(this, 'Alarms', {
 *   prefix: 'sqs-jobs-prod',
 *   metricNamespace: 'SqsJobs/prod',
 *   classes,
 *   jobTable,
 *   heartbeat: { job: 'demo.sleep', className: 'low-priority', withinMinutes: 15 },
 * });
 * alarms.alarms.get('reports')?.deadLetterQueue;
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Metric,
  Stats,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { jobMetrics, metricDimensions } from '../shared/metric-names.ts';
import { alarmTopic, alarmTopicKey } from './alarm-topic.ts';
import type { ResolvedAlarmThresholds } from './alarm-thresholds.ts';
import type { ClassConsumer } from './class-consumer.ts';
import type { ClassQueues } from './class-queues.ts';
import { failureRate, jobMetric } from './job-metrics.ts';
import type { JobTable } from './job-table.ts';
import { tableSystemErrors, tableThrottleEvents } from './job-table-metrics.ts';
import { alarmName, classConstructId } from './pipeline-naming.ts';

export type AlarmSeverity = 'critical' | 'warning';

/** What the alarms of one class watch. */
export interface MonitoredClass {
  readonly className: string;
  readonly queues: ClassQueues;
  readonly consumer: ClassConsumer;
  readonly thresholds: ResolvedAlarmThresholds;
}

export interface ClassAlarms {
  readonly queueDepthWarning: Alarm;
  readonly queueDepthCritical: Alarm;
  readonly waitTime: Alarm;
  readonly deadLetterQueue: Alarm;
  readonly consumerErrors: Alarm;
  readonly consumerThrottles: Alarm;
  readonly failureRateWarning: Alarm;
  readonly failureRateCritical: Alarm;
  readonly messageLost: Alarm;
}

/** A job that must complete at least once within `withinMinutes`, e.g. a frequent scheduled one. */
export interface HeartbeatAlarmProps {
  readonly job: string;
  /** The class whose consumer runs it (the `JobClass` dimension of its metrics). */
  readonly className: string;
  /** Whole minutes, 2–1440. */
  readonly withinMinutes: number;
}

/**
 * Which topic each alarm notifies. Critical: the pipeline or a dependency is broken, or jobs
 * fail or vanish in numbers. Warning: a backlog or pressure worth a look in working hours.
 */
export const ALARM_SEVERITY = {
  queueDepthWarning: 'warning',
  queueDepthCritical: 'critical',
  // Slow pickups are a backlog forming; queue-depth-critical pages when it gets large.
  waitTime: 'warning',
  // Every terminal job failure lands in the DLQ, including ones the app expects (a webhook
  // answering 404). One dead letter is a ticket; many failures page through failureRateCritical.
  deadLetterQueue: 'warning',
  consumerErrors: 'critical',
  // Throttled receives count toward the redrive limit, which leaves room for many of them.
  consumerThrottles: 'warning',
  failureRateWarning: 'warning',
  failureRateCritical: 'critical',
  messageLost: 'critical',
  // On-demand tables throttle briefly while they scale, and the SDK retries.
  tableThrottles: 'warning',
  tableSystemErrors: 'critical',
  heartbeat: 'critical',
} as const satisfies Record<keyof ClassAlarms | 'tableThrottles' | 'tableSystemErrors' | 'heartbeat', AlarmSeverity>;

export interface PipelineAlarmsProps {
  /** Prefix of the topic and alarm names, usually `<namePrefix>-<stage>`. */
  readonly prefix: string;
  /** Namespace the consumers write their job metrics to (the job-metric alarms read it). */
  readonly metricNamespace: string;
  readonly classes: readonly MonitoredClass[];
  /** Table whose throttles and system errors to alarm on. @default - no table alarms */
  readonly jobTable?: JobTable;
  /** Job whose completions prove the pipeline works end to end. @default - no heartbeat alarm */
  readonly heartbeat?: HeartbeatAlarmProps;
  /** Address subscribed to the critical topic. @default - no subscription */
  readonly alarmEmail?: string;
  /** Address subscribed to the warning topic. @default - no subscription */
  readonly warningEmail?: string;
}

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);
const ABOVE = ComparisonOperator.GREATER_THAN_THRESHOLD;
const AT_LEAST = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

interface AlarmSpec {
  readonly metric: IMetric;
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly description: string;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  /** @default NOT_BREACHING: SQS, Lambda and DynamoDB publish nothing for idle resources. */
  readonly treatMissingData?: TreatMissingData;
}

export class PipelineAlarms extends Construct {
  /** The critical topic, `<prefix>-alarms`; `alarmEmail` subscribes to it. */
  readonly topic: Topic;
  /** The warning topic, `<prefix>-alarms-warning`; `warningEmail` subscribes to it. */
  readonly warningTopic: Topic;
  /** Customer-managed key of both topics: CloudWatch cannot publish to a topic under aws/sns. */
  readonly topicKey: Key;
  readonly alarms: ReadonlyMap<string, ClassAlarms>;
  /** Throttled reads or writes on the job table or an index. Undefined without `jobTable`. */
  readonly tableThrottles: Alarm | undefined;
  /** DynamoDB answered the pipeline's calls with server errors. Undefined without `jobTable`. */
  readonly tableSystemErrors: Alarm | undefined;
  /** The heartbeat job did not complete within its window. Undefined without `heartbeat`. */
  readonly heartbeat: Alarm | undefined;

  private readonly actions: Record<AlarmSeverity, SnsAction>;
  private readonly prefix: string;
  private readonly metricNamespace: string;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    this.prefix = props.prefix;
    this.metricNamespace = props.metricNamespace;

    this.topicKey = alarmTopicKey(this, 'TopicKey', props.prefix);
    this.topic = alarmTopic(this, 'Topic', {
      topicName: `${props.prefix}-alarms`,
      key: this.topicKey,
      ...(props.alarmEmail !== undefined && { email: props.alarmEmail }),
    });
    this.warningTopic = alarmTopic(this, 'WarningTopic', {
      topicName: `${props.prefix}-alarms-warning`,
      key: this.topicKey,
      ...(props.warningEmail !== undefined && { email: props.warningEmail }),
    });
    this.actions = { critical: new SnsAction(this.topic), warning: new SnsAction(this.warningTopic) };

    const alarms = new Map<string, ClassAlarms>();
    for (const subject of props.classes) alarms.set(subject.className, this.classAlarms(subject));
    this.alarms = alarms;

    const table = props.jobTable?.table;
    this.tableThrottles = table
      ? this.alarm(this, 'TableThrottles', alarmName(props.prefix, 'job-table', 'throttles'), ALARM_SEVERITY.tableThrottles, {
          metric: tableThrottleEvents(table, props.jobTable?.indexNames ?? []),
          threshold: 0,
          comparisonOperator: ABOVE,
          description: 'job table: reads or writes throttled on the table or an index (the SDK retries them)',
        })
      : undefined;
    this.tableSystemErrors = table
      ? this.alarm(this, 'TableSystemErrors', alarmName(props.prefix, 'job-table', 'system-errors'), ALARM_SEVERITY.tableSystemErrors, {
          metric: tableSystemErrors(table),
          threshold: 0,
          comparisonOperator: ABOVE,
          description: 'job table: DynamoDB answered with server errors (HTTP 500)',
        })
      : undefined;
    this.heartbeat = props.heartbeat ? this.heartbeatAlarm(props.heartbeat) : undefined;
  }

  /** The topic alarms of this severity notify, for alarms added by the app. */
  topicFor(severity: AlarmSeverity): Topic {
    return severity === 'critical' ? this.topic : this.warningTopic;
  }

  private alarm(scope: Construct, id: string, name: string, severity: AlarmSeverity, spec: AlarmSpec): Alarm {
    const evaluationPeriods = spec.evaluationPeriods ?? 1;
    const created = new Alarm(scope, id, {
      alarmName: name,
      alarmDescription: `[${severity}] ${spec.description}`,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparisonOperator,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      treatMissingData: spec.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
    created.addAlarmAction(this.actions[severity]);
    created.addOkAction(this.actions[severity]);
    return created;
  }

  private heartbeatAlarm({ job, className, withinMinutes }: HeartbeatAlarmProps): Alarm {
    const completions = new Metric({
      namespace: this.metricNamespace,
      metricName: jobMetrics.completed,
      dimensionsMap: { [metricDimensions.jobClass]: className, [metricDimensions.jobName]: job },
      statistic: Stats.SUM,
      period: ONE_MINUTE,
    });
    // Every one of the window's minutes without a completion: a sliding window, not buckets.
    return this.alarm(this, 'Heartbeat', `${this.prefix}-heartbeat`, ALARM_SEVERITY.heartbeat, {
      metric: completions,
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: withinMinutes,
      // No metric is the failure this alarm exists for.
      treatMissingData: TreatMissingData.BREACHING,
      description: `heartbeat: job "${job}" (${className}) has not completed in ${withinMinutes} minutes`,
    });
  }

  private classAlarms({ className, queues, consumer, thresholds }: MonitoredClass): ClassAlarms {
    const scope = new Construct(this, classConstructId(className));
    const alarm = (id: keyof ClassAlarms & string, spec: AlarmSpec): Alarm =>
      this.alarm(scope, capitalize(id), alarmName(this.prefix, className, kebab(id)), ALARM_SEVERITY[id], spec);

    const depth = queues.queue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: ONE_MINUTE });
    const { queueDepth, failureRate: rate } = thresholds;
    const source = { namespace: this.metricNamespace, className };
    const jobFailureRate = failureRate(source, { period: FIVE_MINUTES, minJobs: rate.minJobs });
    const sample = `in 5 minutes with at least ${rate.minJobs} finished`;
    const failureRateAlarm = (level: 'warning' | 'critical'): AlarmSpec => ({
      metric: jobFailureRate,
      threshold: rate[level],
      comparisonOperator: AT_LEAST,
      description: `${className}: at least ${percent(rate[level])} of jobs failed terminally (${sample})`,
    });
    const depthAlarm = (level: 'warning' | 'critical'): AlarmSpec => ({
      metric: depth,
      threshold: queueDepth[level],
      comparisonOperator: AT_LEAST,
      evaluationPeriods: 5,
      description: `${className}: at least ${queueDepth[level]} visible messages for 5 minutes`,
    });
    return {
      queueDepthWarning: alarm('queueDepthWarning', depthAlarm('warning')),
      queueDepthCritical: alarm('queueDepthCritical', depthAlarm('critical')),
      // From the consumers' EMF metric (ms from due time to start), so a message waiting out
      // its backoff does not count, unlike SQS's ApproximateAgeOfOldestMessage.
      waitTime: alarm('waitTime', {
        metric: jobMetric(source, jobMetrics.waitTime, { statistic: 'p99', period: FIVE_MINUTES }),
        threshold: thresholds.waitTimeSeconds * 1000,
        comparisonOperator: ABOVE,
        description: `${className}: the slowest 1 % of jobs waited more than ${thresholds.waitTimeSeconds} s past their due time (5 minutes)`,
      }),
      // Maximum over 1-minute periods: a DLQ drained between two samples still fires.
      deadLetterQueue: alarm('deadLetterQueue', {
        metric: queues.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: ONE_MINUTE }),
        threshold: thresholds.dlqDepth,
        comparisonOperator: ABOVE,
        description: `${className}: more than ${thresholds.dlqDepth} messages in the dead-letter queue`,
      }),
      consumerErrors: alarm('consumerErrors', {
        metric: consumer.function.metricErrors({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        threshold: 0,
        comparisonOperator: ABOVE,
        description: `${className}: consumer invocations failed as a whole (crash, timeout or thrown error)`,
      }),
      consumerThrottles: alarm('consumerThrottles', {
        metric: consumer.function.metricThrottles({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        threshold: 0,
        comparisonOperator: ABOVE,
        description: `${className}: consumer invocations throttled; throttled receives count toward the redrive limit`,
      }),
      failureRateWarning: alarm('failureRateWarning', failureRateAlarm('warning')),
      failureRateCritical: alarm('failureRateCritical', failureRateAlarm('critical')),
      messageLost: alarm('messageLost', {
        metric: jobMetric(source, jobMetrics.messageLost, { statistic: Stats.SUM, period: FIVE_MINUTES }),
        threshold: 0,
        comparisonOperator: ABOVE,
        description: `${className}: unfinished jobs whose message is gone (found by the sweeper)`,
      }),
    };
  }
}

/** `queueDepthWarning` → `queue-depth-warning`. */
function kebab(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** `queueDepthWarning` → `QueueDepthWarning`, the construct id of that alarm. */
function capitalize(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}
