/**
 * Fault injection: thousands of jobs through the pipeline while SDK middleware makes a share of
 * SQS and DynamoDB requests throttle, fail with 5xx or time out (producer and consumers alike),
 * and the consumer process is SIGKILLed at random moments and started again. Then every job the
 * producer got an id for must be terminal, each completed job's effect counted once (duplicates
 * only where a kill or a failed completion write explains them), every failure in its DLQ with a
 * reason, no message left without a job, no job left without a message.
 *
 * The emulators run here (with a dataDir) and are never killed; the consumers run in
 * consumer-child.ts.
 *
 * Sizes (environment):
 *   FAULT_SIZE=quick|ci (default ci)   quick: 300 jobs, 2 kills; ci: 600 jobs, 5 kills (2000 does not settle in 4 min here: ~7 jobs/s)
 *   FAULT_JOBS, FAULT_KILLS            override the size
 *   FAULT_RATE (0.05)                  share of requests (attempts) that get a fault, both sides
 *   FAULT_TIMEOUT_MS (500)             how long an injected timeout hangs
 *   FAULT_ENQUEUE_SPREAD_MS            enqueue waves spread over this long (quick 8 s, ci 30 s)
 *   FAULT_SETTLE_MS (150000)           longest wait for everything to settle after the last kill
 *   FAULT_SETTLE_FAULTS=off            switch consumer faults off for the settling phase
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { awsClientsFor, type EmulatorEndpoints } from '../../local/emulators.ts';
import { startLocalRuntime } from '../../local/runtime.ts';
import { toDocumentClient } from '../../shared/aws-clients.ts';
import { mapWithConcurrency } from '../../shared/concurrency.ts';
import { deadLetterAttributeNames } from '../../shared/dead-letter.ts';
import { errorMessage } from '../../shared/errors.ts';
import type { EnqueueEntry } from '../../shared/sdk/job-client.ts';
import { batchGetJobs } from '../../shared/status-store/batch-get.ts';
import type { JobRecord } from '../../shared/status-store/job-record.ts';
import type { ChildConfig } from './consumer-child.ts';
import { startConsumer, type ConsumerProcess } from './consumer-process.ts';
import { EFFECTS_FILE_ENV, faultClasses, faultRegistry, type EffectLine } from './fault-jobs.ts';
import { countFault, injectFaults, type FaultCounts, type InjectedFault } from './fault-injector.ts';
import { judge, type DeadLetter, type LogLine } from './verdict.ts';

const env = process.env;
const quick = env.FAULT_SIZE === 'quick';
const num = (name: string, fallback: number) => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : fallback);
const sizes = {
  jobs: num('FAULT_JOBS', quick ? 300 : 600),
  kills: num('FAULT_KILLS', quick ? 2 : 5),
  rate: num('FAULT_RATE', 0.05),
  timeoutMs: num('FAULT_TIMEOUT_MS', 500),
  enqueueSpreadMs: num('FAULT_ENQUEUE_SPREAD_MS', quick ? 8_000 : 30_000),
  settleMs: num('FAULT_SETTLE_MS', 150_000),
  settleFaults: env.FAULT_SETTLE_FAULTS !== 'off',
  /** A kill lands this long after the consumer said READY (uniformly random). */
  killAfterMs: [1_500, 6_000] as const,
  waves: 10,
  sweepIntervalMs: 2_000,
  /** Longer than a crashed batch stays hidden (class timeout + 5 s), so in-flight jobs are not "lost". */
  sweepGraceSeconds: 20,
};
type Registry = typeof faultRegistry;
type Entry = EnqueueEntry<Registry>;

/** Job mix by seq: 65 % ok, 10 % urgent (high-priority), 15 % flaky, 5 % always fail, 5 % non-retryable. */
function entryFor(seq: number): Entry {
  const slot = seq % 20;
  if (slot < 13) return { job: 'faults.ok', payload: { seq, ms: seq % 3 === 0 ? 200 : 5 } };
  if (slot < 15) return { job: 'faults.urgent', payload: { seq } };
  if (slot < 18) return { job: 'faults.flaky', payload: { seq, failures: 1 + (seq % 2) } };
  if (slot < 19) return { job: 'faults.always-fails', payload: { seq } };
  return { job: 'faults.non-retryable', payload: { seq } };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const randomBetween = ([min, max]: readonly [number, number]) => min + Math.random() * (max - min);

function readLines<T>(file: string): { lines: T[]; torn: number } {
  if (!existsSync(file)) return { lines: [], torn: 0 };
  const lines: T[] = [];
  let torn = 0;
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (!text) continue;
    try {
      lines.push(JSON.parse(text) as T);
    } catch {
      torn++; // a line cut short by SIGKILL
    }
  }
  return { lines, torn };
}

