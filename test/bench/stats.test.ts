import { describe, expect, it } from 'vitest';
import { median, percentiles, quantile, round, summarize } from '../../bench/stats.ts';

describe('stats', () => {
  it('interpolates quantiles between ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
    expect(quantile([10], 0.99)).toBe(10);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
    expect(() => quantile([1], 2)).toThrow(RangeError);
  });

  it('summarizes with median, spread and quartiles', () => {
    expect(summarize([3, 1, 2])).toEqual({ n: 3, median: 2, min: 1, max: 3, p25: 1.5, p75: 2.5, mean: 2 });
    expect(summarize([]).n).toBe(0);
  });

  it('gives latency percentiles', () => {
    const p = percentiles(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(p.p50).toBeCloseTo(50.5, 10);
    expect(p.p95).toBeCloseTo(95.05, 10);
    expect(p.p99).toBeCloseTo(99.01, 10);
    expect(p.max).toBe(100);
  });

  it('rounds without float noise', () => {
    expect(round(0.1 + 0.2)).toBe(0.3);
    expect(round(2.345, 1)).toBe(2.3);
  });
});
