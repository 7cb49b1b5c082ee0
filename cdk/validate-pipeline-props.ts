/**
 * Checks a pipeline's settings before anything is built and reports every problem at once, so a
 * bad catalog or prop is fixed in one round instead of one CloudFormation failure at a time.
 *
 * @example
 * const problems = pipelineProblems({ ...shape, stageName: 'pr 12' });
 * // ['stageName "pr 12" may contain only letters, digits, "-" and "_"']
 */
import { ENV_CONSUMER_CLASS, ENV_FAILED_RETENTION_DAYS, ENV_QUEUES, ENV_TABLE_NAME } from '../shared/pipeline-config.ts';
import { deadLetterQueueName, queueRetentionSeconds, tableName } from '../shared/pipeline-settings.ts';
import { priorityClassProblems, redriveMaxReceiveCount, type PriorityClass } from '../shared/priority-classes.ts';
import { queueSpan, spanProblem } from '../shared/queue-span.ts';
import type { Schedule as CatalogSchedule } from '../shared/schedules/schedule-catalog.ts';
import { alarmThresholdProblems, resolveAlarmThresholds, type AlarmThresholds } from './alarm-thresholds.ts';
import { heartbeatProblems, type HeartbeatProps } from './heartbeat.ts';
import { DEFAULT_SCHEDULE_RETRY, type ScheduleRetrySettings } from './job-schedules.ts';
import {
  consumerFunctionName,
  dispatcherFunctionName,
  pascalCase,
  resourcePrefix,
  SCHEDULES_ALARM_SCOPE,
  scheduleDeadLetterQueueName,
} from './pipeline-naming.ts';

/** Environment variables the consumer and dispatcher constructs set themselves; callers may not override them. */
export const RESERVED_CONSUMER_ENV = [
  ENV_TABLE_NAME,
  ENV_QUEUES,
  ENV_CONSUMER_CLASS,
  ENV_FAILED_RETENTION_DAYS,
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'NODE_OPTIONS',
] as const;

/** The settings a pipeline is built from, after defaults were applied. */
export interface PipelineShape {
  readonly catalog: Readonly<Record<string, PriorityClass>>;
  readonly namePrefix: string;
  readonly stageName: string;
  readonly metricNamespace: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly alarmEmail: string | undefined;
  /** @default - no subscription */
  readonly warningEmail?: string;
  readonly alarmThresholds: AlarmThresholds | undefined;
  readonly classAlarmThresholds: Readonly<Record<string, AlarmThresholds>>;
  /** @default [] */
  readonly schedules?: readonly CatalogSchedule[];
  /** @default DEFAULT_SCHEDULE_RETRY */
  readonly scheduleRetry?: ScheduleRetrySettings;
  /** `null`: no reservation. @default 1 */
  readonly dispatcherReservedConcurrency?: number | null;
  /** @default - no heartbeat */
  readonly heartbeat?: HeartbeatProps;
  /**
   * The jobs module's jobs, whose spans its registry has checked against the retention.
   * @default - no jobs module: each class's job-less span (class defaults, default releases) is checked
   */
  readonly jobs?: readonly { readonly name: string; readonly class: string }[];
  /** Work-queue retention, in seconds, every span must fit. @default queueRetentionSeconds() (14 days) */
  readonly queueRetentionSeconds?: number;
}

