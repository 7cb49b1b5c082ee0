/**
 * How far past its alarm threshold a number is, as `sqs-jobs monitor` and the dashboard mark it:
 * the same settings (`pipelineSettings.thresholds`) and severities as the CloudWatch alarms.
 *
 * @example
 * queueDepthLevel(750);            // 'warning'
 * failureRateLevel(0.12, 40);      // 'critical'
 */
import { pipelineSettings } from './pipeline-settings.ts';

export type Level = 'ok' | 'warning' | 'critical';

const { thresholds } = pipelineSettings;

export function queueDepthLevel(visible: number): Level {
  return visible >= thresholds.queueDepth.critical ? 'critical' : visible >= thresholds.queueDepth.warning ? 'warning' : 'ok';
}

/** A non-empty DLQ is a warning, like its alarm: expected failures (a 404 webhook) land there too. */
export function deadLetterLevel(depth: number): Level {
  return depth > thresholds.dlqDepth ? 'warning' : 'ok';
}

/** Counted only once enough jobs finished for a rate to mean something (`minJobs`). */
export function failureRateLevel(rate: number | null, finished: number): Level {
  if (rate === null || finished < thresholds.failureRate.minJobs) return 'ok';
  return rate >= thresholds.failureRate.critical ? 'critical' : rate >= thresholds.failureRate.warning ? 'warning' : 'ok';
}
