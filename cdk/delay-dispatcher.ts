/**
 * The delay dispatcher: a function run every minute by EventBridge Scheduler that sends jobs
 * stored as `scheduled` (delays beyond SQS's 15 minutes) to their class's work queue once they
 * are due within 15 minutes, with the rest of the wait as `DelaySeconds`.
 *
 * Runs never overlap by default: reserved concurrency 1 throttles a tick that arrives while a run
 * is still going, and the function's async settings (no retries, 60 s maximum age) drop it rather
 * than queue it up; the next tick comes a minute later. Without a reservation (`reservedConcurrency:
 * null`) a run longer than a minute can overlap the next; both may send the same due job, only one
 * marks it queued, and the consumer runs it once.
 *
 * @example
 * new DelayDispatcher(this, 'DelayDispatcher', {
 *   jobTable,
 *   queues: [...pipeline.queues.values()],
 *   pipelineEnvironment: pipeline.pipelineEnvironment(),
 *   functionName: 'sqs-jobs-prod-delay-dispatcher',
 *   serviceName: 'sqs-jobs-prod',
 *   metricNamespace: 'SqsJobs/prod',
 *   scheduleGroup: schedules.group,
 *   alarmTopic: alarms.topic,
 * });
 */
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, TimeWindow, type IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ESM_BUNDLING } from './class-consumer.ts';
import type { ClassQueues } from './class-queues.ts';
import { SCHEDULER_PRINCIPAL } from './job-schedules.ts';
import type { JobTable } from './job-table.ts';
import { acknowledgeTracingWildcard } from './tracing.ts';

/** How often the dispatcher runs; it looks 15 minutes ahead, so a missed run delays nothing. */
export const DISPATCH_RATE = Duration.minutes(1);

export interface DelayDispatcherProps {
  readonly jobTable: JobTable;
  /** Every class's queues: the dispatcher may send to each work queue, never to a DLQ. */
  readonly queues: readonly ClassQueues[];
  /** `SQS_JOBS_TABLE_NAME` and `SQS_JOBS_QUEUES` of every class, as `JobPipeline.pipelineEnvironment()` gives them. */
  readonly pipelineEnvironment: Readonly<Record<string, string>>;
  /** File exporting `handler` (the package's is `DISPATCHER_ENTRY`). */
  readonly entry: string;
  /** Also the name of the every-minute schedule and the prefix of the alarm names. */
  readonly functionName: string;
  /** `POWERTOOLS_SERVICE_NAME` of the function. */
  readonly serviceName: string;
  /** `POWERTOOLS_METRICS_NAMESPACE`, the same as the consumers'. */
  readonly metricNamespace: string;
  /** Group of the every-minute schedule; the trigger role trusts schedules of this group only. */
  readonly scheduleGroup: IScheduleGroup;
  /** Topic both alarms notify on alarm and OK (the pipeline's critical one). @default - alarms without actions */
  readonly alarmTopic?: ITopic;
  /** Extra variables; the pipeline's own win. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Lock file that pins the bundled dependencies; its directory is the bundling project root. */
  readonly depsLockFilePath: string;
  /**
   * Reserved concurrency: 1 keeps two runs from overlapping. It takes one execution from the
   * account's unreserved pool, which AWS keeps at 100 or more, so new accounts with a quota of 10
   * cannot reserve any: `null` reserves nothing (runs may then overlap, see above).
   * @default 1
   */
  readonly reservedConcurrency?: number | null;
  /** X-Ray active tracing; the role gets PutTraceSegments and PutTelemetryRecords. @default true */
  readonly tracing?: boolean;
}

export class DelayDispatcher extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  /** The every-minute schedule. */
  readonly trigger: Schedule;
  /** Assumed by Scheduler for `trigger`: may invoke this function and nothing else. */
  readonly triggerRole: Role;
  /** Runs that failed (error, crash, timeout) in a 5-minute period. */
  readonly errorsAlarm: Alarm;
  /** No run for 10 minutes: the trigger is broken, disabled or throttled away. */
  readonly notRunningAlarm: Alarm;

  constructor(scope: Construct, id: string, props: DelayDispatcherProps) {
    super(scope, id);
    const { functionName, jobTable } = props;
    const reservedConcurrency = props.reservedConcurrency === undefined ? 1 : props.reservedConcurrency;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Delay dispatcher: sends due scheduled jobs to their work queues',
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      functionName,
      entry: props.entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      // Equal to the rate: a run still going when the next tick arrives is the exception.
      timeout: Duration.seconds(60),
      ...(reservedConcurrency !== null && { reservedConcurrentExecutions: reservedConcurrency }),
      // Scheduler invokes asynchronously. A failed or throttled tick is not worth retrying:
      // the next one comes within a minute and covers the same jobs.
      retryAttempts: 0,
      maxEventAge: Duration.seconds(60),
      role: this.role,
      logGroup: this.logGroup,
      depsLockFilePath: props.depsLockFilePath,
      environment: {
        ...props.environment,
        ...props.pipelineEnvironment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricNamespace,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: ESM_BUNDLING,
      ...(props.tracing !== false && { tracing: Tracing.ACTIVE }),
    });
    if (props.tracing !== false) acknowledgeTracingWildcard(this.role);
    jobTable.grantDispatcherAccess(this.function);
    for (const classQueues of props.queues) {
      classQueues.grantEnqueue(this.function);
      // The sweeper reads each work queue's backlog and visibility timeout.
      classQueues.queue.grant(this.function, 'sqs:GetQueueAttributes');
    }

    const stack = Stack.of(this);
    this.triggerRole = new Role(this, 'TriggerRole', {
      assumedBy: new ServicePrincipal(SCHEDULER_PRINCIPAL, {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': props.scheduleGroup.scheduleGroupArn,
          },
        },
      }),
      description: `EventBridge Scheduler: runs ${functionName} every minute`,
    });
    // The unqualified ARN only: LambdaInvoke's grantInvoke would add `<arn>:*` for versions.
    this.triggerRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
    );
    const functionArn = this.function.functionArn;
    const triggerRole = this.triggerRole;
    this.trigger = new Schedule(this, 'Trigger', {
      scheduleName: functionName,
      scheduleGroup: props.scheduleGroup,
      schedule: ScheduleExpression.rate(DISPATCH_RATE),
      description: 'Sends scheduled jobs due within 15 minutes to their queues',
      timeWindow: TimeWindow.off(),
      target: {
        // A tick Scheduler cannot hand over is stale a minute later: no retries, no DLQ.
        bind: () => ({
          arn: functionArn,
          role: triggerRole,
          retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
        }),
      },
    });

    const fiveMinutes = Duration.minutes(5);
    this.errorsAlarm = new Alarm(this, 'ErrorsAlarm', {
      alarmName: `${functionName}-errors`,
      alarmDescription: 'delay dispatcher: runs failed (crash, timeout or thrown error)',
      metric: this.function.metricErrors({ statistic: Stats.SUM, period: fiveMinutes }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.notRunningAlarm = new Alarm(this, 'NotRunningAlarm', {
      alarmName: `${functionName}-not-running`,
      alarmDescription: 'delay dispatcher: no run for 10 minutes; delayed jobs stay in the table',
      metric: this.function.metricInvocations({ statistic: Stats.SUM, period: fiveMinutes }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      // Lambda publishes nothing without invocations: here silence is the incident.
      treatMissingData: TreatMissingData.BREACHING,
    });
    if (props.alarmTopic) {
      const action = new SnsAction(props.alarmTopic);
      for (const alarm of [this.errorsAlarm, this.notRunningAlarm]) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }
}
