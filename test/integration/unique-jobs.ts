/** Jobs for the unique-jobs test, gated so a test decides when they finish. */
import { z } from 'zod';
import { defineJob } from '../../shared/define-job.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';

export const uniqueRuns: { readonly id: string; readonly job: string }[] = [];
const gates = new Map<string, { promise: Promise<void>; open: () => void }>();
export function uniqueGate(name: string) {
  let entry = gates.get(name);
  if (!entry) {
    let open: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => (open = resolve));
    entry = { promise, open };
    gates.set(name, entry);
  }
  return entry;
}

const schema = z.object({ report: z.string() });
const handle = async ({ report }: { report: string }, ctx: { jobId: string; jobName: string }) => {
  uniqueRuns.push({ id: ctx.jobId, job: ctx.jobName });
  await uniqueGate(`${ctx.jobName}:${report}`).promise;
};

export const whileQueuedOrRunning = defineJob({
  name: 'unique.either',
  class: 'default',
  unique: { key: (p) => p.report, while: 'queued-or-running', forSeconds: 600 },
  schema,
  handle,
});

export const whileRunning = defineJob({
  name: 'unique.running',
  class: 'default',
  unique: { key: (p) => p.report, while: 'running', forSeconds: 600 },
  schema,
  handle,
});

export const uniqueRegistry = createJobRegistry([whileQueuedOrRunning, whileRunning]);
