/**
 * Alarm thresholds: the defaults come from `pipelineSettings.thresholds` (shared with the
 * `sqs-jobs monitor` CLI); callers override single values per pipeline or per class.
 *
 * @example
 * resolveAlarmThresholds({ waitTimeSeconds: 900 }).queueDepth.warning; // 500
 * resolveAlarmThresholds(pipelineOverrides, classOverrides).waitTimeSeconds;
 */
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
   * Seconds the slowest jobs (p99 of `JobWaitTime`, due time to start, over 5 minutes) may wait
   * before the wait-time alarm fires. Backoff is not counted: a retry is due when its delay ends.
   * @default pipelineSettings.thresholds.waitTimeSeconds (300)
   */
  readonly waitTimeSeconds?: number;
  /** Share of finished jobs that failed terminally (0–1). @default 0.05 / 0.10, minJobs 10 */
  readonly failureRate?: FailureRateThresholds;
  /** Messages in a dead-letter queue, alarming above this count. @default 0 */
  readonly dlqDepth?: number;
}

export interface ResolvedAlarmThresholds {
  readonly queueDepth: SeverityThresholds;
  readonly waitTimeSeconds: number;
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
    waitTimeSeconds: defaults.waitTimeSeconds,
    failureRate: defaults.failureRate,
    dlqDepth: defaults.dlqDepth,
  };
  for (const override of overrides) {
    if (!override) continue;
    const rate = override.failureRate;
    resolved = {
      queueDepth: override.queueDepth ?? resolved.queueDepth,
      waitTimeSeconds: override.waitTimeSeconds ?? resolved.waitTimeSeconds,
      // minJobs is optional inside failureRate, so an override without it keeps the one below.
      failureRate: rate
        ? { warning: rate.warning, critical: rate.critical, minJobs: rate.minJobs ?? resolved.failureRate.minJobs }
        : resolved.failureRate,
      dlqDepth: override.dlqDepth ?? resolved.dlqDepth,
    };
  }
  return resolved;
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
  if (!(t.waitTimeSeconds > 0)) {
    problems.push(`${where}: waitTimeSeconds must be > 0 (got ${t.waitTimeSeconds})`);
  }
  if (!(t.dlqDepth >= 0)) problems.push(`${where}: dlqDepth must be >= 0 (got ${t.dlqDepth})`);
  return problems;
}
