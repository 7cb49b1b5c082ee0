/**
 * The alarms of every priority class on one encrypted SNS topic: queue depth, age of the oldest
 * message, DLQ not empty, consumer errors and throttles, and the job failure rate.
 *
 * @example
 * const alarms = new PipelineAlarms(this, 'Alarms', {
 *   prefix: 'sqs-jobs-prod',
 *   metricNamespace: 'SqsJobs/prod',
 *   classes,
 * });
 * alarms.alarms.get('reports')?.deadLetterQueue;
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Stats,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { ResolvedAlarmThresholds } from './alarm-thresholds.ts';
import type { ClassConsumer } from './class-consumer.ts';
import type { ClassQueues } from './class-queues.ts';
import { failureRate } from './job-metrics.ts';
import { alarmName, classConstructId } from './pipeline-naming.ts';

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
  readonly oldestMessageAge: Alarm;
  readonly deadLetterQueue: Alarm;
  readonly consumerErrors: Alarm;
  readonly consumerThrottles: Alarm;
  readonly failureRateWarning: Alarm;
  readonly failureRateCritical: Alarm;
}

export interface PipelineAlarmsProps {
  /** Prefix of the topic and alarm names, usually `<namePrefix>-<stage>`. */
  readonly prefix: string;
  /** Namespace the consumers write their job metrics to (the failure-rate alarms read it). */
  readonly metricNamespace: string;
  readonly classes: readonly MonitoredClass[];
  /** Address subscribed to the topic. @default - no subscription */
  readonly alarmEmail?: string;
}

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

export class PipelineAlarms extends Construct {
  readonly topic: Topic;
  /** Customer-managed key of the topic: CloudWatch cannot publish to a topic under aws/sns. */
  readonly topicKey: Key;
  readonly alarms: ReadonlyMap<string, ClassAlarms>;

  private readonly action: SnsAction;
  private readonly prefix: string;
  private readonly metricNamespace: string;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    this.prefix = props.prefix;
    this.metricNamespace = props.metricNamespace;
    const stack = Stack.of(this);

    this.topicKey = new Key(this, 'TopicKey', {
      description: `Encrypts the ${props.prefix} alarm topic`,
      enableKeyRotation: true,
      // The key protects only transient notifications; the topic dies with it.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topicKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      topicName: `${props.prefix}-alarms`,
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one, so CloudWatch needs its own Allow.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    }
    this.action = new SnsAction(this.topic);

    const alarms = new Map<string, ClassAlarms>();
    for (const subject of props.classes) {
      alarms.set(subject.className, this.classAlarms(subject));
    }
    this.alarms = alarms;
  }

  private classAlarms({ className, queues, consumer, thresholds }: MonitoredClass): ClassAlarms {
    const scope = new Construct(this, classConstructId(className));
    const alarm = (
      id: string,
      metric: IMetric,
      threshold: number,
      comparisonOperator: ComparisonOperator,
      description: string,
      evaluationPeriods = 1,
    ): Alarm => {
      const created = new Alarm(scope, id, {
        alarmName: alarmName(this.prefix, className, kebab(id)),
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator,
        evaluationPeriods,
        datapointsToAlarm: evaluationPeriods,
        // SQS and Lambda publish nothing for idle resources; silence is not an incident.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(this.action);
      created.addOkAction(this.action);
      return created;
    };

    const depth = queues.queue.metricApproximateNumberOfMessagesVisible({
      statistic: Stats.MAXIMUM,
      period: ONE_MINUTE,
    });
    const { queueDepth, failureRate: rate } = thresholds;
    const atLeast = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    const above = ComparisonOperator.GREATER_THAN_THRESHOLD;
    const jobFailureRate = failureRate(
      { namespace: this.metricNamespace, className },
      { period: FIVE_MINUTES, minJobs: rate.minJobs },
    );
    const sample = `in 5 minutes with at least ${rate.minJobs} finished`;
    return {
      queueDepthWarning: alarm(
        'QueueDepthWarning',
        depth,
        queueDepth.warning,
        atLeast,
        `${className}: at least ${queueDepth.warning} visible messages for 5 minutes`,
        5,
      ),
      queueDepthCritical: alarm(
        'QueueDepthCritical',
        depth,
        queueDepth.critical,
        atLeast,
        `${className}: at least ${queueDepth.critical} visible messages for 5 minutes`,
        5,
      ),
      oldestMessageAge: alarm(
        'OldestMessageAge',
        queues.queue.metricApproximateAgeOfOldestMessage({ statistic: Stats.MAXIMUM, period: ONE_MINUTE }),
        thresholds.oldestMessageAgeSeconds,
        above,
        `${className}: oldest message older than ${thresholds.oldestMessageAgeSeconds} s`,
      ),
      // Maximum over 1-minute periods: a DLQ drained between two samples still fires.
      deadLetterQueue: alarm(
        'DeadLetterQueue',
        queues.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: Stats.MAXIMUM,
          period: ONE_MINUTE,
        }),
        thresholds.dlqDepth,
        above,
        `${className}: more than ${thresholds.dlqDepth} messages in the dead-letter queue`,
      ),
      consumerErrors: alarm(
        'ConsumerErrors',
        consumer.function.metricErrors({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        0,
        above,
        `${className}: consumer invocations failed as a whole (crash, timeout or thrown error)`,
      ),
      consumerThrottles: alarm(
        'ConsumerThrottles',
        consumer.function.metricThrottles({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        0,
        above,
        `${className}: consumer invocations throttled; throttled receives count toward the redrive limit`,
      ),
      failureRateWarning: alarm(
        'FailureRateWarning',
        jobFailureRate,
        rate.warning,
        atLeast,
        `${className}: at least ${percent(rate.warning)} of jobs failed terminally (${sample})`,
      ),
      failureRateCritical: alarm(
        'FailureRateCritical',
        jobFailureRate,
        rate.critical,
        atLeast,
        `${className}: at least ${percent(rate.critical)} of jobs failed terminally (${sample})`,
      ),
    };
  }
}

/** `QueueDepthWarning` → `queue-depth-warning`. */
function kebab(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}
