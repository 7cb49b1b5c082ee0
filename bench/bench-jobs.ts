/**
 * The jobs the benchmarks run, all on the real `default` class: a no-op (with default and with
 * lean tracking), a no-op with a sized payload, one that fails twice before it succeeds, and one
 * that always fails (→ DLQ).
 * `benchHooks.onStart` is called on the handler's first line (the end-to-end latency probe).
 */
import * as z from 'zod';
import { defineJob, type JobContext } from '../shared/define-job.ts';
import { createJobRegistry } from '../shared/job-registry.ts';

export const benchHooks: { onStart?: (ctx: JobContext) => void } = {};

/** Error message length of the retrying job (`errorChars` in its payload). */
function plannedError(attempt: number, chars: number | undefined): Error {
  const head = `planned failure on attempt ${attempt}`;
  return new Error(chars && chars > head.length ? `${head} ${'x'.repeat(chars - head.length - 1)}` : head);
}

export const noopJob = defineJob({
  name: 'bench.noop',
  class: 'default',
  schema: z.object({ n: z.number().int() }),
  async handle(_payload, ctx) {
    benchHooks.onStart?.(ctx);
    return undefined;
  },
});

/**
 * `tracking: 'lean'` (issue #12), spread in through a cast so this file typechecks against a core
 * without the option; a core that ignores it runs the job with default tracking.
 */
const LEAN_TRACKING = { tracking: 'lean' } as {};

export const leanNoopJob = defineJob({
  name: 'bench.noop-lean',
  class: 'default',
  ...LEAN_TRACKING,
  schema: z.object({ n: z.number().int() }),
  async handle(_payload, ctx) {
    benchHooks.onStart?.(ctx);
    return undefined;
  },
});

export const payloadJob = defineJob({
  name: 'bench.payload',
  class: 'default',
  schema: z.object({ n: z.number().int(), data: z.string() }),
  async handle(_payload, ctx) {
    benchHooks.onStart?.(ctx);
    return undefined;
  },
});

export const retryTwiceJob = defineJob({
  name: 'bench.retry-twice',
  class: 'default',
  attempts: 3,
  backoff: [1],
  schema: z.object({ n: z.number().int(), errorChars: z.number().int().optional() }),
  async handle({ errorChars }, ctx) {
    benchHooks.onStart?.(ctx);
    if (ctx.attempt <= 2) throw plannedError(ctx.attempt, errorChars);
    return undefined;
  },
});

export const failingJob = defineJob({
  name: 'bench.always-fails',
  class: 'default',
  attempts: 3,
  backoff: [1],
  schema: z.object({ n: z.number().int(), data: z.string().optional() }),
  async handle(_payload, ctx) {
    benchHooks.onStart?.(ctx);
    throw plannedError(ctx.attempt, undefined);
  },
});

export const benchRegistry = createJobRegistry([noopJob, leanNoopJob, payloadJob, retryTwiceJob, failingJob]);
export type BenchRegistry = typeof benchRegistry;

/** A `{ n, data }` payload whose JSON is exactly `bytes` long (for n < 10). */
export function payloadOfBytes(bytes: number, n = 0): { n: number; data: string } {
  const overhead = JSON.stringify({ n, data: '' }).length;
  if (bytes < overhead) throw new RangeError(`a payload needs at least ${overhead} bytes`);
  return { n, data: 'x'.repeat(bytes - overhead) };
}
