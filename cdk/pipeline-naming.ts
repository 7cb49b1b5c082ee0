/**
 * Names and construct ids derived from the name prefix, the stage and the class names, kept in
 * one file so queue, function, alarm and output names cannot drift apart.
 *
 * @example
 * resourcePrefix('sqs-jobs', 'prod'); // 'sqs-jobs-prod'
 * pascalCase('high-priority');       // 'HighPriority'
 * classConstructId('default');       // 'ClassDefault'
 * stageMetricNamespace('prod');      // 'SqsJobs/prod'
 * scheduleDeadLetterQueueName('sqs-jobs-prod'); // 'sqs-jobs-prod-schedule-dlq'
 */
import { metricNamespace } from '../shared/metric-names.ts';

/** Stage used when none is given (CDK context `stage`, `JobPipelineProps.stageName`). */
export const DEFAULT_STAGE = 'dev';

/** Prefix of every physical name of one deployment, e.g. `sqs-jobs-prod`. */
export function resourcePrefix(namePrefix: string, stageName: string): string {
  return `${namePrefix}-${stageName}`;
}

/**
 * CloudWatch namespace of one stage's job metrics, so that two stages in one account do not add
 * up each other's jobs (the metrics' dimensions name only the class and the job).
 */
export function stageMetricNamespace(stageName: string): string {
  return `${metricNamespace}/${stageName}`;
}

export function consumerFunctionName(prefix: string, className: string): string {
  return `${prefix}-${className}-consumer`;
}

/** The delay dispatcher's function, also the name of its every-minute schedule. */
export function dispatcherFunctionName(prefix: string): string {
  return `${prefix}-delay-dispatcher`;
}

/**
 * Where EventBridge Scheduler puts ticks it could not deliver. A class named `schedule` would get
 * the same name for its DLQ, so that class name is reserved (see validate-pipeline-props.ts).
 */
export function scheduleDeadLetterQueueName(prefix: string): string {
  return `${prefix}-schedule-dlq`;
}

/** Pseudo class name of the schedule alarms: `<prefix>-schedule-dead-letter-queue`. */
export const SCHEDULES_ALARM_SCOPE = 'schedule';

export function alarmName(prefix: string, className: string, alarm: string): string {
  return `${prefix}-${className}-${alarm}`;
}

/** `high-priority` → `HighPriority`, for output keys. */
export function pascalCase(className: string): string {
  return className
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Construct id of a class's scope. Prefixed because a class named `default` would otherwise get
 * the id `Default`, which CDK treats as the parent's default child and drops from logical ids.
 */
export function classConstructId(className: string): string {
  return `Class${pascalCase(className)}`;
}
