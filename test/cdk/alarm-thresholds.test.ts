import { describe, expect, it } from 'vitest';
import { pipelineSettings } from '../../shared/pipeline-settings.ts';
import { alarmThresholdProblems, resolveAlarmThresholds } from '../../cdk/alarm-thresholds.ts';

describe('resolveAlarmThresholds', () => {
  it('defaults to pipelineSettings.thresholds: wait time 300 s, minJobs 10', () => {
    const { queueDepth, waitTimeSeconds, failureRate, dlqDepth } = pipelineSettings.thresholds;
    expect(resolveAlarmThresholds()).toEqual({ queueDepth, waitTimeSeconds, failureRate, dlqDepth });
    expect(resolveAlarmThresholds().waitTimeSeconds).toBe(300);
    expect(resolveAlarmThresholds().failureRate.minJobs).toBe(10);
  });

  it('lets later overrides win, field by field, keeping minJobs unless one names it', () => {
    const resolved = resolveAlarmThresholds(
      { waitTimeSeconds: 900, dlqDepth: 5, failureRate: { warning: 0.1, critical: 0.2, minJobs: 50 } },
      undefined,
      { waitTimeSeconds: 3600, failureRate: { warning: 0.2, critical: 0.3 } },
    );
    expect(resolved).toEqual({
      queueDepth: pipelineSettings.thresholds.queueDepth,
      waitTimeSeconds: 3600,
      failureRate: { warning: 0.2, critical: 0.3, minJobs: 50 },
      dlqDepth: 5,
    });
  });
});

describe('alarmThresholdProblems', () => {
  it('wants a positive wait time', () => {
    expect(alarmThresholdProblems('alarmThresholds', resolveAlarmThresholds({ waitTimeSeconds: 0 }))).toEqual([
      'alarmThresholds: waitTimeSeconds must be > 0 (got 0)',
    ]);
  });
});
