/**
 * The whole job pipeline: per priority class a queue, a DLQ and a consumer; one job table;
 * the schedule catalog on EventBridge Scheduler; the delay dispatcher for delays beyond 15
 * minutes; alarms on a critical and a warning topic; a dashboard. Producers get access through `grantEnqueue` or
 * `enqueuePolicy`, and their environment through `pipelineEnvironment()`.
 *
 * @example
 * const pipeline = new JobPipeline(this, 'Jobs', {
 *   jobs: { entry: 'src/jobs.ts' },   // exports jobRegistry (and schedules)
 *   stageName: 'prod',
 *   alarmEmail: 'ops@example.com',
 * });
 * pipeline.grantEnqueue(apiFunction);
 * for (const [key, value] of Object.entries(pipeline.pipelineEnvironment())) {
 *   apiFunction.addEnvironment(key, value);
 * }
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { Grant, ManagedPolicy, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV_FAILED_RETENTION_DAYS, pipelineEnvironment, type PipelineConfig, type QueueLocation } from '../shared/pipeline-config.ts';
import { pipelineSettings, tableName } from '../shared/pipeline-settings.ts';
import { defaultPriorityClasses, type PriorityClassCatalog } from '../shared/priority-classes.ts';
import type { Schedule as CatalogSchedule } from '../shared/schedules/schedule-catalog.ts';
import { resolveAlarmThresholds, type AlarmThresholds } from './alarm-thresholds.ts';
import { ClassConsumer } from './class-consumer.ts';
import { ClassQueues } from './class-queues.ts';
import { DelayDispatcher } from './delay-dispatcher.ts';
import { heartbeatClass, type HeartbeatProps } from './heartbeat.ts';
import { JobSchedules, type ScheduleRetrySettings } from './job-schedules.ts';
import { JobTable } from './job-table.ts';
import { wireWorkflows, type JobEventsProps } from './workflow-wiring.ts';
import { DISPATCHER_ENTRY, findLockFile, readJobsModule, type JobsModule, type JobsModuleProps } from './jobs-module.ts';
import { PipelineAlarms, type MonitoredClass } from './pipeline-alarms.ts';
import { PipelineDashboard } from './pipeline-dashboard.ts';
import {
  DEFAULT_STAGE,
  classConstructId,
  consumerFunctionName,
  dispatcherFunctionName,
  resourcePrefix,
  stageMetricNamespace,
} from './pipeline-naming.ts';
import { JobPipelinePropsError, pipelineProblems } from './validate-pipeline-props.ts';

export interface JobPipelineProps {
  /**
   * The app's jobs module: its registry (with the class catalog) and schedules are read at synth
   * time, and every consumer bundles a generated entry that runs that registry.
   * @default - none: then `consumerEntry` is required and `priorityClasses`/`schedules` apply
   */
  readonly jobs?: JobsModuleProps;
  /**
   * Priority classes, each getting a queue, a DLQ and a consumer; only without `jobs` (the
   * registry carries its catalog).
   * @default defaultPriorityClasses
   */
  readonly priorityClasses?: PriorityClassCatalog;
  /** Deployment stage, part of every physical name. @default 'dev' */
  readonly stageName?: string;
  /** First part of every physical name. @default pipelineSettings.namePrefix ('sqs-jobs') */
  readonly namePrefix?: string;
  /** What happens to the job table when it leaves the stack. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Retention of the consumers' log groups. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Address subscribed to the critical alarm topic (`<prefix>-alarms`). @default - no subscription */
  readonly alarmEmail?: string;
  /** Address subscribed to the warning alarm topic (`<prefix>-alarms-warning`). @default - no subscription */
  readonly warningEmail?: string;
  /** Alarm thresholds for every class. @default pipelineSettings.thresholds */
  readonly alarmThresholds?: AlarmThresholds;
  /** Per-class overrides on top of `alarmThresholds`, keyed by class name. @default - none */
  readonly classAlarmThresholds?: Readonly<Record<string, AlarmThresholds>>;
  /**
   * CloudWatch namespace of the job metrics: the consumers write there, the alarms and the
   * dashboard read there. Set it when two pipelines share a stage name in one account.
   * @default `SqsJobs/<stageName>`
   */
  readonly metricNamespace?: string;
  /** Entry of the consumer, exporting `handler`. @default the entry generated for `jobs` */
  readonly consumerEntry?: string;
  /** Entry of the delay dispatcher, exporting `handler`. @default the package's dispatcher entry */
  readonly dispatcherEntry?: string;
  /** Lock file pinning the bundled dependencies. @default the nearest one above `jobs.entry` (or `consumerEntry`) */
  readonly depsLockFilePath?: string;
  /**
   * Extra environment for every consumer and the delay dispatcher; may not set the pipeline's
   * own variables. @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Recurring jobs, each an EventBridge Scheduler schedule sending a tick to its class's queue;
   * only without `jobs` (which exports its own).
   * @default [] - the schedule group, its DLQ and role exist anyway, for the dispatcher's schedule
   */
  readonly schedules?: readonly CatalogSchedule[];
  /** How Scheduler retries a tick its queue refused. @default 1 hour, 10 retries */
  readonly scheduleRetry?: ScheduleRetrySettings;
  /**
   * Reserved concurrency of the delay dispatcher; 1 keeps its every-minute runs from overlapping.
   * `null` reserves nothing, for accounts whose Lambda concurrency quota is still the new-account
   * 10: functions may reserve only what leaves 100 executions unreserved, so there any reservation
   * fails the deployment. Overlapping runs may then send a due job twice; the consumer runs it once.
   * @default 1
   */
  readonly dispatcherReservedConcurrency?: number | null;
  /**
   * Days a failed job's record is kept (DynamoDB TTL); by default it stays until an operator
   * retries, forgets or flushes it. @default - until flushed
   */
  readonly failedJobRetentionDays?: number;
  /**
   * A job that must complete at least once every `withinMinutes` (say, one scheduled every 5
   * minutes); a critical alarm fires when it does not, missing metrics included.
   * @default - no heartbeat alarm
   */
  readonly heartbeat?: HeartbeatProps;
  /** X-Ray active tracing on the consumers and the delay dispatcher. @default true */
  readonly tracing?: boolean;
  /**
   * Chains and batches (`jobs.chain`, `jobs.batch`): consumers may enqueue a next step or a
   * callback into every class (`sqs:SendMessage` on the pipeline's work queues). `false` keeps
   * each consumer to its own queue; a workflow must then stay within one class.
   * @default true
   */
  readonly workflows?: boolean;
  /** Publish job and workflow events to this EventBridge bus (see workflow-wiring.ts). @default - no events */
  readonly events?: JobEventsProps;
}

