/**
 * Alarm thresholds: the defaults come from `pipelineSettings.thresholds` (shared with the
 * `sqs-jobs monitor` CLI); callers override single values per pipeline or per class. The
 * oldest-message threshold of a class defaults to its retry span when that is longer than the
 * pipeline's value (see shared/alarm-thresholds.ts).
 *
 * @example
 * resolveAlarmThresholds({ oldestMessageAgeSeconds: 900 }).queueDepth.warning; // 500
 * resolveClassAlarmThresholds(priorityClasses.notifications).oldestMessageAgeSeconds; // 2940
 */
import { oldestMessageAgeThresholdSeconds, type RetrySchedule } from '../shared/alarm-thresholds.ts';
import { pipelineSettings } from '../shared/pipeline-settings.ts';

export interface SeverityThresholds {
  readonly warning: number;
  readonly critical: number;
}

export interface FailureRateThresholds extends SeverityThresholds {
  /**
   * Finished jobs (completed + failed) a 5-minute period needs before its rate counts, so that
   * one failure out of two jobs does not page anyone.
   * @default pipelineSettings.thresholds.failureRate.minJobs (10)
   */
  readonly minJobs?: number;
}

/** Every field optional: unset ones keep the value below them (class → pipeline → settings). */
export interface AlarmThresholds {
  /** Visible messages in a work queue. @default pipelineSettings.thresholds.queueDepth (500 / 1000) */
  readonly queueDepth?: SeverityThresholds;
  /**
   * Age of the oldest message, alarming above this many seconds. Set per pipeline, it is the
   * floor that classes with longer retry spans raise; set per class, it is used as it is.
   * @default max(300, the class's retry span)
   */
  readonly oldestMessageAgeSeconds?: number;
  /** Share of finished jobs that failed terminally (0–1). @default 0.05 / 0.10, minJobs 10 */
  readonly failureRate?: FailureRateThresholds;
  /** Messages in a dead-letter queue, alarming above this count. @default 0 */
  readonly dlqDepth?: number;
}

export interface ResolvedAlarmThresholds {
  readonly queueDepth: SeverityThresholds;
  readonly oldestMessageAgeSeconds: number;
  readonly failureRate: Required<FailureRateThresholds>;
  readonly dlqDepth: number;
}

/** Merges overrides field by field over the settings, without any class-derived value. */
export function resolveAlarmThresholds(
  ...overrides: ReadonlyArray<AlarmThresholds | undefined>
): ResolvedAlarmThresholds {
  const defaults = pipelineSettings.thresholds;
  let resolved: ResolvedAlarmThresholds = {
    queueDepth: defaults.queueDepth,
    oldestMessageAgeSeconds: defaults.oldestMessageAgeSeconds,
    failureRate: defaults.failureRate,
    dlqDepth: defaults.dlqDepth,
  };
  for (const override of overrides) {
    if (!override) continue;
    const rate = override.failureRate;
    resolved = {
      queueDepth: override.queueDepth ?? resolved.queueDepth,
      oldestMessageAgeSeconds: override.oldestMessageAgeSeconds ?? resolved.oldestMessageAgeSeconds,
      // minJobs is optional inside failureRate, so an override without it keeps the one below.
      failureRate: rate
        ? { warning: rate.warning, critical: rate.critical, minJobs: rate.minJobs ?? resolved.failureRate.minJobs }
        : resolved.failureRate,
      dlqDepth: override.dlqDepth ?? resolved.dlqDepth,
    };
  }
  return resolved;
}

/**
 * The thresholds one class's alarms use: `pipeline` then `classOverride` over the settings, and
 * unless the class override names `oldestMessageAgeSeconds`, the longer of the pipeline value
 * and the class's retry span.
 */
export function resolveClassAlarmThresholds(
  cls: RetrySchedule,
  pipeline?: AlarmThresholds,
  classOverride?: AlarmThresholds,
): ResolvedAlarmThresholds {
  const resolved = resolveAlarmThresholds(pipeline, classOverride);
  if (classOverride?.oldestMessageAgeSeconds !== undefined) return resolved;
  const floor = { thresholds: { oldestMessageAgeSeconds: resolved.oldestMessageAgeSeconds } };
  return { ...resolved, oldestMessageAgeSeconds: oldestMessageAgeThresholdSeconds(cls, floor) };
}

/** Problems with one set of thresholds, worded for the caller; empty when valid. */
export function alarmThresholdProblems(where: string, t: ResolvedAlarmThresholds): string[] {
  const problems: string[] = [];
  const { queueDepth, failureRate } = t;
  if (!(queueDepth.warning > 0 && queueDepth.warning <= queueDepth.critical)) {
    problems.push(
      `${where}: queueDepth needs 0 < warning <= critical (got ${queueDepth.warning} / ${queueDepth.critical})`,
    );
  }
  if (!(failureRate.warning > 0 && failureRate.warning <= failureRate.critical && failureRate.critical <= 1)) {
    problems.push(
      `${where}: failureRate needs 0 < warning <= critical <= 1 (got ${failureRate.warning} / ${failureRate.critical})`,
    );
  }
  // At least one job, or the rate would divide by zero.
  if (!(Number.isInteger(failureRate.minJobs) && failureRate.minJobs >= 1)) {
    problems.push(`${where}: failureRate.minJobs must be an integer >= 1 (got ${failureRate.minJobs})`);
  }
  if (!(t.oldestMessageAgeSeconds > 0)) {
    problems.push(`${where}: oldestMessageAgeSeconds must be > 0 (got ${t.oldestMessageAgeSeconds})`);
  }
  if (!(t.dlqDepth >= 0)) problems.push(`${where}: dlqDepth must be >= 0 (got ${t.dlqDepth})`);
  return problems;
}
