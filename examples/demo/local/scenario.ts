/**
 * The demo scenario `npm start` runs: a mix of jobs that succeed, recover after failures,
 * fail for good, or are poison, each with the final state it is meant to reach. The summary
 * and the DLQ report read the real queues and table.
 */
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { deadLetterAttributeNames, encodeEnvelope, jobStatuses, type JobRecord, type JobStatus } from 'sqs-jobs';
import type { LocalRuntime } from 'sqs-jobs/local';
import type { DemoJobRegistry } from '../src/jobs.ts';

export interface DemoJob {
  readonly id: string;
  readonly label: string;
  readonly class: string;
  readonly expected: JobStatus;
  /** Expected to leave a copy in its class's DLQ. */
  readonly deadLettered: boolean;
}

export interface DemoState {
  readonly jobs: readonly DemoJob[];
  readonly records: ReadonlyMap<string, JobRecord | undefined>;
}

/** Enqueues the demo mix and returns what each job should end as. */
export async function enqueueDemoJobs(runtime: LocalRuntime<DemoJobRegistry>, webhookBaseUrl: string): Promise<DemoJob[]> {
  const { jobs } = runtime;
  const demo: DemoJob[] = [];
  const add = (label: string, job: { id: string; class: string }, expected: JobStatus) =>
    demo.push({ id: job.id, label, class: job.class, expected, deadLettered: expected === 'failed' });

  add('CSV report to S3', await jobs.enqueue('report.generate', { reportId: 'demo-sales', rows: 500 }), 'completed');
  add('webhook, 200 OK', await jobs.enqueue('webhook.send', { url: `${webhookBaseUrl}/hooks/ok`, event: 'signup' }), 'completed');
  add(
    'webhook, 404 (non-retryable)',
    await jobs.enqueue('webhook.send', { url: `${webhookBaseUrl}/hooks/gone`, event: 'signup' }),
    'failed',
  );
  add('flaky: fails twice, then recovers', await jobs.enqueue('demo.flaky', { failuresBeforeSuccess: 2 }), 'completed');
  add('always fails (3 attempts)', await jobs.enqueue('demo.always-fails', {}), 'failed');
  const idempotent = await jobs.enqueue('demo.sleep', { ms: 300 }, { idempotencyKey: 'demo-once' });
  await jobs.enqueue('demo.sleep', { ms: 300 }, { idempotencyKey: 'demo-once' }); // a no-op: same key
  add('idempotent (enqueued twice)', idempotent, 'completed');

  // Time: a job due tomorrow waits in the table as `scheduled` until cancelled; a schedule tick.
  const tomorrow = await jobs.enqueue('report.generate', { reportId: 'tomorrow', rows: 10 }, { delay: 86_400 });
  await jobs.cancel(tomorrow.id);
  add('scheduled for tomorrow, cancelled', tomorrow, 'cancelled');
  if (runtime.scheduler) {
    const tick = await runtime.scheduler.fireNow('heartbeat');
    demo.push({ id: tick.jobId, label: 'schedule "heartbeat" fired now', class: 'high-priority', expected: 'completed', deadLettered: false });
  }

  const batch = await jobs.enqueueMany(
    Array.from({ length: 12 }, (_, i) => ({ job: 'demo.sleep' as const, payload: { ms: 200 + 100 * (i % 4) } })),
  );
  for (const [i, result] of batch.entries()) {
    if (result.ok) add(`batch sleeper ${i + 1}`, result.job, 'completed');
  }

  // Poison: bodies the SDK would refuse, sent straight to the queue as a broken producer would.
  const queueUrl = runtime.config.queues.default?.queueUrl;
  if (queueUrl) {
    const poisonId = `demo-poison-${Date.now()}`;
    await runtime.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          {
            Id: 'invalid-payload',
            MessageBody: encodeEnvelope({
              v: 1,
              id: poisonId,
              job: 'demo.flaky',
              gen: 1,
              enqueuedAt: new Date().toISOString(),
              payload: { failuresBeforeSuccess: 'many' },
            }),
          },
          { Id: 'not-json', MessageBody: '<xml>not an envelope</xml>' },
        ],
      }),
    );
    demo.push({ id: poisonId, label: 'poison: invalid payload', class: 'default', expected: 'failed', deadLettered: true });
  }
  return demo;
}

