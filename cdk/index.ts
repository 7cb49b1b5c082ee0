/**
 * `sqs-jobs/cdk`: the `JobPipeline` construct and its parts. Needs the peer dependencies
 * `aws-cdk-lib` and `constructs`.
 *
 * @example
 * import { JobPipeline } from 'sqs-jobs/cdk';
 * const pipeline = new JobPipeline(stack, 'Jobs', { jobs: { entry: 'src/jobs.ts' } });
 * pipeline.grantEnqueue(apiFunction);
 */
export {
  alarmThresholdProblems,
  resolveAlarmThresholds,
  type AlarmThresholds,
  type FailureRateThresholds,
  type ResolvedAlarmThresholds,
  type SeverityThresholds,
} from './alarm-thresholds.ts';
export {
  CLOUDWATCH_PRINCIPAL,
  alarmTopic,
  alarmTopicKey,
  cloudWatchAlarmConditions,
  type AlarmTopicProps,
} from './alarm-topic.ts';
export { readAppContext, type AppContext } from './app-context.ts';
export { ClassConsumer, ESM_BUNDLING, type ClassConsumerProps } from './class-consumer.ts';
export { ClassQueues, type ClassQueuesProps } from './class-queues.ts';
export {
  DISPATCH_RATE,
  DelayDispatcher,
  type DelayDispatcherProps,
} from './delay-dispatcher.ts';
export {
  failureRate,
  failureRateExpression,
  jobMetric,
  type FailureRateOptions,
  type JobMetricSource,
} from './job-metrics.ts';
export { HEARTBEAT_WINDOW_MINUTES, heartbeatClass, heartbeatProblems, type HeartbeatProps, type HeartbeatSources } from './heartbeat.ts';
export { JobPipeline, type JobPipelineProps } from './job-pipeline.ts';
export { wireWorkflows, type JobEventsProps, type WorkflowWiringProps } from './workflow-wiring.ts';
export {
  DISPATCHER_ENTRY,
  findLockFile,
  readJobsModule,
  type JobLoadDescription,
  type JobsModule,
  type JobsModuleProps,
} from './jobs-module.ts';
export {
  DEFAULT_SCHEDULE_RETRY,
  JobSchedules,
  SCHEDULER_PRINCIPAL,
  type JobSchedulesProps,
  type ScheduleRetrySettings,
} from './job-schedules.ts';
export { JobTable, type JobTableProps } from './job-table.ts';
export { JOB_TABLE_OPERATIONS, tableSystemErrors, tableThrottleEvents } from './job-table-metrics.ts';
export {
  ALARM_SEVERITY,
  PipelineAlarms,
  type AlarmSeverity,
  type ClassAlarms,
  type HeartbeatAlarmProps,
  type MonitoredClass,
  type PipelineAlarmsProps,
} from './pipeline-alarms.ts';
export { addPipelineOutputs } from './pipeline-outputs.ts';
export { PipelineDashboard, type PipelineDashboardProps } from './pipeline-dashboard.ts';
export { TRACING_WILDCARD_REASON, WILDCARD_RESOURCE_FINDING, acknowledgeTracingWildcard } from './tracing.ts';
export {
  DEFAULT_STAGE,
  alarmName,
  classConstructId,
  consumerFunctionName,
  dispatcherFunctionName,
  pascalCase,
  resourcePrefix,
  SCHEDULES_ALARM_SCOPE,
  scheduleDeadLetterQueueName,
  stageMetricNamespace,
} from './pipeline-naming.ts';
export {
  JobPipelinePropsError,
  RESERVED_CONSUMER_ENV,
  pipelineProblems,
  type PipelineShape,
} from './validate-pipeline-props.ts';
