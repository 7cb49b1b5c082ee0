import { describe, expect, it } from 'vitest';
import { aggregateKey, bucketUpperMs, durationBucket, histogramPercentile } from '../../shared/status-store/job-aggregates.ts';

describe('aggregate buckets', () => {
  it('puts a duration in a bucket whose upper edge is at most 19 % above it', () => {
    for (const ms of [0, 1, 5, 80, 999, 12_345, 900_000]) {
      const upper = bucketUpperMs(durationBucket(ms));
      expect(upper).toBeGreaterThanOrEqual(ms);
      expect(upper).toBeLessThanOrEqual(Math.ceil(ms * 1.19) + 1);
    }
  });

  it('reads nearest-rank percentiles from a histogram', () => {
    const histogram = new Map<number, number>();
    for (const ms of [...Array.from({ length: 98 }, () => 10), 500, 5000]) {
      const bucket = durationBucket(ms);
      histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
    }
    expect(histogramPercentile(histogram, 50)).toBe(bucketUpperMs(durationBucket(10)));
    expect(histogramPercentile(histogram, 99)).toBe(bucketUpperMs(durationBucket(500)));
    expect(histogramPercentile(histogram, 100)).toBe(bucketUpperMs(durationBucket(5000)));
    expect(histogramPercentile(new Map(), 50)).toBe(0);
  });

  it('keys one item per class and minute', () => {
    const at = Date.parse('2026-12-03T10:15:42.123Z');
    expect(aggregateKey('default', at)).toBe('agg#default#2026-12-03T10:15');
  });
});
