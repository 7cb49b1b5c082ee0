/**
 * Alarm thresholds: the defaults come from `pipelineSettings.thresholds` (shared with the
 * `sqs-jobs monitor` CLI); callers override single values per pipeline or per class.
 *
 * @example
 * resolveAlarmThresholds({ oldestMessageAgeSeconds: 900 }).queueDepth.warning; // 500
 */
import { pipelineSettings } from '../shared/pipeline-settings';

export interface SeverityThresholds {
  readonly warning: number;
  readonly critical: number;
}

/** Every field optional: unset ones keep the value below them (class → pipeline → settings). */
export interface AlarmThresholds {
  /** Visible messages in a work queue. @default pipelineSettings.thresholds.queueDepth (500 / 1000) */
  readonly queueDepth?: SeverityThresholds;
  /** Age of the oldest message, alarming above this many seconds. @default 300 */
  readonly oldestMessageAgeSeconds?: number;
  /** Share of finished jobs that failed terminally (0–1). @default 0.05 / 0.10 */
  readonly failureRate?: SeverityThresholds;
  /** Messages in a dead-letter queue, alarming above this count. @default 0 */
  readonly dlqDepth?: number;
}

export type ResolvedAlarmThresholds = Required<AlarmThresholds>;

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
    resolved = {
      queueDepth: override.queueDepth ?? resolved.queueDepth,
      oldestMessageAgeSeconds: override.oldestMessageAgeSeconds ?? resolved.oldestMessageAgeSeconds,
      failureRate: override.failureRate ?? resolved.failureRate,
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
  if (!(t.oldestMessageAgeSeconds > 0)) {
    problems.push(`${where}: oldestMessageAgeSeconds must be > 0 (got ${t.oldestMessageAgeSeconds})`);
  }
  if (!(t.dlqDepth >= 0)) problems.push(`${where}: dlqDepth must be >= 0 (got ${t.dlqDepth})`);
  return problems;
}
