import { describe, expect, it } from 'vitest';
import { pipelineSettings } from '../../shared/pipeline-settings';
import { resolveAlarmThresholds } from '../../cdk/alarm-thresholds';

describe('resolveAlarmThresholds', () => {
  it('defaults to pipelineSettings.thresholds', () => {
    expect(resolveAlarmThresholds()).toEqual(pipelineSettings.thresholds);
  });

  it('lets later overrides win, field by field', () => {
    const resolved = resolveAlarmThresholds(
      { oldestMessageAgeSeconds: 900, dlqDepth: 5 },
      undefined,
      { oldestMessageAgeSeconds: 3600, failureRate: { warning: 0.2, critical: 0.3 } },
    );
    expect(resolved).toEqual({
      queueDepth: pipelineSettings.thresholds.queueDepth,
      oldestMessageAgeSeconds: 3600,
      failureRate: { warning: 0.2, critical: 0.3 },
      dlqDepth: 5,
    });
  });
});
