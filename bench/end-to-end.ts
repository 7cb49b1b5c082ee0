/**
 * Measurement 4: no-op jobs from enqueue to completion through the local runtime
 * (`startLocalRuntime`: embedded emulators, the real consumer behind the event-source mimic),
 * on the real `default` class (batch 10, batch window 1 s, 20 concurrent invocations).
 *
 * - Burst: N jobs enqueued as fast as 4 producers can (enqueueMany, 10 per call); jobs/s is
 *   N ÷ (first enqueue → last completion). Its latencies are mostly backlog wait.
 * - Paced: jobs offered at a steady rate well below the local capacity, one enqueue() each;
 *   its latencies are what one job sees on an idle pipeline (mostly the batch window).
 *
 * Latency is enqueue → start: the envelope's `enqueuedAt` (set by the SDK when the call
 * starts) to the handler's first line.
 */
import type { JobMetrics } from '../lambdas/consumer/job-metrics.ts';
import { defaultPriorityClasses } from '../shared/priority-classes.ts';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime.ts';
import { benchHooks, benchRegistry, type BenchRegistry } from './bench-jobs.ts';
import { percentiles, summarize, type Percentiles, type Summary } from './stats.ts';

export interface EndToEndOptions {
  readonly burstJobs: number;
  readonly pacedJobs: number;
  /** Jobs per second offered in the paced phase. */
  readonly pacedRate: number;
  readonly runs: number;
  readonly warmups: number;
  readonly log?: (line: string) => void;
}

export interface EndToEndResult {
  readonly className: string;
  readonly batchSize: number;
  readonly batchWindowSeconds: number;
  readonly maxConcurrency: number;
  readonly burstJobs: number;
  readonly pacedJobs: number;
  readonly pacedRate: number;
  readonly runs: number;
  readonly warmups: number;
  readonly jobsPerSecond: Summary;
  /** All measured jobs' enqueue → start latencies, ms. */
  readonly burstLatencyMs: Percentiles;
  readonly pacedLatencyMs: Percentiles;
  /** Per-run p50 of the paced phase (its spread across runs). */
  readonly pacedP50PerRun: Summary;
}

const CLASS_NAME = 'default';
const PRODUCERS = 4;
const CHUNK = 10;

export async function measureEndToEnd(options: EndToEndOptions): Promise<EndToEndResult> {
  const cls = defaultPriorityClasses[CLASS_NAME];
  let completed = 0;
  const metrics: JobMetrics = {
    completed: () => void completed++,
    retried: () => undefined,
    failed: () => undefined,
    released: () => undefined,
    waited: () => undefined,
    flush: () => undefined,
  };
  const latencies: number[] = [];
  benchHooks.onStart = (ctx) => latencies.push(Date.now() - ctx.enqueuedAt.getTime());
  const runtime = await startLocalRuntime({
    registry: benchRegistry,
    classes: { [CLASS_NAME]: cls },
    prefix: 'bench-e2e',
    metrics: () => metrics,
    onPollerError: (className, error, phase) => {
      if (phase !== 'receive') console.error(`e2e poller ${className} ${phase}:`, error);
    },
  });
  try {
    const rates: number[] = [];
    const burst: number[] = [];
    const paced: number[] = [];
    const pacedP50: number[] = [];
    for (let run = 0; run < options.warmups + options.runs; run++) {
      const measured = run >= options.warmups;

      latencies.length = 0;
      const before = completed;
      const started = performance.now();
      await produceBurst(runtime, options.burstJobs);
      await until(() => completed - before >= options.burstJobs, 300_000, 'burst jobs to complete');
      const rate = options.burstJobs / ((performance.now() - started) / 1000);
      if (measured) {
        rates.push(rate);
        burst.push(...latencies);
      }

      latencies.length = 0;
      const pacedBefore = completed;
      await producePaced(runtime, options.pacedJobs, options.pacedRate);
      await until(() => completed - pacedBefore >= options.pacedJobs, 300_000, 'paced jobs to complete');
      if (measured) {
        paced.push(...latencies);
        pacedP50.push(percentiles(latencies).p50);
      }
    }
    const result: EndToEndResult = {
      className: CLASS_NAME,
      batchSize: cls.batchSize,
      batchWindowSeconds: cls.batchWindowSeconds,
      maxConcurrency: cls.maxConcurrency,
      burstJobs: options.burstJobs,
      pacedJobs: options.pacedJobs,
      pacedRate: options.pacedRate,
      runs: options.runs,
      warmups: options.warmups,
      jobsPerSecond: summarize(rates),
      burstLatencyMs: percentiles(burst),
      pacedLatencyMs: percentiles(paced),
      pacedP50PerRun: summarize(pacedP50),
    };
    options.log?.(
      `  ${result.jobsPerSecond.median.toFixed(1)} jobs/s; paced p50/p95/p99 ${result.pacedLatencyMs.p50.toFixed(0)}/` +
        `${result.pacedLatencyMs.p95.toFixed(0)}/${result.pacedLatencyMs.p99.toFixed(0)} ms`,
    );
    return result;
  } finally {
    benchHooks.onStart = undefined;
    await runtime.stop();
  }
}

async function produceBurst(runtime: LocalRuntime<BenchRegistry>, jobs: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (next < jobs) {
        const start = next;
        next = Math.min(jobs, next + CHUNK);
        const results = await runtime.jobs.enqueueMany(
          Array.from({ length: next - start }, (_, i) => ({ job: 'bench.noop' as const, payload: { n: start + i } })),
        );
        const failed = results.find((r) => !r.ok);
        if (failed && !failed.ok) throw failed.error;
      }
    }),
  );
}

async function producePaced(runtime: LocalRuntime<BenchRegistry>, jobs: number, rate: number): Promise<void> {
  const interval = 1000 / rate;
  const started = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let n = 0; n < jobs; n++) {
    const due = started + n * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(runtime.jobs.enqueue('bench.noop', { n }));
  }
  await Promise.all(pending);
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
