/** Threshold levels for the Overview, from the same settings `sqs-jobs monitor` highlights with. */
import type { PipelineStats } from '../shared/admin/pipeline-stats.ts';
import { oldestMessageAgeThresholdSeconds } from '../shared/alarm-thresholds.ts';
import { pipelineSettings } from '../shared/pipeline-settings.ts';
import type { PriorityClassCatalog } from '../shared/priority-classes.ts';
import { deadLetterLevel, failureRateLevel, queueDepthLevel } from '../shared/threshold-levels.ts';
import type { StatsLevels } from './api-types.ts';

export function statsLevels(stats: PipelineStats, catalog: PriorityClassCatalog): StatsLevels {
  const { thresholds } = pipelineSettings;
  const classes: StatsLevels['classes'] = {};
  for (const c of stats.classes) {
    const cls = Object.hasOwn(catalog, c.class) ? catalog[c.class] : undefined;
    const limit = cls ? oldestMessageAgeThresholdSeconds(cls) : thresholds.oldestMessageAgeSeconds;
    classes[c.class] = {
      visible: queueDepthLevel(c.visible),
      dlq: deadLetterLevel(c.dlqDepth),
      oldestQueued: c.oldestQueuedSeconds !== null && c.oldestQueuedSeconds > limit ? 'warning' : 'ok',
      oldestLimitSeconds: limit,
    };
  }
  return { classes, failureRate: failureRateLevel(stats.failureRate, stats.throughput.lastHour) };
}
