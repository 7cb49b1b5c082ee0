/** Jobs for the flow-control tests (pause, cancel): each records its runs for the test to count. */
import { z } from 'zod';
import { defineJob } from '../../shared/define-job.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';

export const flowRuns: { readonly job: string; readonly id: string; readonly payload: unknown; readonly at: number }[] = [];
export const flowRunsOf = (id: string) => flowRuns.filter((run) => run.id === id);

/** Runs on `high-priority`, the class the pause test pauses. */
export const urgentJob = defineJob({
  name: 'flow.urgent',
  class: 'high-priority',
  schema: z.object({ n: z.number() }),
  async handle(payload, ctx) {
    flowRuns.push({ job: ctx.jobName, id: ctx.jobId, payload, at: Date.now() });
  },
});

/** A `default` bystander. */
export const plainJob = defineJob({
  name: 'flow.plain',
  class: 'default',
  schema: z.object({ n: z.number() }),
  async handle(payload, ctx) {
    flowRuns.push({ job: ctx.jobName, id: ctx.jobId, payload, at: Date.now() });
  },
});

/** Gates that hold gated jobs until a test opens them. */
const gates = new Map<string, { promise: Promise<void>; open: () => void }>();
export function flowGate(name: string) {
  let entry = gates.get(name);
  if (!entry) {
    let open: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => (open = resolve));
    entry = { promise, open };
    gates.set(name, entry);
  }
  return entry;
}

/** Ids whose handler saw `ctx.signal` abort, with the abort reason's message. */
export const abortsSeen = new Map<string, string>();

/** Runs until its signal aborts (a handler that honours cancellation). */
export const cooperativeJob = defineJob({
  name: 'flow.cooperative',
  class: 'default',
  schema: z.object({}),
  async handle(payload, ctx) {
    flowRuns.push({ job: ctx.jobName, id: ctx.jobId, payload, at: Date.now() });
    await new Promise<void>((_, reject) => {
      ctx.signal.addEventListener('abort', () => {
        abortsSeen.set(ctx.jobId, String((ctx.signal.reason as Error).message));
        reject(ctx.signal.reason as Error);
      });
    });
  },
});

/** Ignores its signal and waits for the gate named in its payload. */
export const gatedJob = defineJob({
  name: 'flow.gated',
  class: 'default',
  schema: z.object({ gate: z.string() }),
  async handle(payload, ctx) {
    flowRuns.push({ job: ctx.jobName, id: ctx.jobId, payload, at: Date.now() });
    await flowGate(payload.gate).promise;
    return { gate: payload.gate };
  },
});

export const flowRegistry = createJobRegistry([urgentJob, plainJob, cooperativeJob, gatedJob]);