async function queueCounts(sqs: SQSClient, queueUrl: string) {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

async function scanAll(db: DynamoDBDocumentClient, tableName: string): Promise<JobRecord[]> {
  const items: JobRecord[] = [];
  let start: Record<string, unknown> | undefined;
  for (let page = 0; page < 1000; page++) {
    const out = await db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...((out.Items ?? []) as JobRecord[]));
    start = out.LastEvaluatedKey;
    if (!start) return items;
  }
  throw new Error('table scan did not end');
}

/** Everything in a DLQ, hidden for 10 minutes so each copy is read once. */
async function drainDeadLetters(sqs: SQSClient, queueUrl: string): Promise<DeadLetter[]> {
  const copies: DeadLetter[] = [];
  let empty = 0;
  for (let round = 0; round < 2000 && empty < 2; round++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: empty === 0 ? 0 : 1,
        VisibilityTimeout: 600,
        MessageAttributeNames: ['All'],
      }),
    );
    empty = Messages.length === 0 ? empty + 1 : 0;
    for (const m of Messages) {
      copies.push({
        jobId: m.MessageAttributes?.[deadLetterAttributeNames.jobId]?.StringValue,
        reason: m.MessageAttributes?.[deadLetterAttributeNames.reason]?.StringValue,
      });
    }
  }
  return copies;
}

