export {
  alarmThresholdProblems,
  resolveAlarmThresholds,
  resolveClassAlarmThresholds,
  type AlarmThresholds,
  type FailureRateThresholds,
  type ResolvedAlarmThresholds,
  type SeverityThresholds,
} from './alarm-thresholds';
export { readAppContext, type AppContext } from './app-context';
export {
  ClassConsumer,
  DEFAULT_CONSUMER_ENTRY,
  ESM_BUNDLING,
  REPO_ROOT,
  type ClassConsumerProps,
} from './class-consumer';
export { ClassQueues, type ClassQueuesProps } from './class-queues';
export {
  DEFAULT_DISPATCHER_ENTRY,
  DISPATCH_RATE,
  DelayDispatcher,
  type DelayDispatcherProps,
} from './delay-dispatcher';
export {
  failureRate,
  failureRateExpression,
  jobMetric,
  type FailureRateOptions,
  type JobMetricSource,
} from './job-metrics';
export { JobPipeline, type JobPipelineProps } from './job-pipeline';
export {
  DEFAULT_SCHEDULE_RETRY,
  JobSchedules,
  SCHEDULER_PRINCIPAL,
  type JobSchedulesProps,
  type ScheduleRetrySettings,
} from './job-schedules';
export { JobTable, type JobTableProps } from './job-table';
export {
  PipelineAlarms,
  type ClassAlarms,
  type MonitoredClass,
  type PipelineAlarmsProps,
} from './pipeline-alarms';
export { PipelineDashboard, type PipelineDashboardProps } from './pipeline-dashboard';
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
} from './pipeline-naming';
export { PipelineStack, type PipelineStackProps } from './pipeline-stack';
export {
  JobPipelinePropsError,
  RESERVED_CONSUMER_ENV,
  pipelineProblems,
  type PipelineShape,
} from './validate-pipeline-props';