export class JobPipelinePropsError extends Error {
  override readonly name = 'JobPipelinePropsError';
  constructor(readonly problems: readonly string[]) {
    super(`JobPipeline props are invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const NAME_PART = /^[A-Za-z0-9_-]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
// AWS limits: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html
const MAX_QUEUE_NAME = 80;
const MAX_FUNCTION_NAME = 64;
// Scheduler: https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateScheduleGroup.html
const SCHEDULER_NAME = /^[0-9a-zA-Z_.-]{1,64}$/;
// https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
const MAX_RETRY_ATTEMPTS = 185;
const MIN_EVENT_AGE_SECONDS = 60;
const MAX_EVENT_AGE_SECONDS = 86_400;
// CloudWatch namespaces: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html
const NAMESPACE = /^[A-Za-z0-9._\-/#: ]{1,255}$/;

export function pipelineProblems(shape: PipelineShape): string[] {
  const problems: string[] = [];
  const { catalog, namePrefix, stageName } = shape;
  const classNames = Object.keys(catalog);

  if (!NAME_PART.test(namePrefix)) {
    problems.push(`namePrefix "${namePrefix}" may contain only letters, digits, "-" and "_"`);
  }
  if (!NAME_PART.test(stageName)) {
    problems.push(`stageName "${stageName}" may contain only letters, digits, "-" and "_"`);
  }
  problems.push(...metricNamespaceProblems(shape.metricNamespace));
  const prefix = resourcePrefix(namePrefix, stageName);
  if (tableName(prefix).length > 255) problems.push(`table name "${tableName(prefix)}" is longer than 255`);
  if (classNames.length === 0) problems.push('the priority-class catalog is empty');

  const ids = new Map<string, string>();
  for (const [name, cls] of Object.entries(catalog)) {
    problems.push(...classProblems(prefix, name, cls));
    const id = pascalCase(name);
    const clash = ids.get(id);
    if (id === '') problems.push(`class "${name}": name needs at least one letter or digit`);
    else if (clash !== undefined) problems.push(`classes "${clash}" and "${name}" both map to the id "${id}"`);
    ids.set(id, name);
  }

  // With a jobs module the registry measured each job; without one, a job on class defaults.
  if (shape.jobs === undefined) {
    const retention = shape.queueRetentionSeconds ?? queueRetentionSeconds();
    for (const [name, cls] of Object.entries(catalog)) {
      const span = queueSpan(cls);
      if (span.totalSeconds > retention) problems.push(spanProblem(`class "${name}" (a job on its defaults)`, span, retention));
    }
  }
  problems.push(...scheduleProblems(prefix, catalog, shape.schedules ?? [], shape.scheduleRetry));
  if (shape.heartbeat !== undefined) {
    const sources = { schedules: shape.schedules ?? [], ...(shape.jobs !== undefined && { jobs: shape.jobs }) };
    problems.push(...heartbeatProblems(shape.heartbeat, sources, classNames));
  }
  // 0 would be accepted by Lambda and throttle every tick: the dispatcher would never run.
  const reserved = shape.dispatcherReservedConcurrency;
  if (reserved !== undefined && reserved !== null && !isIntIn(reserved, 1, Number.MAX_SAFE_INTEGER)) {
    problems.push(`dispatcherReservedConcurrency must be an integer >= 1 or null (got ${reserved})`);
  }

  for (const key of RESERVED_CONSUMER_ENV) {
    if (Object.hasOwn(shape.environment, key)) {
      problems.push(`environment may not set ${key}: the pipeline sets it on every consumer`);
    }
  }
  for (const [key, address] of [['alarmEmail', shape.alarmEmail], ['warningEmail', shape.warningEmail]] as const) {
    if (address !== undefined && !EMAIL.test(address)) problems.push(`${key} "${address}" is not an e-mail address`);
  }

  problems.push(...alarmThresholdProblems('alarmThresholds', resolveAlarmThresholds(shape.alarmThresholds)));
  for (const [name, override] of Object.entries(shape.classAlarmThresholds)) {
    if (!Object.hasOwn(catalog, name)) {
      problems.push(`classAlarmThresholds names unknown class "${name}" (known: ${classNames.join(', ')})`);
      continue;
    }
    problems.push(
      ...alarmThresholdProblems(
        `classAlarmThresholds.${name}`,
        resolveAlarmThresholds(shape.alarmThresholds, override),
      ),
    );
  }
  return problems;
}

function metricNamespaceProblems(namespace: string): string[] {
  const at = `metricNamespace "${namespace}"`;
  if (!NAMESPACE.test(namespace) || namespace.trim() === '') {
    return [`${at} needs 1–255 of letters, digits and . - _ / # : or space, not only spaces`];
  }
  // AWS/ is reserved for AWS services; CloudFormation rejects a leading colon.
  if (namespace.startsWith('AWS/') || namespace.startsWith(':')) {
    return [`${at} may not start with "AWS/" or ":"`];
  }
  return [];
}

/** Names derived from the prefix (schedule DLQ, dispatcher), each schedule entry, the retry policy. */
function scheduleProblems(
  prefix: string,
  catalog: Readonly<Record<string, PriorityClass>>,
  schedules: readonly CatalogSchedule[],
  retry: ScheduleRetrySettings | undefined,
): string[] {
  const problems: string[] = [];
  // The group is named `prefix` (Scheduler: at most 64 characters); the dispatcher's function
  // name is 17 characters longer with the same limit, so checking that one covers both.
  const dlqName = scheduleDeadLetterQueueName(prefix);
  if (dlqName.length > MAX_QUEUE_NAME) {
    problems.push(`schedule DLQ name "${dlqName}" is longer than ${MAX_QUEUE_NAME} characters`);
  }
  const dispatcher = dispatcherFunctionName(prefix);
  if (dispatcher.length > MAX_FUNCTION_NAME) {
    problems.push(`dispatcher function name "${dispatcher}" is longer than ${MAX_FUNCTION_NAME} characters`);
  }

  const seen = new Set<string>();
  for (const schedule of schedules) {
    const at = `schedule "${schedule.name}"`;
    if (!SCHEDULER_NAME.test(schedule.name)) problems.push(`${at}: name needs 1–64 letters, digits, "-", "_" or "."`);
    if (seen.has(schedule.name)) problems.push(`${at}: defined twice`);
    seen.add(schedule.name);
    if (!Object.hasOwn(catalog, schedule.class)) {
      problems.push(`${at}: class "${schedule.class}" is not a class of this pipeline (known: ${Object.keys(catalog).join(', ')})`);
    }
  }

  const attempts = retry?.retryAttempts ?? DEFAULT_SCHEDULE_RETRY.retryAttempts;
  if (!isIntIn(attempts, 0, MAX_RETRY_ATTEMPTS)) {
    problems.push(`scheduleRetry.retryAttempts must be an integer in 0–${MAX_RETRY_ATTEMPTS} (got ${attempts})`);
  }
  const age = (retry?.maxEventAge ?? DEFAULT_SCHEDULE_RETRY.maxEventAge).toSeconds({ integral: false });
  if (!isIntIn(age, MIN_EVENT_AGE_SECONDS, MAX_EVENT_AGE_SECONDS)) {
    problems.push(
      `scheduleRetry.maxEventAge must be whole seconds in ${MIN_EVENT_AGE_SECONDS}–${MAX_EVENT_AGE_SECONDS} (got ${age})`,
    );
  }
  return problems;
}

function classProblems(prefix: string, name: string, cls: PriorityClass): string[] {
  const problems = priorityClassProblems(name, cls);
  const at = `class "${name}"`;
  if (name === SCHEDULES_ALARM_SCOPE) {
    problems.push(`${at}: name is reserved; its DLQ and alarms would clash with the schedules' ones`);
  }
  const dlqName = deadLetterQueueName(prefix, name);
  if (dlqName.length > MAX_QUEUE_NAME) {
    problems.push(`${at}: queue name "${dlqName}" is longer than ${MAX_QUEUE_NAME} characters`);
  }
  const functionName = consumerFunctionName(prefix, name);
  if (functionName.length > MAX_FUNCTION_NAME) {
    problems.push(`${at}: function name "${functionName}" is longer than ${MAX_FUNCTION_NAME} characters`);
  }
  if (!isIntIn(redriveMaxReceiveCount(cls), 1, 1000)) {
    problems.push(`${at}: redrive maxReceiveCount ${redriveMaxReceiveCount(cls)} is outside 1–1000`);
  }
  return problems;
}

function isIntIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

