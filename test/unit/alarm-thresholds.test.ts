import { describe, expect, it } from 'vitest';
import { oldestMessageAgeThresholdSeconds, retrySpanSeconds, type RetrySchedule } from '../../shared/alarm-thresholds.ts';
import { pipelineSettings } from '../../shared/pipeline-settings.ts';
import { defaultPriorityClasses, type DefaultPriorityClassName } from '../../shared/priority-classes.ts';

describe('oldestMessageAgeThresholdSeconds for the catalog', () => {
  // span = backoff delays between attempts + attempts × timeout; threshold = max(300, span)
  it.each([
    ['high-priority', 30 + 60 + 3 * 60, 300], // 270 s of retries: the floor wins
    ['default', 60 + 120 + 3 * 120, 540],
    ['notifications', 60 + 180 + 600 + 1800 + 5 * 60, 2940],
    ['reports', 300 + 2 * 300, 900],
    ['low-priority', 600 + 2 * 600, 1800],
  ] as const satisfies ReadonlyArray<readonly [DefaultPriorityClassName, number, number]>)(
    '%s: retry span %i s, threshold %i s',
    (className, span, threshold) => {
      const cls = defaultPriorityClasses[className];
      expect(retrySpanSeconds(cls)).toBe(span);
      expect(oldestMessageAgeThresholdSeconds(cls)).toBe(threshold);
      expect(oldestMessageAgeThresholdSeconds(cls, pipelineSettings)).toBe(threshold);
    },
  );
});

describe('retrySpanSeconds', () => {
  const schedule = (overrides: Partial<RetrySchedule>): RetrySchedule => ({
    attempts: 3,
    backoff: [10],
    timeoutSeconds: 60,
    ...overrides,
  });

  it('counts no delay after the last attempt, and only the timeout for a single attempt', () => {
    expect(retrySpanSeconds(schedule({ attempts: 1, backoff: [9999] }))).toBe(60);
    expect(retrySpanSeconds(schedule({ attempts: 2, backoff: [5, 9999] }))).toBe(5 + 120);
  });

  it('repeats the last listed delay, as the consumer does', () => {
    expect(retrySpanSeconds(schedule({ attempts: 4, backoff: [10, 20] }))).toBe(10 + 20 + 20 + 240);
  });

  it('follows exponential backoff with its cap, taking the worst case of jitter', () => {
    const exponential = { type: 'exponential', baseSeconds: 10, capSeconds: 30 } as const;
    expect(retrySpanSeconds(schedule({ attempts: 4, backoff: exponential }))).toBe(10 + 20 + 30 + 240);
    expect(retrySpanSeconds(schedule({ attempts: 4, backoff: { ...exponential, jitter: 'full' } }))).toBe(
      10 + 20 + 30 + 240,
    );
  });

  it('clamps each delay to the SQS visibility maximum', () => {
    expect(retrySpanSeconds(schedule({ attempts: 2, backoff: [100_000], timeoutSeconds: 1 }))).toBe(43_200 + 2);
  });
});

describe('oldestMessageAgeThresholdSeconds floor', () => {
  it('uses the floor from the settings passed in', () => {
    const cls = defaultPriorityClasses.default; // span 540
    expect(oldestMessageAgeThresholdSeconds(cls, { thresholds: { oldestMessageAgeSeconds: 900 } })).toBe(900);
    expect(oldestMessageAgeThresholdSeconds(cls, { thresholds: { oldestMessageAgeSeconds: 60 } })).toBe(540);
  });
});