export class JobPipeline extends Construct {
  readonly stageName: string;
  /** `<namePrefix>-<stageName>`, the prefix of every physical name. */
  readonly resourcePrefix: string;
  readonly classNames: readonly string[];
  /** Days a failed record is kept; undefined: until flushed. */
  readonly failedJobRetentionDays: number | undefined;
  /** The app's jobs module as read at synth time; undefined without `jobs`. */
  readonly jobsModule: JobsModule | undefined;
  /** CloudWatch namespace of the job metrics (`POWERTOOLS_METRICS_NAMESPACE` of every consumer). */
  readonly metricNamespace: string;
  readonly jobTable: JobTable;
  readonly queues: ReadonlyMap<string, ClassQueues>;
  readonly consumers: ReadonlyMap<string, ClassConsumer>;
  readonly alarms: PipelineAlarms;
  readonly dashboard: PipelineDashboard;
  /** SendMessage on every work queue and the table actions of `enqueue`, for roles defined elsewhere. */
  readonly enqueuePolicy: ManagedPolicy;
  /** Schedule group `<resourcePrefix>`, one schedule per catalog entry, their DLQ and role. */
  readonly jobSchedules: JobSchedules;
  /** Every-minute function sending jobs delayed beyond 15 minutes once they are due. */
  readonly delayDispatcher: DelayDispatcher;