describe('fault injection', () => {
  it('every job ends terminal, effects once, failures in the DLQ, through faults and kills', async () => {
    const started = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'sqs-jobs-faults-'));
    const files = {
      effects: join(dir, 'effects.jsonl'),
      consumerFaults: join(dir, 'consumer-faults.jsonl'),
      consumerLog: join(dir, 'consumer.jsonl'),
      receiveTrace: join(dir, 'receives.jsonl'),
      suiteLog: join(dir, 'suite.log'),
      figures: join(dir, 'figures.json'),
    };
    const say = (text: string) => {
      const line = `[faults +${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`;
      appendFileSync(files.suiteLog, `${line}\n`);
      console.log(line);
    };
    say(`dir ${dir}; sizes ${JSON.stringify(sizes)}`);
    // The handlers run in the consumer process; it inherits this.
    env[EFFECTS_FILE_ENV] = files.effects;

    const producerFaults: FaultCounts = {};
    // Off while the runtime provisions (a provisioning failure is not what this suite is about).
    let producerFaultsOn = false;
    const prefix = 'faults';
    const rt = await startLocalRuntime({
      registry: faultRegistry,
      classes: faultClasses,
      prefix,
      consume: false,
      dataDir: join(dir, 'emulators'),
      configureClients: (clients) =>
        injectFaults(clients, {
          rate: sizes.rate,
          timeoutMs: sizes.timeoutMs,
          enabled: () => producerFaultsOn,
          onFault: (fault: InjectedFault) => countFault(producerFaults, 'producer', fault),
        }),
    });
    producerFaultsOn = true;
    const clean = awsClientsFor(rt.endpoints as EmulatorEndpoints);
    const db = toDocumentClient(clean.dynamodb);
    const tableName = rt.config.tableName;
    const queues = Object.entries(rt.config.queues);

    const childConfig = (rate: number): ChildConfig => ({
      prefix,
      rate,
      timeoutMs: sizes.timeoutMs,
      faultsFile: files.consumerFaults,
      logFile: files.consumerLog,
      traceFile: files.receiveTrace,
      sweepIntervalMs: sizes.sweepIntervalMs,
      sweepGraceSeconds: sizes.sweepGraceSeconds,
    });
    const childEnv = { ...rt.environment, [EFFECTS_FILE_ENV]: files.effects };
    const consumers: ConsumerProcess[] = [];
    const killedPids = new Set<number>();
    let startFailures = 0;
    /** Starts a consumer and waits until it polls; a start that fails under faults is tried again. */
    async function startReadyConsumer(rate: number): Promise<ConsumerProcess> {
      for (let tries = 0; tries < 10; tries++) {
        const consumer = startConsumer(childConfig(rate), childEnv);
        consumers.push(consumer);
        try {
          await consumer.ready;
          say(`consumer ${consumer.pid} ready (${Date.now() - consumer.startedAt} ms)`);
          return consumer;
        } catch (error) {
          startFailures++;
          say(`consumer ${consumer.pid} did not start: ${errorMessage(error).slice(-800)}`);
          consumer.kill('SIGKILL');
          await consumer.exited;
        }
      }
      throw new Error('the consumer process did not start in 10 tries');
    }

    const accepted = new Map<string, string>();
    const rejected: { job: string; error: string }[] = [];
    /** No enqueue here uses an idempotency key: a `duplicate` answer for a fresh job is wrong. */
    const duplicateAnswers: string[] = [];
    let finalConsumer: ConsumerProcess | undefined;
    try {
      let consumer = await startReadyConsumer(sizes.rate);

      // Producer: waves of enqueue and enqueueMany, spread over the kill phase.
      const produce = async () => {
        const perWave = Math.ceil(sizes.jobs / sizes.waves);
        for (let wave = 0; wave < sizes.waves; wave++) {
          const waveStart = Date.now();
          const seqs = Array.from({ length: Math.min(perWave, sizes.jobs - wave * perWave) }, (_, i) => wave * perWave + i);
          const single = seqs.filter((seq) => seq % 2 === 0);
          const many = seqs.filter((seq) => seq % 2 === 1);
          await Promise.all([
            mapWithConcurrency(single, 8, async (seq) => {
              const entry = entryFor(seq);
              try {
                const job = await rt.jobs.enqueue(entry.job, entry.payload as never);
                accepted.set(job.id, entry.job);
                if (job.duplicate) duplicateAnswers.push(job.id);
              } catch (error) {
                rejected.push({ job: entry.job, error: errorMessage(error) });
              }
            }),
            mapWithConcurrency(chunks(many, 25), 2, async (chunk) => {
              const entries = chunk.map(entryFor);
              const results = await rt.jobs.enqueueMany(entries);
              results.forEach((result, i) => {
                if (result.ok) {
                  accepted.set(result.job.id, entries[i]!.job);
                  if (result.job.duplicate) duplicateAnswers.push(result.job.id);
                } else rejected.push({ job: entries[i]!.job, error: result.error.message });
              });
            }),
          ]);
          const pace = sizes.enqueueSpreadMs / sizes.waves - (Date.now() - waveStart);
          if (pace > 0 && wave < sizes.waves - 1) await delay(pace);
        }
        say(`enqueued: ${accepted.size} accepted, ${rejected.length} rejected`);
      };

      // Kills: SIGKILL the consumer at a random moment after it is ready, start a new one.
      const kill = async () => {
        for (let k = 0; k < sizes.kills; k++) {
          await delay(randomBetween(sizes.killAfterMs));
          consumer.kill('SIGKILL');
          killedPids.add(consumer.pid);
          await consumer.exited;
          say(`kill ${k + 1}/${sizes.kills}: consumer ${consumer.pid} SIGKILLed`);
          consumer = await startReadyConsumer(sizes.rate);
        }
      };
      await Promise.all([produce(), kill()]);
      producerFaultsOn = false;

      if (!sizes.settleFaults) {
        // Settle without consumer faults: stop the last one gracefully, start a clean one.
        consumer.kill('SIGTERM');
        await consumer.exited;
        consumer = await startReadyConsumer(0);
      }
      finalConsumer = consumer;

      // Settle: every accepted job terminal, the work queues empty, no unknown record waiting.
      const ids = [...accepted.keys()];
      const settleDeadline = Date.now() + sizes.settleMs;
      let lastReport = 0;
      for (;;) {
        const records = await batchGetJobs(db, tableName, ids);
        const open = records.filter((r) => !['completed', 'failed', 'cancelled'].includes(r.status)).length + (ids.length - records.length);
        const left = (await Promise.all(queues.map(([, q]) => queueCounts(clean.sqs, q.queueUrl)))).reduce((a, b) => a + b, 0);
        let strays = 0;
        if (open === 0 && left === 0) {
          strays = (await scanAll(db, tableName)).filter(
            (r) => !accepted.has(r.id) && !['completed', 'failed', 'cancelled'].includes(r.status) && r.name?.startsWith('faults.'),
          ).length;
          if (strays === 0) break;
        }
        if (Date.now() - lastReport > 10_000) {
          say(`settling: ${open} job(s) not terminal, ${left} message(s) in work queues, ${strays} stray record(s)`);
          lastReport = Date.now();
        }
        if (Date.now() > settleDeadline) {
          say(`settle deadline passed: ${open} open, ${left} messages, ${strays} strays`);
          break;
        }
        await delay(2_000);
      }
      say('settled; stopping the last consumer');
      finalConsumer.kill('SIGTERM');
      await Promise.race([finalConsumer.exited, delay(20_000)]);
      finalConsumer.kill('SIGKILL');
      await finalConsumer.exited;
      finalConsumer = undefined;

      // Collect and judge.
      const records = await scanAll(db, tableName);
      const leftInQueues: Record<string, number> = {};
      const deadLetters: DeadLetter[] = [];
      for (const [className, q] of queues) {
        leftInQueues[className] = await queueCounts(clean.sqs, q.queueUrl);
        deadLetters.push(...(await drainDeadLetters(clean.sqs, q.dlqUrl)));
      }
      const effects = readLines<EffectLine>(files.effects);
      const logs = readLines<LogLine>(files.consumerLog);
      const verdictExtra: string[] = [];
      const consumerFaults: FaultCounts = {};
      for (const fault of readLines<InjectedFault>(files.consumerFaults).lines) countFault(consumerFaults, 'consumer', fault);
      for (const id of duplicateAnswers) {
        verdictExtra.push(`enqueue of new job ${id} (no idempotency key) answered duplicate: true, so no message was sent`);
      }
      const verdict = judge({ accepted, records, effects: effects.lines, logs: logs.lines, deadLetters, killedPids, leftInQueues });

      const faultTotals = { ...producerFaults, ...consumerFaults };
      const byKind = (side: string) =>
        Object.entries(faultTotals[side] ?? {})
          .sort()
          .map(([k, n]) => `${k}=${n}`)
          .join(' ');
      const figures = {
        jobs: accepted.size,
        rejectedEnqueues: rejected.length,
        rejectedReasons: summarize(rejected.map((r) => r.error)),
        faults: faultTotals,
        faultsTotal: Object.values(faultTotals).flatMap((side) => Object.values(side)).reduce((a, b) => a + b, 0),
        kills: killedPids.size,
        consumerStarts: consumers.length,
        consumerStartFailures: startFailures,
        ...verdict.figures,
        duplicateEnqueueAnswers: duplicateAnswers.length,
        deadLetterCopies: deadLetters.length,
        tornLines: effects.torn + logs.torn,
        settleFaults: sizes.settleFaults,
        sizes,
        durationSeconds: Math.round((Date.now() - started) / 100) / 10,
        problems: verdict.problems.length,
      };
      verdict.problems.push(...verdictExtra);
      writeFileSync(files.figures, `${JSON.stringify({ ...figures, problemList: verdict.problems }, null, 2)}\n`);
      say(
        `FIGURES jobs=${figures.jobs} rejected=${figures.rejectedEnqueues} faults=${figures.faultsTotal} ` +
          `[producer: ${byKind('producer')}] [consumer: ${byKind('consumer')}] kills=${figures.kills} ` +
          `lost=${figures.lost} duplicated-effects=${figures.duplicatesKillWindow} (kill windows) ` +
          `+${figures.duplicatesCompletionWrite} (failed completion writes) unexplained=${figures.duplicatesUnexplained} ` +
          `message-lost=${figures.messageLost} duplicate-enqueue-answers=${figures.duplicateEnqueueAnswers} mismatches=${figures.outcomeMismatches} status=${JSON.stringify(figures.byStatus)} ` +
          `duration=${figures.durationSeconds}s → ${files.figures}`,
      );
      for (const problem of verdict.problems.slice(0, 40)) say(`PROBLEM ${problem}`);

      expect(verdict.problems).toEqual([]);
      expect(figures.lost).toBe(0);
      if (figures.kills === 0) expect(figures.duplicatesKillWindow).toBe(0);
    } finally {
      for (const c of consumers) c.kill('SIGKILL');
      await Promise.all(consumers.map((c) => Promise.race([c.exited, delay(5_000)])));
      clean.destroy();
      await rt.stop();
      say(`files in ${dir}`);
    }
  });
});

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Error messages grouped by their first words, most frequent first. */
function summarize(messages: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of messages) {
    const key = m.replace(/[0-9a-f]{8}-[0-9a-f-]{27,}/gi, '<id>').slice(0, 120);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 10));
}
