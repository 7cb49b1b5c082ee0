/**
 * Small statistics for repeated measurements: medians, spread and latency percentiles.
 * Pure; quantiles interpolate linearly between the two nearest ranks (as numpy's default).
 *
 * @example
 * summarize([3, 1, 2]); // { n: 3, median: 2, min: 1, max: 3, p25: 1.5, p75: 2.5, mean: 2 }
 */

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** First and third quartile: the interquartile range is p75 − p25. */
  readonly p25: number;
  readonly p75: number;
  readonly mean: number;
}

/** The q-quantile (0 ≤ q ≤ 1) of `values`, interpolating between neighbouring ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not within [0, 1]`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) {
    return { n: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN, p25: Number.NaN, p75: Number.NaN, mean: Number.NaN };
  }
  return {
    n: values.length,
    median: quantile(values, 0.5),
    min: Math.min(...values),
    max: Math.max(...values),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
    mean: values.reduce((sum, v) => sum + v, 0) / values.length,
  };
}

export interface Percentiles {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export function percentiles(values: readonly number[]): Percentiles {
  return {
    n: values.length,
    p50: quantile(values, 0.5),
    p95: quantile(values, 0.95),
    p99: quantile(values, 0.99),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
  };
}

/** Rounds for reports without turning exact counts into 0.30000000000000004. */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