  constructor(scope: Construct, id: string, props: JobPipelineProps = {}) {
    super(scope, id);
    const { jobsModule, consumerEntry, depsLockFilePath } = resolveJobs(props);
    const catalog = jobsModule?.classes ?? props.priorityClasses ?? defaultPriorityClasses;
    const namePrefix = props.namePrefix ?? pipelineSettings.namePrefix;
    const stageName = props.stageName ?? DEFAULT_STAGE;
    const environment = props.environment ?? {};
    const classAlarmThresholds = props.classAlarmThresholds ?? {};
    const metricNamespace = props.metricNamespace ?? stageMetricNamespace(stageName);
    const schedules = jobsModule?.schedules ?? props.schedules ?? [];
    const problems = pipelineProblems({
      catalog,
      namePrefix,
      stageName,
      metricNamespace,
      environment,
      alarmEmail: props.alarmEmail,
      ...(props.warningEmail !== undefined && { warningEmail: props.warningEmail }),
      ...(props.heartbeat !== undefined && { heartbeat: props.heartbeat }),
      ...(jobsModule !== undefined && { jobs: jobsModule.jobs }),
      alarmThresholds: props.alarmThresholds,
      classAlarmThresholds,
      schedules,
      ...(props.scheduleRetry !== undefined && { scheduleRetry: props.scheduleRetry }),
      ...(props.dispatcherReservedConcurrency !== undefined && {
        dispatcherReservedConcurrency: props.dispatcherReservedConcurrency,
      }),
    });
    const retentionDays = props.failedJobRetentionDays;
    if (retentionDays !== undefined && !(Number.isInteger(retentionDays) && retentionDays >= 1)) {
      problems.push(`failedJobRetentionDays must be a whole number of days >= 1 (got ${retentionDays})`);
    }
    if (problems.length > 0) throw new JobPipelinePropsError(problems);
    this.failedJobRetentionDays = retentionDays;
    // Consumers and the dispatcher write failed records: they need the same retention.
    const functionEnvironment = {
      ...environment,
      ...(retentionDays !== undefined ? { [ENV_FAILED_RETENTION_DAYS]: String(retentionDays) } : {}),
    };

    this.jobsModule = jobsModule;
    this.stageName = stageName;
    this.resourcePrefix = resourcePrefix(namePrefix, stageName);
    this.classNames = Object.keys(catalog);
    this.metricNamespace = metricNamespace;
    this.jobTable = new JobTable(this, 'JobTable', {
      tableName: tableName(this.resourcePrefix),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    const queues = new Map<string, ClassQueues>();
    const consumers = new Map<string, ClassConsumer>();
    const monitored: MonitoredClass[] = [];
    for (const [className, priorityClass] of Object.entries(catalog)) {
      const classScope = new Construct(this, classConstructId(className));
      const classQueues = new ClassQueues(classScope, 'Queues', {
        className,
        priorityClass,
        namePrefix: this.resourcePrefix,
      });
      const consumer = new ClassConsumer(classScope, 'Consumer', {
        className,
        priorityClass,
        queues: classQueues,
        jobTable: this.jobTable,
        entry: consumerEntry,
        depsLockFilePath,
        functionName: consumerFunctionName(this.resourcePrefix, className),
        serviceName: this.resourcePrefix,
        metricNamespace,
        environment: functionEnvironment,
        ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
        ...(props.tracing !== undefined && { tracing: props.tracing }),
      });
      queues.set(className, classQueues);
      consumers.set(className, consumer);
      monitored.push({
        className,
        queues: classQueues,
        consumer,
        thresholds: resolveAlarmThresholds(props.alarmThresholds, classAlarmThresholds[className]),
      });
    }
    this.queues = queues;
    this.consumers = consumers;
    wireWorkflows({ consumers, queues, config: this.pipelineConfig(), workflows: props.workflows ?? true, events: props.events });

    const heartbeat = props.heartbeat;
    const heartbeatClassName = heartbeat && heartbeatClass(heartbeat, { schedules, ...(jobsModule && { jobs: jobsModule.jobs }) });
    this.alarms = new PipelineAlarms(this, 'Alarms', {
      prefix: this.resourcePrefix,
      metricNamespace,
      classes: monitored,
      jobTable: this.jobTable,
      ...(heartbeat &&
        heartbeatClassName !== undefined && {
          heartbeat: { job: heartbeat.job, className: heartbeatClassName, withinMinutes: heartbeat.withinMinutes },
        }),
      ...(props.alarmEmail !== undefined && { alarmEmail: props.alarmEmail }),
      ...(props.warningEmail !== undefined && { warningEmail: props.warningEmail }),
    });

    this.jobSchedules = new JobSchedules(this, 'Schedules', {
      resourcePrefix: this.resourcePrefix,
      schedules,
      queues,
      // Critical: a tick Scheduler could not deliver is never the app's own failure.
      alarmTopic: this.alarms.topic,
      deadLetterAlarmThreshold: resolveAlarmThresholds(props.alarmThresholds).dlqDepth,
      ...(props.scheduleRetry !== undefined && { retry: props.scheduleRetry }),
    });
    this.delayDispatcher = new DelayDispatcher(this, 'DelayDispatcher', {
      jobTable: this.jobTable,
      queues: [...queues.values()],
      pipelineEnvironment: this.pipelineEnvironment(),
      entry: props.dispatcherEntry ?? jobsModule?.dispatcherEntry ?? DISPATCHER_ENTRY,
      depsLockFilePath,
      functionName: dispatcherFunctionName(this.resourcePrefix),
      serviceName: this.resourcePrefix,
      metricNamespace,
      environment,
      scheduleGroup: this.jobSchedules.group,
      // Critical: without the dispatcher, delayed jobs stay in the table.
      alarmTopic: this.alarms.topic,
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
      ...(props.tracing !== undefined && { tracing: props.tracing }),
      ...(props.dispatcherReservedConcurrency !== undefined && {
        reservedConcurrency: props.dispatcherReservedConcurrency,
      }),
    });

    this.dashboard = new PipelineDashboard(this, 'Dashboard', {
      dashboardName: this.resourcePrefix,
      metricNamespace,
      classes: monitored,
      schedules: this.jobSchedules,
      delayDispatcher: this.delayDispatcher,
    });

    this.enqueuePolicy = new ManagedPolicy(this, 'EnqueuePolicy', {
      description: `Enqueue jobs into the ${this.resourcePrefix} pipeline`,
      statements: [
        new PolicyStatement({
          actions: [...ClassQueues.ENQUEUE_ACTIONS],
          resources: this.workQueueArns(),
        }),
        new PolicyStatement({
          actions: [...JobTable.ENQUEUE_ACTIONS],
          resources: [this.jobTable.table.tableArn],
        }),
      ],
    });
  }

  /** Table name and the queue and DLQ URLs of every class, as the SDK reads them. */
  pipelineConfig(): PipelineConfig {
    const queues: Record<string, QueueLocation> = {};
    for (const [className, classQueues] of this.queues) {
      queues[className] = {
        queueUrl: classQueues.queue.queueUrl,
        dlqUrl: classQueues.deadLetterQueue.queueUrl,
      };
    }
    return {
      tableName: this.jobTable.table.tableName,
      queues,
      ...(this.failedJobRetentionDays !== undefined ? { failedRetentionDays: this.failedJobRetentionDays } : {}),
    };
  }

  /** `SQS_JOBS_TABLE_NAME` and `SQS_JOBS_QUEUES` (all classes) for a producer's environment. */
  pipelineEnvironment(): Record<string, string> {
    return pipelineEnvironment(this.pipelineConfig());
  }

  /**
   * Lets `grantee` enqueue jobs: SendMessage on every work queue, and GetItem, PutItem,
   * UpdateItem, DeleteItem on the job table. Not the DLQs, not the indexes.
   */
  grantEnqueue(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [...ClassQueues.ENQUEUE_ACTIONS],
      resourceArns: this.workQueueArns(),
    }).combine(this.jobTable.grantEnqueue(grantee));
  }

