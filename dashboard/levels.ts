/** Threshold levels for the Overview, from the same settings `sqs-jobs monitor` highlights with. */
import type { PipelineStats } from '../shared/admin/pipeline-stats.ts';
import { oldestMessageAgeThresholdSeconds } from '../shared/alarm-thresholds.ts';
import { pipelineSettings } from '../shared/pipeline-settings.ts';
import type { PriorityClassCatalog } from '../shared/priority-classes.ts';
import type { Level, StatsLevels } from './api-types.ts';

export function statsLevels(stats: PipelineStats, catalog: PriorityClassCatalog): StatsLevels {
  const { thresholds } = pipelineSettings;
  const depth = (n: number): Level =>
    n >= thresholds.queueDepth.critical ? 'critical' : n >= thresholds.queueDepth.warning ? 'warning' : 'ok';
  const classes: StatsLevels['classes'] = {};
  for (const c of stats.classes) {
    const cls = Object.hasOwn(catalog, c.class) ? catalog[c.class] : undefined;
    const limit = cls ? oldestMessageAgeThresholdSeconds(cls) : thresholds.oldestMessageAgeSeconds;
    classes[c.class] = {
      visible: depth(c.visible),
      dlq: c.dlqDepth > thresholds.dlqDepth ? 'critical' : 'ok',
      oldestQueued: c.oldestQueuedSeconds !== null && c.oldestQueuedSeconds > limit ? 'warning' : 'ok',
      oldestLimitSeconds: limit,
    };
  }
  const rate = stats.failureRate;
  const failureRate: Level =
    rate === null || stats.throughput.lastHour < thresholds.failureRate.minJobs
      ? 'ok'
      : rate >= thresholds.failureRate.critical
        ? 'critical'
        : rate >= thresholds.failureRate.warning
          ? 'warning'
          : 'ok';
  return { classes, failureRate };
}
