/**
 * The schedule catalog on EventBridge Scheduler: one schedule group per pipeline, one schedule per
 * catalog entry sending its tick straight to the class's work queue, a dead-letter queue for ticks
 * Scheduler could not deliver, and the one execution role all those schedules share.
 *
 * A tick is the catalog entry's `tickInputTemplate`: Scheduler fills in the schedule ARN and the
 * scheduled time, from which the consumer derives the job id, so a tick delivered twice (a retry
 * after a lost response) still runs once.
 *
 * @example
 * const schedules = new JobSchedules(this, 'Schedules', {
 *   resourcePrefix: 'sqs-jobs-prod',
 *   schedules,              // shared/jobs/schedules.ts
 *   queues,                 // class name → ClassQueues
 *   alarmTopic: alarms.topic,
 * });
 * schedules.schedules.get('nightly-sales-report')?.scheduleArn;
 */
import { Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Schedule,
  ScheduleExpression,
  ScheduleGroup,
  ScheduleTargetInput,
  TimeWindow,
} from 'aws-cdk-lib/aws-scheduler';
import { SqsSendMessage } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pipelineSettings } from '../shared/pipeline-settings.ts';
import type { Schedule as CatalogSchedule } from '../shared/schedules/schedule-catalog.ts';
import { tickInputTemplate } from '../shared/schedules/tick-template.ts';
import type { ClassQueues } from './class-queues.ts';
import { alarmName, SCHEDULES_ALARM_SCOPE, scheduleDeadLetterQueueName } from './pipeline-naming.ts';

/** How long and how often Scheduler retries a tick its target refused (throttling, outage). */
export interface ScheduleRetrySettings {
  /**
   * Oldest a tick may get before it goes to the schedule DLQ instead (60 s – 24 h). An hour late,
   * a nightly report still makes sense; much later someone should look at it first.
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /** Retries after the first attempt (0–185). @default 10 */
  readonly retryAttempts?: number;
}

export const DEFAULT_SCHEDULE_RETRY = { maxEventAge: Duration.hours(1), retryAttempts: 10 } as const;

/** Scheduler's service principal; the execution role trusts only it. */
export const SCHEDULER_PRINCIPAL = 'scheduler.amazonaws.com';

export interface JobSchedulesProps {
  /** `<namePrefix>-<stage>`: the schedule group's name and the prefix of the DLQ and alarm names. */
  readonly resourcePrefix: string;
  /** Catalog entries; disabled ones are created with state DISABLED. */
  readonly schedules: readonly CatalogSchedule[];
  /** Queues by class name; every schedule's class must be among them. */
  readonly queues: ReadonlyMap<string, ClassQueues>;
  /** @default DEFAULT_SCHEDULE_RETRY (1 hour, 10 retries) */
  readonly retry?: ScheduleRetrySettings;
  /** Days the schedule DLQ keeps a tick. @default pipelineSettings.dlqRetentionDays (14, the maximum) */
  readonly deadLetterRetentionDays?: number;
  /** Topic the DLQ alarm notifies on alarm and OK. @default - the alarm has no actions */
  readonly alarmTopic?: ITopic;
  /** Ticks in the schedule DLQ above which the alarm fires. @default 0 */
  readonly deadLetterAlarmThreshold?: number;
}

export class JobSchedules extends Construct {
  /** Named after the pipeline, so every schedule ARN says which pipeline and stage it belongs to. */
  readonly group: ScheduleGroup;
  /** Execution role of every schedule in `schedules`: SendMessage on their queues and the DLQ only. */
  readonly role: Role;
  readonly deadLetterQueue: Queue;
  /** The created schedules by catalog name, disabled ones included. */
  readonly schedules: ReadonlyMap<string, Schedule>;
  /** Class names the schedules send to, each once. */
  readonly targetedClasses: readonly string[];
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: JobSchedulesProps) {
    super(scope, id);
    const { resourcePrefix, queues } = props;
    const maxEventAge = props.retry?.maxEventAge ?? DEFAULT_SCHEDULE_RETRY.maxEventAge;
    const retryAttempts = props.retry?.retryAttempts ?? DEFAULT_SCHEDULE_RETRY.retryAttempts;

    this.group = new ScheduleGroup(this, 'Group', {
      scheduleGroupName: resourcePrefix,
      // A retained group would make the next deployment of this stage fail on its name.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // SSE-SQS like the class queues: encrypted at rest with no key policy or KMS grant for the
    // scheduler role to keep right (EventBridge rules cannot use aws/sqs queues at all).
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: scheduleDeadLetterQueueName(resourcePrefix),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: pipelineSettings.maxMessageBytes,
      retentionPeriod: Duration.days(props.deadLetterRetentionDays ?? pipelineSettings.dlqRetentionDays),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the Scheduler targets (Target.DeadLetterConfig), which cdk-nag ' +
        'does not recognize as DLQ use; a DLQ behind it would only move the same question one queue further.',
    });

    // Confused-deputy guard as the Scheduler guide recommends: only schedules of this account's
    // group may assume the role.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal(SCHEDULER_PRINCIPAL, {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Stack.of(this).account,
            'aws:SourceArn': this.group.scheduleGroupArn,
          },
        },
      }),
      description: `EventBridge Scheduler: sends the ${resourcePrefix} schedule ticks to their class queues`,
    });

    const schedules = new Map<string, Schedule>();
    const targeted = new Set<string>();
    for (const entry of props.schedules) {
      const classQueues = queues.get(entry.class);
      if (!classQueues) {
        throw new Error(
          `schedule "${entry.name}": class "${entry.class}" has no queue (known: ${[...queues.keys()].join(', ')})`,
        );
      }
      // The target grants the role SendMessage on this queue and on the DLQ (Scheduler sends
      // dead letters with the execution role too), nothing else: SSE-SQS needs no KMS grant.
      const target = new SqsSendMessage(classQueues.queue, {
        role: this.role,
        deadLetterQueue: this.deadLetterQueue,
        input: ScheduleTargetInput.fromText(tickInputTemplate(entry)),
        maxEventAge,
        retryAttempts,
      });
      // Disabled entries stay as DISABLED schedules: toggling one is an in-place update, and
      // operators still see it in the group.
      const schedule = new Schedule(this, entry.name, {
        scheduleName: entry.name,
        scheduleGroup: this.group,
        schedule: ScheduleExpression.expression(entry.expression, TimeZone.of(entry.timezone)),
        target,
        enabled: entry.enabled,
        // Ticks fire on time; the consumer's overlap policy handles runs that take long.
        timeWindow: TimeWindow.off(),
        ...(entry.description !== undefined && { description: entry.description }),
      });
      schedules.set(entry.name, schedule);
      targeted.add(entry.class);
    }
    this.schedules = schedules;
    this.targetedClasses = [...targeted];

    const threshold = props.deadLetterAlarmThreshold ?? 0;
    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmName: alarmName(resourcePrefix, SCHEDULES_ALARM_SCOPE, 'dead-letter-queue'),
      alarmDescription: `schedules: more than ${threshold} ticks Scheduler could not deliver, in ${scheduleDeadLetterQueueName(resourcePrefix)}`,
      // Maximum over 1-minute periods, like the class DLQs: a drained DLQ still fires.
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: Stats.MAXIMUM,
        period: Duration.minutes(1),
      }),
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) {
      const action = new SnsAction(props.alarmTopic);
      this.deadLetterAlarm.addAlarmAction(action);
      this.deadLetterAlarm.addOkAction(action);
    }
  }
}