  private workQueueArns(): string[] {
    return [...this.queues.values()].map((classQueues) => classQueues.queue.queueArn);
  }
}

/** Where the consumers' code and its lock file come from; conflicting props are refused. */
function resolveJobs(props: JobPipelineProps): { jobsModule?: JobsModule; consumerEntry: string; depsLockFilePath: string } {
  const problems: string[] = [];
  if (props.jobs) {
    if (props.priorityClasses) problems.push('priorityClasses: pass the classes to createJobRegistry in the jobs module instead');
    if (props.schedules) problems.push('schedules: export them from the jobs module instead');
  } else if (props.consumerEntry === undefined) {
    problems.push("jobs: required (e.g. { entry: 'src/jobs.ts' }), unless consumerEntry names a handler of your own");
  }
  if (problems.length > 0) throw new JobPipelinePropsError(problems);
  const jobsModule = props.jobs ? readJobsModule(props.jobs, { tracing: props.tracing ?? true }) : undefined;
  const consumerEntry = props.consumerEntry ?? (jobsModule as JobsModule).consumerEntry;
  const depsLockFilePath = props.depsLockFilePath ?? jobsModule?.depsLockFilePath ?? findLockFile(consumerEntry);
  if (depsLockFilePath === undefined) {
    throw new JobPipelinePropsError([`depsLockFilePath: no lock file found above ${consumerEntry}`]);
  }
  return { ...(jobsModule ? { jobsModule } : {}), consumerEntry, depsLockFilePath };
}