export async function readDemoState(runtime: LocalRuntime<DemoJobRegistry>, jobs: readonly DemoJob[]): Promise<DemoState> {
  const records = new Map<string, JobRecord | undefined>();
  await Promise.all(jobs.map(async (job) => records.set(job.id, await runtime.store.get(job.id))));
  return { jobs, records };
}

export function isSettled(state: DemoState): boolean {
  return state.jobs.every((job) => state.records.get(job.id)?.status === job.expected);
}

/** Jobs that reached a final state other than the one they were meant to reach. */
export function unexpectedOutcomes(state: DemoState): string[] {
  return state.jobs.flatMap((job) => {
    const status = state.records.get(job.id)?.status ?? 'missing';
    return status === job.expected ? [] : [`${job.label}: ${status}, expected ${job.expected}`];
  });
}

export function renderSummary(state: DemoState, elapsedMs: number): string {
  const classes = [...new Set(state.jobs.map((job) => job.class))];
  const header = ['class'.padEnd(15), ...jobStatuses.map((s) => s.padStart(10))].join('');
  const rows = classes.map((cls) => {
    const counts = jobStatuses.map(
      (status) => state.jobs.filter((job) => job.class === cls && state.records.get(job.id)?.status === status).length,
    );
    return [cls.padEnd(15), ...counts.map((count) => String(count).padStart(10))].join('');
  });
  const done = state.jobs.filter((job) => state.records.get(job.id)?.status === job.expected).length;
  return [
    `sqs-jobs demo: ${done}/${state.jobs.length} jobs reached their expected state (${(elapsedMs / 1000).toFixed(1)} s)`,
    header,
    ...rows,
  ].join('\n');
}

export function renderJobOutcomes(state: DemoState): string {
  return state.jobs
    .filter((job) => !job.label.startsWith('batch sleeper'))
    .map((job) => {
      const record = state.records.get(job.id);
      const attempts = record ? `${record.attempts}/${record.maxAttempts}` : '-';
      const detail = record?.status === 'failed' ? `  ${record.lastError ?? ''}` : '';
      return `  ${job.label.padEnd(36)} ${(record?.status ?? 'missing').padEnd(10)} attempts ${attempts}${detail}`;
    })
    .join('\n');
}

export interface DeadLetter {
  readonly className: string;
  readonly jobId: string;
  readonly jobName: string;
  readonly reason: string;
}

/** Reads every DLQ without consuming it (visibility 0 leaves the messages where they are). */
export async function peekDeadLetters(runtime: LocalRuntime<DemoJobRegistry>): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const [className, location] of Object.entries(runtime.config.queues)) {
    const seen = new Set<string>();
    for (let round = 0; round < 20; round++) {
      const { Messages = [] } = await runtime.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: location.dlqUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
          // AWS returns no attributes unless asked by name.
          MessageAttributeNames: ['All'],
        }),
      );
      const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
      if (fresh.length === 0) break;
      for (const message of fresh) {
        seen.add(message.MessageId!);
        const attr = (name: string) => message.MessageAttributes?.[name]?.StringValue ?? '-';
        letters.push({
          className,
          jobId: attr(deadLetterAttributeNames.jobId),
          jobName: attr(deadLetterAttributeNames.jobName),
          reason: attr(deadLetterAttributeNames.reason),
        });
      }
    }
  }
  return letters;
}

export function renderDeadLetters(letters: readonly DeadLetter[]): string {
  if (letters.length === 0) return 'Dead-letter queues: empty';
  return [
    `Dead-letter queues: ${letters.length} message(s)`,
    ...letters.map((l) => `  [${l.className}] ${l.jobName.padEnd(18)} ${l.jobId.slice(0, 24).padEnd(24)}  ${l.reason}`),
  ].join('\n');
}

/** Demo jobs meant to fail that left no copy in their DLQ, and a poison message that left none. */
export function missingDeadLetters(jobs: readonly DemoJob[], letters: readonly DeadLetter[]): string[] {
  const missing = jobs
    .filter((job) => job.deadLettered && !letters.some((l) => l.jobId === job.id))
    .map((job) => `${job.label}: no copy in the DLQ`);
  if (!letters.some((l) => l.reason.startsWith('poison message'))) missing.push('poison message: no copy in the DLQ');
  return missing;
}
