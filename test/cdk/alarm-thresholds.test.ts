import { describe, expect, it } from 'vitest';
import { oldestMessageAgeThresholdSeconds } from '../../shared/alarm-thresholds.ts';
import { pipelineSettings } from '../../shared/pipeline-settings.ts';
import { defaultPriorityClasses } from '../../shared/priority-classes.ts';
import { resolveAlarmThresholds, resolveClassAlarmThresholds } from '../../cdk/alarm-thresholds.ts';

describe('resolveAlarmThresholds', () => {
  it('defaults to pipelineSettings.thresholds, minJobs 10 included', () => {
    expect(resolveAlarmThresholds()).toEqual(pipelineSettings.thresholds);
    expect(resolveAlarmThresholds().failureRate.minJobs).toBe(10);
  });

  it('lets later overrides win, field by field, keeping minJobs unless one names it', () => {
    const resolved = resolveAlarmThresholds(
      { oldestMessageAgeSeconds: 900, dlqDepth: 5, failureRate: { warning: 0.1, critical: 0.2, minJobs: 50 } },
      undefined,
      { oldestMessageAgeSeconds: 3600, failureRate: { warning: 0.2, critical: 0.3 } },
    );
    expect(resolved).toEqual({
      queueDepth: pipelineSettings.thresholds.queueDepth,
      oldestMessageAgeSeconds: 3600,
      failureRate: { warning: 0.2, critical: 0.3, minJobs: 50 },
      dlqDepth: 5,
    });
  });
});

describe('resolveClassAlarmThresholds', () => {
  const { notifications } = defaultPriorityClasses; // retry span 2940 s

  it("defaults the oldest-message threshold to the class's retry span", () => {
    expect(resolveClassAlarmThresholds(notifications).oldestMessageAgeSeconds).toBe(
      oldestMessageAgeThresholdSeconds(notifications),
    );
    expect(resolveClassAlarmThresholds(notifications).oldestMessageAgeSeconds).toBe(2940);
  });

  it('treats a pipeline-wide value as the floor the span may raise', () => {
    expect(resolveClassAlarmThresholds(notifications, { oldestMessageAgeSeconds: 600 }).oldestMessageAgeSeconds).toBe(2940);
    expect(resolveClassAlarmThresholds(notifications, { oldestMessageAgeSeconds: 7200 }).oldestMessageAgeSeconds).toBe(7200);
  });

  it('uses a class override as it is, even below the span', () => {
    const resolved = resolveClassAlarmThresholds(notifications, { oldestMessageAgeSeconds: 7200 }, { oldestMessageAgeSeconds: 120 });
    expect(resolved.oldestMessageAgeSeconds).toBe(120);
  });
});
